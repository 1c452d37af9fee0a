import type { Clock } from '@foundation/core';
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import { SupervisionErrors } from './errors.js';

/** The 5204 error for a refused specification, naming the path and the rule broken. */
export function invalidSpec(path: string, rule: string, message: string): FoundationError {
  return new FoundationError(SupervisionErrors.invalid_supervisor_spec, message, {
    context: { path, rule },
  });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Checks that `value` is a plain object (not null, not an array). */
export function requireObject(value: unknown, path: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidSpec(path, 'object', `${path} must be an object, got ${typeName(value)}`);
  }
  return value as Readonly<Record<string, unknown>>;
}

/** Checks a name or id: a non-empty string that is not `__proto__`, `constructor` or `prototype`. */
export function requireName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidSpec(path, 'non_empty_string', `${path} must be a non-empty string`);
  }
  if (isForbiddenKey(value)) {
    throw invalidSpec(path, 'forbidden_key', `${path} must not be '${value}'`);
  }
  return value;
}

/** Checks that `value` is one of `allowed`, or returns `fallback` when it is undefined. */
export function requireOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fallback: T,
  path: string,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const got = typeof value === 'string' ? `'${value}'` : typeName(value);
    throw invalidSpec(path, 'one_of', `${path} must be one of ${allowed.join(', ')}, got ${got}`);
  }
  return value as T;
}

/** The bounds a number must keep. */
export interface NumberRule {
  /** The smallest value allowed. */
  readonly min: number;
  /** Whether `min` itself is refused. */
  readonly exclusive?: boolean;
  /** Whether only integers are allowed. */
  readonly integer?: boolean;
}

/**
 * Checks a finite number within `rule`. When `value` is undefined, returns `fallback`, or
 * refuses it as missing when there is no fallback.
 */
export function requireNumber(
  value: unknown,
  rule: NumberRule,
  fallback: number | undefined,
  path: string,
): number {
  if (value === undefined) {
    if (fallback === undefined) throw invalidSpec(path, 'required', `${path} is required`);
    return fallback;
  }
  const bound = `${rule.exclusive ? '>' : '>='} ${rule.min}`;
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.integer !== true || Number.isInteger(value)) &&
    (rule.exclusive ? value > rule.min : value >= rule.min);
  if (!ok) {
    const got = typeof value === 'number' ? String(value) : typeName(value);
    throw invalidSpec(path, 'range', `${path} must be ${kind} ${bound}, got ${got}`);
  }
  return value;
}

/** Checks that `value` is a function. */
export function requireFunction(value: unknown, path: string): (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw invalidSpec(path, 'function', `${path} must be a function, got ${typeName(value)}`);
  }
  return value as (...args: never[]) => unknown;
}

/** Refuses a second use of the same name within one list. */
export function requireUnique(name: string, seen: Set<string>, path: string): void {
  if (seen.has(name)) throw invalidSpec(path, 'unique', `${path} '${name}' is a duplicate`);
  seen.add(name);
}

const CLOCK_METHODS = ['nowMs', 'nowNs', 'wallMs', 'sleep', 'setTimeout', 'setInterval'] as const;

/** Checks an injected clock's shape, or returns `fallback` when it is undefined. */
export function requireClock(value: unknown, fallback: Clock, path: string): Clock {
  if (value === undefined) return fallback;
  const clock = requireObject(value, path);
  for (const method of CLOCK_METHODS) requireFunction(clock[method], `${path}.${method}`);
  return value as Clock;
}
