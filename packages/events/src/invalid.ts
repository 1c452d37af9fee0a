import { FoundationError } from '@foundation/errors';

/** A 3204 invalid_input error naming the argument path and the rule it broke. */
export function invalidInput(path: string, rule: string): FoundationError {
  return new FoundationError('invalid_input', `${path}: ${rule}`, { context: { path, rule } });
}

/** A 3203 validation_failed error for an event: the field's path and the rule it broke. */
export function validationFailed(path: string, rule: string): FoundationError {
  return new FoundationError('validation_failed', `Invalid event: ${path}: ${rule}`, {
    context: { path, rule },
  });
}

/**
 * Every option an options type has, each marked `true`: written once per options type, the
 * compiler checks that the list is complete.
 */
export type KnownOptions<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Checks an options object: an object (or nothing) holding only `known` options. Anything else
 * is refused with 3204 naming the option (a misspelling is not silently ignored) and listing
 * the known ones.
 */
export function checkOptions<T extends object>(
  path: string,
  value: T | undefined,
  known: KnownOptions<NoInfer<T>>,
): void {
  if (value === undefined) return;
  const candidate: unknown = value;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw invalidInput(path, 'expected an object');
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) {
      throw invalidInput(
        `${path}.${key}`,
        `is not a known option (known: ${Object.keys(known).join(', ')})`,
      );
    }
  }
}

/** Checks an optional limit option: a positive integer, or Infinity when `allowInfinity`. */
export function positiveLimit(
  value: number | undefined,
  fallback: number,
  path: string,
  allowInfinity = true,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    value > 0 &&
    (Number.isSafeInteger(value) || (allowInfinity && value === Infinity));
  if (!ok) {
    throw invalidInput(path, `must be a positive integer${allowInfinity ? ' or Infinity' : ''}`);
  }
  return value;
}
