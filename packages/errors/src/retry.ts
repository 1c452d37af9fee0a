import { FoundationError } from './foundation-error.js';

/** Base delay for fixed and exponential retries, ms. */
export const RETRY_BASE_DELAY_MS = 1000;
/** Ceiling of exponential retry delays, ms. */
export const RETRY_MAX_DELAY_MS = 30_000;

/**
 * How long to wait before retry number `attempt` (0 for the first retry) after `error`:
 * exponential backoff `min(1000 · 2^attempt, 30000)`, fixed delay 1000, immediate 0, and
 * `Infinity` when the error must not be retried (strategy `none`, or not a FoundationError).
 * Never negative; a negative or fractional attempt counts as the nearest valid one.
 *
 * @param error - what the failed attempt threw; only a FoundationError's retry strategy is read
 * @param attempt - which retry this is, counting from 0 for the first one
 * @returns the delay in milliseconds (0 to {@link RETRY_MAX_DELAY_MS}), or `Infinity` when the
 *   operation must not be retried
 */
export function retryDelayMs(error: unknown, attempt: number): number {
  if (!FoundationError.is(error)) return Infinity;
  const n = Number.isFinite(attempt)
    ? Math.max(0, Math.floor(attempt))
    : attempt > 0
      ? Infinity
      : 0;
  switch (error.retryStrategy) {
    case 'exponential_backoff':
      return n >= 15
        ? RETRY_MAX_DELAY_MS
        : Math.min(RETRY_BASE_DELAY_MS * 2 ** n, RETRY_MAX_DELAY_MS);
    case 'fixed_delay':
      return RETRY_BASE_DELAY_MS;
    case 'immediate':
      return 0;
    case 'none':
      return Infinity;
  }
}

/**
 * True when `error` is a FoundationError whose retry strategy allows a retry.
 *
 * @param error - what the failed operation threw, of any type
 * @returns `true` for a FoundationError whose strategy is not `none`; `false` for every other
 *   value, plain errors included
 */
export function isRetryable(error: unknown): boolean {
  return FoundationError.is(error) && error.retryStrategy !== 'none';
}

/**
 * True when `error` is a FoundationError of severity `high` or `critical`.
 *
 * @param error - what the failed operation threw, of any type
 * @returns `true` when it should be escalated (paged, alerted on); `false` for lower
 *   severities and for anything that is not a FoundationError
 */
export function shouldEscalate(error: unknown): boolean {
  return FoundationError.is(error) && (error.severity === 'high' || error.severity === 'critical');
}
