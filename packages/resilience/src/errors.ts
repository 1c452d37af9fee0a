import { abortReason } from '@foundation/core';
import { defineErrorCodes, FoundationError } from '@foundation/errors';

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 5101 */ circuit_open: true;
    /** 5102 */ rate_limited: true;
    /** 5103 */ bulkhead_full: true;
    /** 5104 */ timed_out: true;
    /** 5105 */ aborted: true;
    /** 5106 */ retries_exhausted: true;
  }
}

/**
 * The error codes of the resilience policies (51xx). Every rejection a policy makes is a
 * `FoundationError` of one of these codes; invalid options use the built-in 3204
 * `invalid_input`. Where the policy knows when a retry can succeed, the error's
 * `context.retryAfterMs` says so.
 */
export const ResilienceErrors = defineErrorCodes({
  circuit_open: {
    code: 5101,
    category: 'resilience',
    subcategory: 'circuit_breaker',
    severity: 'medium',
    retry: 'fixed_delay',
    description: 'Circuit breaker is open',
  },
  rate_limited: {
    code: 5102,
    category: 'resilience',
    subcategory: 'rate_limiter',
    severity: 'low',
    retry: 'fixed_delay',
    description: 'Rate limit exceeded',
  },
  bulkhead_full: {
    code: 5103,
    category: 'resilience',
    subcategory: 'bulkhead',
    severity: 'medium',
    retry: 'exponential_backoff',
    description: 'Bulkhead is full',
  },
  timed_out: {
    code: 5104,
    category: 'resilience',
    subcategory: 'timeout',
    severity: 'medium',
    retry: 'exponential_backoff',
    description: 'Operation timed out',
  },
  aborted: {
    code: 5105,
    category: 'resilience',
    subcategory: 'cancellation',
    severity: 'low',
    retry: 'none',
    description: 'Operation aborted by the caller',
  },
  retries_exhausted: {
    code: 5106,
    category: 'resilience',
    subcategory: 'retry',
    severity: 'medium',
    retry: 'none',
    description: 'Retries exhausted',
  },
});

/** The error for a call the caller's own signal cancelled; the signal's reason is the cause. */
export function abortedError(signal: AbortSignal): FoundationError {
  return new FoundationError(ResilienceErrors.aborted, 'Operation aborted by the caller', {
    cause: abortReason(signal),
  });
}

/**
 * True when a call failed because its caller cancelled it: a 5105 `aborted`, or any failure
 * while the call's signal is aborted for a reason other than a timeout policy's deadline. Such
 * an outcome says nothing about the dependency's health.
 */
export function isCallerAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return (
    hasCode(error, ResilienceErrors.aborted) ||
    (signal?.aborted === true && !hasCode(signal.reason, ResilienceErrors.timed_out))
  );
}

/** True when `error` is a FoundationError of the given resilience code. */
export function hasCode(error: unknown, code: { readonly code: number }): error is FoundationError {
  return FoundationError.is(error) && error.code === code.code;
}

/**
 * Refuses an invalid option: a FoundationError 3204 `invalid_input` naming the option's path,
 * the rule it broke and (safely) the value given.
 */
export function invalidOption(path: string, rule: string, value: unknown): FoundationError {
  return new FoundationError('invalid_input', `Invalid option '${path}': ${rule}`, {
    context: { path, rule, value: describe(value) },
  });
}

function describe(value: unknown): unknown {
  if (value === null || ['number', 'boolean', 'undefined'].includes(typeof value)) return value;
  if (typeof value === 'string') return value.length > 100 ? `${value.slice(0, 100)}…` : value;
  return `[${typeof value}]`;
}
