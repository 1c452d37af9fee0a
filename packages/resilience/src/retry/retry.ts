import { systemClock, type Clock, type Result } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { askPredicate } from '../callbacks.js';
import { exponentialBackoff, type Backoff } from '../backoff.js';
import {
  contextOf,
  PlainContext,
  type ExecuteContext,
  type ExecuteOptions,
  type Operation,
} from '../context.js';
import { retryChannel } from '../diagnostics.js';
import { abortedError, invalidOption, ResilienceErrors } from '../errors.js';
import { settle, type Policy } from '../policy.js';
import {
  clockOption,
  integer,
  nonNegative,
  optionalFunction,
  optionsObject,
  positive,
  type KnownOptions,
} from '../validate.js';
import { retryAfterHintMs } from './retry-after.js';
import type { RetryBudget } from './retry-budget.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts in all, the first included: an integer >= 1, or `Infinity`. Default 3. */
  readonly maxAttempts?: number;
  /** The delay before each retry. Default `exponentialBackoff()` (100 ms doubling, full jitter). */
  readonly backoff?: Backoff;
  /**
   * Whether an error is worth another attempt. FoundationErrors whose retry strategy is
   * `none` (invalid input, the caller's abort, …) are never retried, whatever this says.
   * If it throws, the error is not retried (the caller gets it unchanged) and the throw is
   * reported on `foundation:resilience:listener-error`. Default: every other error.
   */
  readonly retryOn?: (error: unknown, attempt: number) => boolean;
  /**
   * Whether a value counts as a failure to retry. If it throws, the value is returned and the
   * throw is reported on `foundation:resilience:listener-error`. Default: no value does.
   */
  readonly retryOnResult?: (value: unknown, attempt: number) => boolean;
  /** No retry is started that would begin later than this many ms after the first attempt. */
  readonly deadlineMs?: number;
  /** A retry budget shared with other policies; a retry needs one of its tokens. */
  readonly budget?: RetryBudget;
  /** A delay (backoff or Retry-After hint) longer than this ends the retries. Default 60 000. */
  readonly maxDelayMs?: number;
  /** The clock for sleeps and the deadline. Default `systemClock`. */
  readonly clock?: Clock;
}

/** Why a retry loop stopped without success (in a 5106 error's `context.stoppedBy`). */
export type RetryStopReason = 'max_attempts' | 'deadline' | 'budget' | 'max_delay';

/** The retry policy (see {@link retry}). */
export interface RetryPolicy extends Policy {
  /** The most attempts a call gets. */
  readonly maxAttempts: number;
}

const RETRY_OPTIONS: KnownOptions<RetryOptions> = {
  maxAttempts: true,
  backoff: true,
  retryOn: true,
  retryOnResult: true,
  deadlineMs: true,
  budget: true,
  maxDelayMs: true,
  clock: true,
};

// Marks "the value was a failure" in the loop, so `undefined` stays a normal value.
const NO_ERROR = Symbol('no error');

class Retry implements RetryPolicy {
  readonly maxAttempts: number;
  readonly #backoff: Backoff;
  readonly #retryOn: ((error: unknown, attempt: number) => boolean) | undefined;
  readonly #retryOnResult: ((value: unknown, attempt: number) => boolean) | undefined;
  readonly #deadlineMs: number | undefined;
  readonly #budget: RetryBudget | undefined;
  readonly #maxDelayMs: number;
  readonly #clock: Clock;

  constructor(options: RetryOptions) {
    const o = optionsObject('options', options, RETRY_OPTIONS);
    const attempts = o.maxAttempts ?? 3;
    this.maxAttempts = attempts === Infinity ? attempts : integer('maxAttempts', attempts, 1);
    this.#backoff = optionalFunction('backoff', o.backoff) ?? exponentialBackoff();
    this.#retryOn = optionalFunction('retryOn', o.retryOn);
    this.#retryOnResult = optionalFunction('retryOnResult', o.retryOnResult);
    this.#deadlineMs =
      o.deadlineMs === undefined ? undefined : positive('deadlineMs', o.deadlineMs);
    if (o.budget !== undefined && typeof o.budget.tryWithdraw !== 'function') {
      throw invalidOption('budget', 'must be a RetryBudget', o.budget);
    }
    this.#budget = o.budget;
    this.#maxDelayMs = nonNegative('maxDelayMs', o.maxDelayMs ?? 60_000);
    this.#clock = clockOption('clock', o.clock ?? systemClock);
  }

