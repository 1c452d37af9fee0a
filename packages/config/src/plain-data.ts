/**
 * Pure helpers for configuration values as plain data: the check-and-copy that refuses
 * hostile or unsuitable input, deep freezing, deep equality.
 */
import { isForbiddenKey } from '@foundation/errors';

/** Limits on a value written into the configuration. */
export interface DataLimits {
  /** The deepest nesting of objects and arrays accepted (32 by default). */
  readonly maxDepth: number;
  /** The largest value accepted, as an estimate of its JSON size in bytes (1 MiB by default). */
  readonly maxBytes: number;
}

/** The default {@link DataLimits}. */
export const DEFAULT_LIMITS: DataLimits = Object.freeze({ maxDepth: 32, maxBytes: 1024 * 1024 });

/** Why a value is not acceptable plain data, with the path (relative) where it was found. */
export interface DataProblem {
  /** Dotted path below the value's own path, '' for the value itself. */
  readonly at: string;
  /** The rule broken: `plain_data`, `forbidden_key`, `max_depth` or `max_size`. */
  readonly rule: 'plain_data' | 'forbidden_key' | 'max_depth' | 'max_size';
  /** For people. */
  readonly message: string;
}

/** True for `{}`-like objects: prototype `Object.prototype` or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

class Refusal extends Error {
  constructor(readonly problem: DataProblem) {
    super(problem.message);
  }
}

function refuse(at: string[], rule: DataProblem['rule'], message: string): never {
  throw new Refusal({ at: at.join('.'), rule, message });
}

/**
 * Checks that `value` is JSON-like plain data within `limits` and returns a fresh copy of it
 * (so later changes to the caller's object cannot reach the configuration). Refuses
 * functions, symbols, bigints, non-finite numbers, class instances, accessors, the keys
 * `__proto__` / `constructor` / `prototype`, and values too deep or too large.
 */
export function toPlainData(
  value: unknown,
  limits: DataLimits = DEFAULT_LIMITS,
): { ok: true; value: unknown } | { ok: false; problem: DataProblem } {
  // Primitives are the common case of an update: no walk, no copy.
  if (typeof value === 'string') {
    return value.length > limits.maxBytes
      ? { ok: false, problem: { at: '', rule: 'max_size', message: sizeMessage(limits) } }
      : { ok: true, value };
  }
  if (typeof value === 'boolean' || value === null || value === undefined) {
    return { ok: true, value };
  }
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
  const budget = { bytes: 0 };
  try {
    return { ok: true, value: copy(value, [], limits, budget) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem };
    throw error;
  }
}

function sizeMessage(limits: DataLimits): string {
  return `value is larger than ${limits.maxBytes} bytes`;
}

function copy(
  value: unknown,
  at: string[],
  limits: DataLimits,
  budget: { bytes: number },
): unknown {
  switch (typeof value) {
    case 'string':
      charge(budget, value.length + 2, at, limits);
      return value;
    case 'boolean':
      charge(budget, 5, at, limits);
      return value;
    case 'number':
      if (!Number.isFinite(value)) refuse(at, 'plain_data', `${String(value)} is not JSON data`);
      charge(budget, 8, at, limits);
      return value;
    case 'undefined':
      return undefined;
    case 'function':
      return refuse(at, 'plain_data', 'functions are not configuration data');
    case 'symbol':
    case 'bigint':
      return refuse(at, 'plain_data', `a ${typeof value} is not JSON data`);
    default:
      break;
  }
  if (value === null) {
    charge(budget, 4, at, limits);
    return null;
  }
  if (at.length >= limits.maxDepth) {
    refuse(at, 'max_depth', `value is nested deeper than ${limits.maxDepth} levels`);
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) {
      refuse(at, 'plain_data', 'array subclasses are not configuration data');
    }
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined)
        refuse([...at, String(i)], 'plain_data', 'arrays may not hold undefined');
      charge(budget, 1, at, limits);
      out.push(copy(item, [...at, String(i)], limits, budget));
    }
    return out;
  }
  if (!isPlainObject(value)) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return refuse(
      at,
      'plain_data',
      `a class instance (${typeof name === 'string' ? name : 'unknown'}) is not plain data`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') refuse(at, 'plain_data', 'symbol keys are not JSON data');
    if (isForbiddenKey(key)) refuse([...at, key], 'forbidden_key', `the key '${key}' is forbidden`);
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in descriptor))
      refuse([...at, key], 'plain_data', 'accessor properties are not data');
    if (!descriptor.enumerable) continue;
    charge(budget, key.length + 3, at, limits);
    const item = copy(descriptor.value, [...at, key], limits, budget);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

function charge(budget: { bytes: number }, bytes: number, at: string[], limits: DataLimits): void {
  budget.bytes += bytes;
  if (budget.bytes > limits.maxBytes) refuse(at, 'max_size', sizeMessage(limits));
}

/** Freezes `value` and everything inside it; already frozen parts are skipped (shared). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Structural equality of plain data (objects, arrays, primitives with `Object.is`). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) {
      return false;
    }
  }
  return true;
}
