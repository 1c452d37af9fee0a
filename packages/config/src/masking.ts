/** Secret paths and the masking that keeps their values out of every output. */
import { isPlainObject } from './plain-data.js';

/** What a secret value is shown as. */
export const REDACTED = '[REDACTED]';

/** A secret path as segments; `*` matches any one key (a record's entries). */
type Pattern = readonly string[];

function matches(pattern: Pattern, segments: readonly string[], length: number): boolean {
  for (let i = 0; i < length; i++) {
    if (pattern[i] !== '*' && pattern[i] !== segments[i]) return false;
  }
  return true;
}

/** The set of secret paths, and masking against it. */
export class SecretPaths {
  readonly #patterns: Pattern[] = [];

  /** Adds a secret path (its whole subtree is secret). */
  add(segments: readonly string[]): void {
    this.#patterns.push([...segments]);
  }

  /** True when `segments` is a secret path or lies under one. */
  covers(segments: readonly string[]): boolean {
    return this.#patterns.some(
      (p) => p.length <= segments.length && matches(p, segments, p.length),
    );
  }

  /** Every secret path, in the order added, as pino redact paths (see {@link toRedactPath}). */
  redactPaths(): string[] {
    return [...new Set(this.#patterns.map(toRedactPath))];
  }

  /** `value` (found at `segments`) with every secret inside it replaced by {@link REDACTED}. */
  mask(value: unknown, segments: readonly string[]): unknown {
    if (this.#patterns.length === 0 || value === undefined) return value;
    if (this.covers(segments)) return REDACTED;
    const below = this.#patterns.filter(
      (p) => p.length > segments.length && matches(p, segments, segments.length),
    );
    if (below.length === 0) return value;
    return maskBelow(value, below, segments.length);
  }
}

function maskBelow(value: unknown, patterns: readonly Pattern[], depth: number): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const here = patterns.filter((p) => p[depth] === '*' || p[depth] === key);
    const item = value[key];
    if (here.length === 0) out[key] = item;
    else if (here.some((p) => p.length === depth + 1))
      out[key] = item === undefined ? item : REDACTED;
    else out[key] = maskBelow(item, here, depth + 1);
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// pino refuses '..' and ',' anywhere in a path, and brackets or quotes inside a quoted key would
// end it early: a key with any of these cannot be named in a redact path.
const UNNAMEABLE = /\.\.|[,"'[\]]/;

/**
 * A secret path in pino's redact syntax: `db.password`, `keys.*`, `db["api-key"]`. A key pino
 * cannot name makes the path stop at its parent, which redacts more, never less (`*` when the
 * first key cannot be named).
 */
export function toRedactPath(segments: readonly string[]): string {
  let path = '';
  for (const key of segments) {
    if (UNNAMEABLE.test(key)) break;
    if (key === '*' || IDENTIFIER.test(key)) path += path === '' ? key : `.${key}`;
    else path += `["${key}"]`;
  }
  return path === '' ? '*' : path;
}