  async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    const first = contextOf(options);
    const signal = first.signal;
    const startMs = this.#deadlineMs === undefined ? 0 : this.#clock.nowMs();
    let previousDelayMs = 0;
    for (let attempt = 1; ; attempt++) {
      const context: ExecuteContext =
        attempt === first.attempt ? first : new PlainContext(signal, attempt);
      let failure: unknown = NO_ERROR;
      let value: T;
      try {
        value = await fn(context);
      } catch (error) {
        failure = error;
      }
      if (failure === NO_ERROR) {
        const retryOnResult = this.#retryOnResult;
        if (
          retryOnResult === undefined ||
          !askPredicate('retry', 'retryOnResult', retryOnResult, value!, attempt, false)
        ) {
          this.#budget?.deposit();
          return value!;
        }
      } else if (!this.#retryable(failure, attempt, signal)) {
        throw failure;
      }
      const delayMs = this.#delayMs(attempt, previousDelayMs, failure, startMs);
      if (typeof delayMs !== 'number') {
        if (failure !== NO_ERROR) throw failure;
        throw new FoundationError(ResilienceErrors.retries_exhausted, 'Retries exhausted', {
          context: { attempts: attempt, stoppedBy: delayMs, lastResult: value! },
        });
      }
      if (retryChannel.hasSubscribers) {
        retryChannel.publish({
          attempt,
          delayMs,
          error: failure === NO_ERROR ? undefined : failure,
        });
      }
      previousDelayMs = delayMs;
      if (signal?.aborted) throw abortedError(signal);
      if (delayMs > 0) {
        try {
          await this.#clock.sleep(delayMs, signal);
        } catch {
          throw abortedError(signal!);
        }
      }
    }
  }

  executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T, unknown>> {
    return settle(this.execute(fn, options));
  }

  #retryable(error: unknown, attempt: number, signal: AbortSignal | undefined): boolean {
    if (signal?.aborted) return false;
    if (FoundationError.is(error) && error.retryStrategy === 'none') return false;
    const retryOn = this.#retryOn;
    return (
      retryOn === undefined || askPredicate('retry', 'retryOn', retryOn, error, attempt, false)
    );
  }

  /** The delay before the next attempt, or why there is none. */
  #delayMs(
    attempt: number,
    previousDelayMs: number,
    failure: unknown,
    startMs: number,
  ): number | RetryStopReason {
    if (attempt >= this.maxAttempts) return 'max_attempts';
    let delayMs = this.#backoff(attempt, previousDelayMs);
    if (typeof delayMs !== 'number' || !(delayMs >= 0)) {
      throw new FoundationError('invalid_input', 'backoff must return a number >= 0', {
        cause: failure === NO_ERROR ? undefined : failure,
        context: { path: 'backoff', rule: 'must return a number >= 0', value: String(delayMs) },
      });
    }
    if (failure !== NO_ERROR) {
      const hintMs = retryAfterHintMs(failure, this.#clock.wallMs());
      if (hintMs !== undefined && hintMs > delayMs) delayMs = hintMs;
    }
    if (delayMs > this.#maxDelayMs) return 'max_delay';
    if (
      this.#deadlineMs !== undefined &&
      this.#clock.nowMs() + delayMs - startMs > this.#deadlineMs
    ) {
      return 'deadline';
    }
    if (this.#budget !== undefined && !this.#budget.tryWithdraw()) return 'budget';
    return delayMs;
  }
}

/**
 * Retries a failing call: up to `maxAttempts` attempts with a backoff between them, honouring
 * FoundationError retry strategies (`none` is never retried) and Retry-After hints (the delay
 * is at least the hint), within an optional deadline and shared retry budget. When it gives up
 * it rethrows the last error unchanged; when the last failure was a value (`retryOnResult`), it
 * throws 5106 `retries_exhausted`. A sleep ends at once, with 5105 `aborted`, when the caller's
 * signal aborts.
 *
 * @param options - `maxAttempts` (default 3), the `backoff` (default exponential, 100 ms
 *   doubling, full jitter), which errors or results are retried, the `deadlineMs`, a shared
 *   `budget`, `maxDelayMs` and the clock; every field is optional
 * @returns a new retry policy, usable alone or in a pipeline
 * @throws FoundationError 3204 for invalid options.
 * @example
 * ```ts
 * const policy = retry({ maxAttempts: 5, backoff: exponentialBackoff({ initialMs: 200 }) });
 * const body = await policy.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()));
 * ```
 */
export function retry(options: RetryOptions = {}): RetryPolicy {
  return new Retry(options);
}
