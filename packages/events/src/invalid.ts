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
