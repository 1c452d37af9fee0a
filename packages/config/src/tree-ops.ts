/** Pure, copy-on-write operations on configuration trees (plain, frozen objects). */
import { deepEqual, isPlainObject } from './plain-data.js';

/** One changed value: where, before and after. */
export interface Change {
  /** The dotted path of the change. */
  readonly path: string;
  /** The value before (undefined when it did not exist). */
  readonly oldValue: unknown;
  /** The value after (undefined when it was removed). */
  readonly newValue: unknown;
}

/** The value at `segments[0..length)` of `root` (own properties only), or undefined. */
export function getAt(
  root: unknown,
  segments: readonly string[],
  length = segments.length,
): unknown {
  let current = root;
  for (let i = 0; i < length; i++) {
    if (!isPlainObject(current)) return undefined;
    const key = segments[i]!;
    if (!Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * A copy of `root` with `value` at `segments`, sharing every untouched subtree. Missing or
 * non-object parents are created as `{}`; `undefined` removes the key.
 */
export function setAt(
  root: unknown,
  segments: readonly string[],
  value: unknown,
  from = 0,
): unknown {
  if (from === segments.length) return value;
  const key = segments[from]!;
  const base = isPlainObject(root) ? root : {};
  const child = setAt(Object.hasOwn(base, key) ? base[key] : undefined, segments, value, from + 1);
  if (child !== undefined) return { ...base, [key]: child };
  const { [key]: _removed, ...rest } = base;
  return rest;
}

/** True when `short` is a prefix of `long` (segment by segment; equal paths included). */
export function hasPrefix(long: readonly string[], short: readonly string[]): boolean {
  if (short.length > long.length) return false;
  for (let i = 0; i < short.length; i++) if (long[i] !== short[i]) return false;
  return true;
}

/** The depth of the first missing (or non-object) parent along `segments`, or `segments.length`. */
export function firstMissingDepth(root: unknown, segments: readonly string[]): number {
  let current = root;
  for (let depth = 0; depth < segments.length; depth++) {
    if (!isPlainObject(current)) return depth;
    current = Object.hasOwn(current, segments[depth]!) ? current[segments[depth]!] : undefined;
  }
  return segments.length;
}

/** A change found by {@link diff}, with its path as segments (record keys may hold dots). */
export interface SegmentChange {
  readonly segments: readonly string[];
  readonly oldValue: unknown;
  readonly newValue: unknown;
}

/** Leaf-level differences between two trees (arrays count as leaves), appended to `out`. */
export function diff(
  before: unknown,
  after: unknown,
  prefix: readonly string[] = [],
  out: SegmentChange[] = [],
): SegmentChange[] {
  if (before === after) return out;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) {
      diff(before[key], Object.hasOwn(after, key) ? after[key] : undefined, [...prefix, key], out);
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key)) diff(undefined, after[key], [...prefix, key], out);
    }
    return out;
  }
  if (!deepEqual(before, after)) out.push({ segments: prefix, oldValue: before, newValue: after });
  return out;
}

/** Every leaf path under `value` (itself when it is a leaf), as segments after `prefix`. */
export function leafPaths(
  value: unknown,
  prefix: readonly string[],
  out: (readonly string[])[] = [],
): (readonly string[])[] {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push(prefix);
    for (const key of keys) leafPaths(value[key], [...prefix, key], out);
  } else {
    out.push(prefix);
  }
  return out;
}
