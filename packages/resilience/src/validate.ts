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

/**
 * Every option an options type has, each marked `true`: written out once per options type, the
 * compiler checks that the list is complete and has nothing extra.
 */
export type KnownOptions<T> = { readonly [K in keyof Required<T>]: true };

/**
 * An options object (or nothing) holding only `known` options. A key that is not known (a
 * misspelling, another library's name for an option) is refused with the list of known ones,
 * rather than silently ignored.
 */
export function optionsObject<T extends object>(
  path: string,
  value: T | undefined,
  known: KnownOptions<NoInfer<T>>,
): Partial<T> {
  if (value === undefined) return {};
  const candidate: unknown = value;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw invalidOption(path, 'must be an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) {
      throw invalidOption(
        path === 'options' ? key : `${path}.${key}`,
        `is not a known option (known: ${Object.keys(known).join(', ')})`,
        (value as Record<string, unknown>)[key],
      );
    }
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
