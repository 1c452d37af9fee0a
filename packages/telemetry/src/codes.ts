import { defineErrorCodes, FoundationError, type ErrorCodeName } from '@foundation/errors';

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 6101 */ telemetry_handler_exists: true;
    /** 6102 */ telemetry_metric_conflict: true;
  }
}

/**
 * The telemetry package's own error codes (61xx). Everything else it refuses uses the built-in
 * `invalid_input` (3204) and `type_mismatch` (3201) codes, with `path` and `rule` in the context.
 */
export const TelemetryErrorCodes = defineErrorCodes({
  telemetry_handler_exists: {
    code: 6101,
    category: 'system',
    subcategory: 'telemetry',
    severity: 'low',
    retry: 'none',
    description: 'A telemetry handler with this id is already attached',
  },
  telemetry_metric_conflict: {
    code: 6102,
    category: 'system',
    subcategory: 'telemetry',
    severity: 'medium',
    retry: 'none',
    description: 'A metric with this name exists with a different definition',
  },
});

/** Builds the error for refused input: the code, the path of the bad value and the rule it broke. */
export function inputError(
  code: ErrorCodeName,
  path: string,
  rule: string,
  context: Readonly<Record<string, unknown>> = {},
): FoundationError {
  return new FoundationError(code, `${path}: ${rule}`, { context: { ...context, path, rule } });
}

/**
 * Refuses an options object that is not an object or holds a key not in `known`, with 3204
 * naming the option and listing the known ones (a misspelling is never silently ignored).
 */
export function checkOptions(path: string, value: unknown, known: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError('invalid_input', path, 'options must be an object');
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw inputError(
        'invalid_input',
        `${path}.${key}`,
        `is not a known option (known: ${known.join(', ')})`,
      );
    }
  }
}

/** How a refused number is shown in an error's context: the number itself, or the type given. */
export function receivedNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}
