import { inspect } from 'node:util';
import { serializeError } from './serialize.js';
import { jsonText, toJsonSafe } from './json-safe.js';

/**
 * `util.inspect` that never throws, whatever the value's getters or custom inspectors do.
 *
 * @param value - any value
 * @returns the value as `util.inspect` shows it (nested 6 levels deep, lines up to 120
 *   characters), or `[uninspectable: <reason>]` when inspecting it threw
 */
export function safeInspect(value: unknown): string {
  try {
    return inspect(value, { depth: 6, breakLength: 120 });
  } catch (error) {
    return `[uninspectable: ${error instanceof Error ? error.message : 'unknown'}]`;
  }
}

/**
 * `JSON.stringify` that never throws: errors are serialized with {@link serializeError},
 * BigInts, cycles and throwing getters are replaced by readable stand-ins.
 *
 * @param value - any value; an `Error` is written as its {@link serializeError} form
 * @param space - indentation per level, in spaces, as `JSON.stringify` takes it; absent
 *   (or 0) gives compact single-line text
 * @returns the JSON text; `null` for a value JSON has no form for (such as `undefined`)
 */
export function safeStringify(value: unknown, space?: number): string {
  // Both converters return plain JSON data, so JSON.stringify cannot throw on their output.
  const data = value instanceof Error ? serializeError(value) : toJsonSafe(value);
  return jsonText(data, space) ?? 'null';
}
