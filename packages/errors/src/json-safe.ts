const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True for the keys that can reach an object's prototype: `__proto__`, `constructor`, `prototype`.
 *
 * @param key - an object key, such as one read from untrusted JSON (compared exactly, so case
 *   matters)
 * @returns `true` when `key` is one of the three, and must be dropped or refused
 */
export function isForbiddenKey(key: string): boolean {
  // The length test spares most keys the hash lookup: this runs on hot paths (rate-limit keys).
  return (key.length === 9 || key.length === 11) && FORBIDDEN_KEYS.has(key);
}

/**
 * Converts any value into plain JSON data for error context and logs. JSON values pass
 * unchanged; other values become readable stand-ins (`12n`, ISO dates, `[Function f]`, arrays
 * for Map and Set, `{ name, message }` for errors, the result of `toJSON()` when an object has
 * one, `[Circular]`, `[Truncated]` past `maxDepth`). Prototype keys are dropped. Never throws,
 * even on throwing getters.
 *
 * @param value - any value
 * @param maxDepth - how many levels of objects and arrays to convert before the rest becomes
 *   `[Truncated]`; default 16
 * @returns a new value made only of JSON types (`undefined` stays `undefined`); `value` itself
 *   is not changed
 */
export function toJsonSafe(value: unknown, maxDepth = 16): unknown {
  return convert(value, maxDepth, new WeakSet());
}

function convert(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'undefined':
      return undefined;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  if (depth <= 0) return '[Truncated]';
  seen.add(object);
  try {
    if (value instanceof Date)
      return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (Array.isArray(value)) return value.map((item) => convert(item, depth - 1, seen) ?? null);
    if (value instanceof Map) {
      return [...value.entries()].map(([k, v]) => [
        convert(k, depth - 1, seen),
        convert(v, depth - 1, seen),
      ]);
    }
    if (value instanceof Set) return [...value].map((item) => convert(item, depth - 1, seen));
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    // Objects that say how they want to be JSON (URL, Decimal, Temporal) are taken at their word.
    const { toJSON } = value as { toJSON?: unknown };
    if (typeof toJSON === 'function') return convert(toJSON.call(value), depth - 1, seen);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      if (isForbiddenKey(key)) continue;
      const converted = convert((object as Record<string, unknown>)[key], depth - 1, seen);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  } catch {
    return '[Unreadable]';
  } finally {
    seen.delete(object);
  }
}

/** `JSON.stringify`, typed honestly: it returns undefined for undefined and functions. */
export function jsonText(value: unknown, space?: number): string | undefined {
  return JSON.stringify(value, null, space);
}

/** Reads a string through a getter that may throw or return anything; undefined otherwise. */
export function readString(read: () => unknown): string | undefined {
  try {
    const value = read();
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
