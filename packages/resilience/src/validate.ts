import { invalidOption } from './errors.js';

// Option checks shared by every policy: each throws a 3204 invalid_input naming path and rule.

/** A finite number > 0. */
export function positive(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(path, 'must be a finite number > 0', value);
  }
  return value;
}

/** A finite number >= 0. */
export function nonNegative(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(path, 'must be a finite number >= 0', value);
  }
  return value;
}

/** An integer >= `min` (a safe integer). */
export function integer(path: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidOption(path, `must be an integer >= ${min}`, value);
  }
  return value;
}

/** A failure rate: a number in (0, 1]. */
export function rate01(path: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw invalidOption(path, 'must be a number > 0 and <= 1', value);
  }
  return value;
}

/** A function, when given. */
export function optionalFunction<F>(path: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw invalidOption(path, 'must be a function', value);
  }
  return value;
}

/** An options object (or nothing). */
export function optionsObject<T extends object>(path: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  const candidate: unknown = value;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw invalidOption(path, 'must be an object', value);
  }
  return value;
}

/** A member of `allowed`. */
export function oneOf<const T extends string>(
  path: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    throw invalidOption(path, `must be one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

/** A Clock-like object (checked loosely: the methods policies call). */
export function clockOption<C extends object>(path: string, value: C): C {
  const candidate = value as Record<string, unknown> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.nowMs !== 'function' ||
    typeof candidate.sleep !== 'function' ||
    typeof candidate.setTimeout !== 'function'
  ) {
    throw invalidOption(path, 'must be a Clock', value);
  }
  return value;
}
