import { defineErrorCodes, FoundationError } from '@foundation/errors';

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 8101 */ quality_config_invalid: true;
    /** 8102 */ quality_tool_missing: true;
    /** 8103 */ quality_input_unreadable: true;
    /** 8104 */ quality_baseline_mismatch: true;
    /** 8105 */ quality_gate_crashed: true;
  }
}

/**
 * The quality package's error codes (81xx). Each one means the run could not measure what it
 * was asked to, so no report is written as if it were complete and the CLI exits with code 2.
 */
export const QualityErrors = defineErrorCodes({
  quality_config_invalid: {
    code: 8101,
    category: 'config',
    subcategory: 'quality',
    severity: 'medium',
    retry: 'none',
    description: 'The quality configuration is missing or invalid',
  },
  quality_tool_missing: {
    code: 8102,
    category: 'system',
    subcategory: 'quality',
    severity: 'medium',
    retry: 'none',
    description: 'A tool a quality gate needs is not installed',
  },
  quality_input_unreadable: {
    code: 8103,
    category: 'data',
    subcategory: 'quality',
    severity: 'medium',
    retry: 'none',
    description: 'An input file a quality gate reads is missing or malformed',
  },
  quality_baseline_mismatch: {
    code: 8104,
    category: 'data',
    subcategory: 'quality',
    severity: 'medium',
    retry: 'none',
    description: 'The stored benchmark baseline does not match the benchmarks that ran',
  },
  quality_gate_crashed: {
    code: 8105,
    category: 'system',
    subcategory: 'quality',
    severity: 'high',
    retry: 'none',
    description: 'A quality gate threw instead of returning its outcome',
  },
});

/** The name of one of the quality package's error codes. */
export type QualityErrorName = keyof typeof QualityErrors;

/**
 * Builds a quality error: `what` says what went wrong, `todo` what the user should do about
 * it; both are in the message, and `context` carries the path or file involved.
 */
export function qualityError(
  code: QualityErrorName,
  what: string,
  todo: string,
  context: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): FoundationError {
  return new FoundationError(QualityErrors[code], `${what}. ${todo}`, {
    context: { ...context, todo },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** True for the errors that mean "bad input": the run stops with exit code 2. */
export function isQualityInputError(error: unknown): error is FoundationError {
  return (
    FoundationError.is(error) && (error.code === 3204 || (error.code >= 8101 && error.code <= 8105))
  );
}
