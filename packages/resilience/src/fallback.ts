import type { Result } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { contextOf, type ExecuteOptions, type Operation } from './context.js';
import { fallbackChannel } from './diagnostics.js';
import { hasCode, ResilienceErrors } from './errors.js';
import { settle, type Policy } from './policy.js';
import { optionalFunction, optionsObject, type KnownOptions } from './validate.js';

/**
 * Why the protected call failed: the breaker was `open`, it `timeout`ed, a bulkhead
 * `rejected` it, a rate limiter `throttled` it, or it threw an `error` of its own.
 */
export type FailureReason = 'open' | 'timeout' | 'rejected' | 'throttled' | 'error';

/** What a fallback function learns. */
export interface FallbackInfo {
  /** Why the call failed. */
  readonly reason: FailureReason;
  /** The error it failed with. */
  readonly error: unknown;
  /** The call's signal (aborted only if the caller aborts while the fallback runs). */
  readonly signal: AbortSignal | undefined;
}

/** Options of {@link fallback}. */
export interface FallbackOptions {
  /** Which errors the fallback replaces. Default: all but the caller's own abort. */
  readonly when?: (error: unknown) => boolean;
}

const FALLBACK_OPTIONS: KnownOptions<FallbackOptions> = { when: true };

/**
 * The reason a fallback reports for `error`.
 *
 * @param error - what the protected call failed with
 * @returns `open` for 5101 circuit_open, `timeout` for 5104 timed_out or 4301 (a timeout
 *   from outside this package), `rejected` for 5103 bulkhead_full, `throttled` for 5102
 *   rate_limited, and `error` for anything else,
 *   including values that are not FoundationErrors
 */
export function failureReason(error: unknown): FailureReason {
  if (!FoundationError.is(error)) return 'error';
  switch (error.code) {
    case ResilienceErrors.circuit_open.code:
      return 'open';
    case ResilienceErrors.timed_out.code:
    case 4301:
      return 'timeout';
    case ResilienceErrors.bulkhead_full.code:
      return 'rejected';
    case ResilienceErrors.rate_limited.code:
      return 'throttled';
    default:
      return 'error';
  }
}

class Fallback<F> implements Policy<F> {
  readonly #produce: (info: FallbackInfo) => F | PromiseLike<F>;
  readonly #when: ((error: unknown) => boolean) | undefined;

  constructor(produce: (info: FallbackInfo) => F | PromiseLike<F>, options: FallbackOptions) {
    this.#produce = produce;
    this.#when = optionalFunction('when', optionsObject('options', options, FALLBACK_OPTIONS).when);
  }

  async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T | F> {
    const context = contextOf(options);
    try {
      return await fn(context);
    } catch (error) {
      // The caller's own abort is passed on: nobody is waiting for a default.
      if (
        hasCode(error, ResilienceErrors.aborted) ||
        (this.#when !== undefined && !this.#when(error))
      ) {
        throw error;
      }
      const reason = failureReason(error);
      if (fallbackChannel.hasSubscribers) fallbackChannel.publish({ reason, error });
      return this.#produce({ reason, error, signal: context.signal });
    }
  }

  executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T | F, unknown>> {
    return settle(this.execute(fn, options));
  }
}

/**
 * Serves a default when the protected call fails. Given a function, it is called with why the
 * call failed ({@link FallbackInfo}); anything else is the value served (to serve a function
 * itself, return it from a function). The caller's own abort is never replaced.
 *
 * @example
 * ```ts
 * const safe = pipeline(fallback(({ reason }) => ({ items: [], degraded: reason })), breaker);
 * const page = await safe.execute(() => catalog.list());
 * ```
 *
 * @param fn - called on each failure with the reason, the error and the call's signal; what it
 *   returns (or resolves to) is served; if it throws, the call rejects with that error
 * @param options - `when`, which errors the fallback replaces (default all but the caller's
 *   own abort)
 * @returns a new fallback policy, whose calls resolve to the call's value or to the default
 */
export function fallback<F>(
  fn: (info: FallbackInfo) => F | PromiseLike<F>,
  options?: FallbackOptions,
): Policy<F>;
/**
 * Serves `value` when the protected call fails.
 *
 * @param value - the default served on each failure, the same value every time
 * @param options - `when`, which errors the fallback replaces (default all but the caller's
 *   own abort)
 * @returns a new fallback policy, whose calls resolve to the call's value or to `value`
 */
export function fallback<F>(value: F, options?: FallbackOptions): Policy<F>;
/**
 * Serves a default when the protected call fails (the implementation of both overloads).
 *
 * @param valueOrFn - a function producing the default from the {@link FallbackInfo}, or the
 *   default value itself
 * @param options - `when`, which errors the fallback replaces (default all but the caller's
 *   own abort)
 * @returns a new fallback policy
 */
export function fallback<F>(
  valueOrFn: ((info: FallbackInfo) => F | PromiseLike<F>) | F,
  options: FallbackOptions = {},
): Policy<F> {
  const produce =
    typeof valueOrFn === 'function'
      ? (valueOrFn as (info: FallbackInfo) => F | PromiseLike<F>)
      : () => valueOrFn;
  return new Fallback(produce, options);
}
