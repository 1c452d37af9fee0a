import { err, systemClock, type Clock, type Result } from '@foundation/core';
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import { AbortFanOut } from '../abort-fan-out.js';
import { askPredicate } from '../callbacks.js';
import { contextOf, type ExecuteContext, type ExecuteOptions, type Operation } from '../context.js';
import { rateLimitChannel } from '../diagnostics.js';
import { abortedError, invalidOption, isCallerAbort, ResilienceErrors } from '../errors.js';
import { settle, type Policy } from '../policy.js';
import { holdProcess, releaseProcess } from '../process-hold.js';
import {
  clockOption,
  nonNegative,
  optionalFunction,
  optionsObject,
  positive,
  type KnownOptions,
} from '../validate.js';
import { memoryRateLimitStore, type RateLimitStore } from './store.js';
import type { BucketLimit } from './token-bucket.js';
import { WaitQueue, type Waiter } from './waiters.js';

/** Options of the adaptive mode (additive increase, multiplicative decrease). */
export interface AdaptiveOptions {
  /** The lowest rate it falls to. Required; > 0 and <= `rate`. */
  readonly minRate: number;
  /** The highest rate it climbs to. Default `rate` (where it starts). */
  readonly maxRate?: number;
  /** Added to the rate per success. Default 1% of `maxRate`. */
  readonly increaseBy?: number;
  /** The rate is multiplied by this on a failure or slow response: in (0, 1). Default 0.5. */
  readonly decreaseFactor?: number;
  /** A success slower than this counts as a failure. Default: no limit. */
  readonly slowMs?: number;
  /**
   * Whether an error from `execute` counts as a failure. If it throws, the error counts as one
   * and the throw is reported on `foundation:resilience:listener-error`. Default: any but the
   * caller's abort.
   */
  readonly isFailure?: (error: unknown) => boolean;
}

/** Options of {@link rateLimiter}. */
export interface RateLimiterOptions {
  /** Tokens added per `per` milliseconds (fractional rates are fine). */
  readonly rate: number;
  /** The period `rate` is counted over, in ms. Default 1000. */
  readonly per?: number;
  /** The most tokens a bucket holds: the largest burst. Default `max(1, rate)`. */
  readonly burst?: number;
  /**
   * Independent buckets per key (`check(key)`), kept within `maxKeys` (default 10 000). Without
   * it the limiter has one bucket and refuses keys.
   */
  readonly keyed?: boolean | { readonly maxKeys?: number };
  /** Lowers the rate on failures and slow responses, raises it on successes. */
  readonly adaptive?: AdaptiveOptions;
  /** Where buckets are kept. Default an in-memory store. */
  readonly store?: RateLimitStore;
  /** How long `execute` may wait for a token before refusing. Default 0 (refuse at once). */
  readonly maxWaitMs?: number;
  /** The clock. Default `systemClock`. */
  readonly clock?: Clock;
}

/** The answer of {@link RateLimiter.check}. */
export interface RateDecision {
  /** True when the tokens were taken. */
  readonly allowed: boolean;
  /** When refused: milliseconds until the same request would be allowed (0 when allowed). */
  readonly retryAfterMs: number;
}

/** Options of {@link RateLimiter.acquire}. */
export interface AcquireOptions {
  /** Tokens to take. Default 1. */
  readonly cost?: number;
  /** Ends the wait at once with 5105 `aborted`. */
  readonly signal?: AbortSignal;
  /** The longest to wait; a longer wait is refused at once with 5102. Default 0. */
  readonly maxWaitMs?: number;
}

const LIMITER_OPTIONS: KnownOptions<RateLimiterOptions> = {
  rate: true,
  per: true,
  burst: true,
  keyed: true,
  adaptive: true,
  store: true,
  maxWaitMs: true,
  clock: true,
};
const KEYED_OPTIONS: KnownOptions<{ readonly maxKeys?: number }> = { maxKeys: true };
const ACQUIRE_OPTIONS: KnownOptions<AcquireOptions> = { cost: true, signal: true, maxWaitMs: true };
const ADAPTIVE_OPTIONS: KnownOptions<AdaptiveOptions> = {
  minRate: true,
  maxRate: true,
  increaseBy: true,
  decreaseFactor: true,
  slowMs: true,
  isFailure: true,
};

/** A token-bucket rate limiter, usable directly or as a policy (see {@link rateLimiter}). */
export interface RateLimiter extends Policy {
  /** Takes `cost` tokens (default 1) from `key`'s bucket if it holds them, never waiting. */
  check(key?: string, cost?: number): RateDecision;
  /**
   * Takes `cost` tokens from `key`'s bucket, waiting for them up to `maxWaitMs`. Rejects with
   * 5102 `rate_limited` (its `context.retryAfterMs` says when to come back) or 5105 `aborted`.
   */
  acquire(key?: string, options?: AcquireOptions): Promise<void>;
  /** The tokens `key` holds now; takes nothing. */
  available(key?: string): number;
  /** Reports a call's outcome to the adaptive mode (`execute` does it by itself). */
  record(outcome: { readonly ok: boolean; readonly durationMs?: number }): void;
  /** The current rate, in tokens per `per` ms (moves in adaptive mode). */
  readonly rate: number;
  /** Forgets `key` (it starts again full). */
  reset(key?: string): void;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true, retryAfterMs: 0 });
const DEFAULT_KEY = '';

interface Adaptive {
  readonly minRate: number;
  readonly maxRate: number;
  readonly increaseBy: number;
  readonly decreaseFactor: number;
  readonly slowMs: number;
  readonly isFailure: ((error: unknown) => boolean) | undefined;
}

class TokenBucketLimiter implements RateLimiter {
  readonly #per: number;
  readonly #burst: number;
  readonly #keyed: boolean;
  readonly #store: RateLimitStore;
  readonly #adaptive: Adaptive | undefined;
  readonly #maxWaitMs: number;
  readonly #clock: Clock;
  #rate: number;
  #limit: BucketLimit;
  // The keys that have `acquire` calls waiting, each with its FIFO queue and one timer.
  readonly #queues = new Map<string, WaitQueue>();
  readonly #aborts = new AbortFanOut();

  constructor(options: RateLimiterOptions) {
    const o = optionsObject('options', options, LIMITER_OPTIONS);
    this.#rate = positive('rate', o.rate);
    this.#per = positive('per', o.per ?? 1000);
    this.#burst = positive('burst', o.burst ?? Math.max(1, this.#rate));
    const keyed = o.keyed ?? false;
    if (typeof keyed !== 'boolean') optionsObject('keyed', keyed, KEYED_OPTIONS);
    this.#keyed = keyed !== false;
    const maxKeys = typeof keyed === 'object' ? keyed.maxKeys : undefined;
    if (o.store !== undefined && typeof (o.store as Partial<RateLimitStore>).take !== 'function') {
      throw invalidOption('store', 'must be a RateLimitStore', o.store);
    }
    this.#store = o.store ?? memoryRateLimitStore(maxKeys === undefined ? {} : { maxKeys });
    this.#adaptive = o.adaptive === undefined ? undefined : adaptiveOf(o.adaptive, this.#rate);
    this.#maxWaitMs = nonNegative('maxWaitMs', o.maxWaitMs ?? 0);
    this.#clock = clockOption('clock', o.clock ?? systemClock);
    this.#limit = { ratePerMs: this.#rate / this.#per, burst: this.#burst };
  }

  get rate(): number {
    return this.#rate;
  }

  check(key: string = DEFAULT_KEY, cost = 1): RateDecision {
    // The common arguments skip validation: the default key and cost are known to be valid.
    if (key !== DEFAULT_KEY) this.#checkKey(key);
    if (cost !== 1) positive('cost', cost);
    // Waiters are served first come, first served: a check does not jump their queue.
    if (this.#queues.size !== 0 && this.#queues.has(key))
      return this.#refusedBehindQueue(key, cost);
    const waitMs = this.#store.take(key, cost, this.#limit, this.#clock.nowMs());
    if (waitMs === 0) return ALLOWED;
    if (rateLimitChannel.hasSubscribers) {
      rateLimitChannel.publish({ event: 'limited', key, cost, retryAfterMs: waitMs });
    }
    return { allowed: false, retryAfterMs: waitMs };
  }

  async acquire(key: string = DEFAULT_KEY, options: AcquireOptions = {}): Promise<void> {
    const o = optionsObject('options', options, ACQUIRE_OPTIONS);
    const signal = o.signal;
    const maxWaitMs = nonNegative('maxWaitMs', o.maxWaitMs ?? 0);
    const cost = o.cost ?? 1;
    if (signal?.aborted) throw abortedError(signal);
    const queue = this.#queues.get(key);
    let waitMs: number;
    if (queue === undefined) {
      const decision = this.check(key, cost);
      if (decision.allowed) return;
      waitMs = decision.retryAfterMs;
      if (waitMs > maxWaitMs) throw this.#limited(key, cost, waitMs);
      // The wake-up is scheduled for the exact refill time, not the whole ms reported, so a
      // queue served at a rate that is not a whole number of ms per token keeps that rate.
      const missing = cost - this.#store.peek(key, this.#limit, this.#clock.nowMs());
      waitMs = exactWaitMs(missing, this.#limit);
    } else {
      if (key !== DEFAULT_KEY) this.#checkKey(key);
      if (cost !== 1) positive('cost', cost);
      // Behind the waiters already queued: the wait is until the bucket has refilled for all.
      waitMs = this.#waitBehind(key, queue, cost);
    }
    const nowMs = this.#clock.nowMs();
    if (waitMs > maxWaitMs) throw this.#limited(key, cost, waitMs);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        cost,
        deadlineMs: nowMs + maxWaitMs,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        prev: undefined,
        next: undefined,
      };
      let waiting = queue;
      if (waiting === undefined) {
        waiting = new WaitQueue();
        this.#queues.set(key, waiting);
      }
      waiting.push(waiter);
      holdProcess();
      if (signal !== undefined) {
        const joined = waiting;
        waiter.onAbort = () => {
          const wasHead = joined.head === waiter;
          this.#leave(key, joined, waiter);
          reject(abortedError(signal));
          if (wasHead && joined.head !== undefined) this.#rearm(key, joined);
        };
        this.#aborts.subscribe(signal, waiter.onAbort);
      }
      if (waiting.timer === undefined) this.#arm(key, waiting, waitMs);
    });
  }

  /**
   * Milliseconds until the bucket of `key` has refilled enough for the waiters queued on it
   * and then `cost` more tokens; `Infinity` when `cost` alone exceeds the burst.
   */
  #waitBehind(key: string, queue: WaitQueue, cost: number): number {
    const limit = this.#limit;
    if (cost > limit.burst) return Infinity;
    const missing = queue.pendingCost + cost - this.#store.peek(key, limit, this.#clock.nowMs());
    return missing <= 0 ? 0 : Math.max(1, Math.ceil(missing / limit.ratePerMs));
  }

  /** The refusal of a `check` on a key whose waiters come first. */
  #refusedBehindQueue(key: string, cost: number): RateDecision {
    const waitMs = this.#waitBehind(key, this.#queues.get(key)!, cost);
    if (rateLimitChannel.hasSubscribers) {
      rateLimitChannel.publish({ event: 'limited', key, cost, retryAfterMs: waitMs });
    }
    return { allowed: false, retryAfterMs: waitMs };
  }

  /** Wakes the head of `key`'s queue in `delayMs`: one timer per key, one wake-up per grant. */
  #arm(key: string, queue: WaitQueue, delayMs: number): void {
    queue.timer = this.#clock.setTimeout(() => {
      queue.timer = undefined;
      this.#serve(key, queue);
    }, delayMs);
  }

  /** Cancels the head's wake-up and serves the queue again (its head changed). */
  #rearm(key: string, queue: WaitQueue): void {
    queue.timer?.cancel();
    queue.timer = undefined;
    this.#serve(key, queue);
  }

  /**
   * Grants tokens to the waiters of `key` in arrival order while the bucket holds them, refuses
   * a head whose deadline would pass before its tokens are due, and sleeps until the next
   * head's tokens are due. The queue is dropped once empty.
   */
  #serve(key: string, queue: WaitQueue): void {
    for (let head = queue.head; head !== undefined; head = queue.head) {
      const nowMs = this.#clock.nowMs();
      const limit = this.#limit;
      // Peeked first, so a wake-up takes tokens only to grant them.
      const missing = head.cost - this.#store.peek(key, limit, nowMs);
      let waitMs = missing > 0 ? exactWaitMs(missing, limit) : 0;
      if (waitMs === 0) {
        waitMs = this.#store.take(key, head.cost, limit, nowMs);
        if (waitMs === 0) {
          this.#leave(key, queue, head);
          head.resolve();
          continue;
        }
      }
      if (head.cost > limit.burst) waitMs = Infinity;
      if (nowMs + waitMs > head.deadlineMs) {
        this.#leave(key, queue, head);
        head.reject(this.#limited(key, head.cost, Math.ceil(waitMs)));
        continue;
      }
      this.#arm(key, queue, waitMs);
      return;
    }
  }

  /** Takes a waiter out of `key`'s queue and drops what it holds (abort listener, process hold). */
  #leave(key: string, queue: WaitQueue, waiter: Waiter): void {
    if (!queue.remove(waiter)) return;
    releaseProcess();
    if (waiter.onAbort !== undefined) this.#aborts.unsubscribe(waiter.signal!, waiter.onAbort);
    if (queue.head !== undefined) return;
    queue.timer?.cancel();
    queue.timer = undefined;
    if (this.#queues.get(key) === queue) this.#queues.delete(key);
  }

  available(key: string = DEFAULT_KEY): number {
    this.#checkKey(key);
    return this.#store.peek(key, this.#limit, this.#clock.nowMs());
  }

  reset(key?: string): void {
    if (key === undefined) {
      this.#store.clear();
      return;
    }
    this.#checkKey(key);
    this.#store.delete(key);
  }

  async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    const context = contextOf(options);
    if (this.#maxWaitMs === 0) {
      const decision = this.check();
      if (!decision.allowed) throw this.#limited(DEFAULT_KEY, 1, decision.retryAfterMs);
    } else {
      await this.acquire(DEFAULT_KEY, this.#acquireOptions(context));
    }
    return this.#run(fn, context);
  }

  async executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T, unknown>> {
    if (this.#maxWaitMs !== 0) return settle(this.execute(fn, options));
    // The cheap path: take the token here, so a refusal is returned without throwing. The
    // caller's signal is checked first, so an aborted call takes no token.
    let context: ExecuteContext;
    try {
      context = contextOf(options);
    } catch (error) {
      return err(error);
    }
    const decision = this.check();
    if (!decision.allowed) return err(this.#limited(DEFAULT_KEY, 1, decision.retryAfterMs));
    return settle(this.#run(fn, context));
  }

  record(outcome: { readonly ok: boolean; readonly durationMs?: number }): void {
    const adaptive = this.#adaptive;
    if (adaptive === undefined) return;
    const slow = outcome.durationMs !== undefined && outcome.durationMs > adaptive.slowMs;
    const next =
      outcome.ok && !slow
        ? Math.min(adaptive.maxRate, this.#rate + adaptive.increaseBy)
        : Math.max(adaptive.minRate, this.#rate * adaptive.decreaseFactor);
    if (next === this.#rate) return;
    this.#rate = next;
    this.#limit = { ratePerMs: next / this.#per, burst: this.#burst };
    if (rateLimitChannel.hasSubscribers) {
      rateLimitChannel.publish({ event: 'rate_changed', rate: next, per: this.#per });
    }
  }

  /** Runs `fn` once its token was taken, observed in adaptive mode. */
  async #run<T>(fn: Operation<T>, context: ExecuteContext): Promise<T> {
    if (this.#adaptive === undefined) return fn(context);
    return this.#observed(fn, context, this.#adaptive);
  }

  /** Runs `fn` and reports its outcome and duration to the adaptive mode. */
  async #observed<T>(fn: Operation<T>, context: ExecuteContext, adaptive: Adaptive): Promise<T> {
    const startMs = this.#clock.nowMs();
    try {
      const value = await fn(context);
      this.record({ ok: true, durationMs: this.#clock.nowMs() - startMs });
      return value;
    } catch (error) {
      const isFailure = adaptive.isFailure;
      if (
        !isCallerAbort(error, context.signal) &&
        (isFailure === undefined ||
          askPredicate('rate-limiter', 'adaptive.isFailure', isFailure, error, undefined, true))
      ) {
        this.record({ ok: false });
      }
      throw error;
    }
  }

  #acquireOptions(context: ExecuteContext): AcquireOptions {
    return context.signal === undefined
      ? { maxWaitMs: this.#maxWaitMs }
      : { maxWaitMs: this.#maxWaitMs, signal: context.signal };
  }

  #checkKey(key: string): void {
    if (typeof key !== 'string') throw invalidOption('key', 'must be a string', key);
    if (key === DEFAULT_KEY) return;
    if (!this.#keyed) throw invalidOption('key', 'keys need the keyed option', key);
    if (isForbiddenKey(key)) throw invalidOption('key', 'must not be a forbidden key', key);
  }

  #limited(key: string, cost: number, retryAfterMs: number): FoundationError {
    return new FoundationError(ResilienceErrors.rate_limited, 'Rate limit exceeded', {
      context: {
        ...(key !== DEFAULT_KEY && { key }),
        cost,
        ...(Number.isFinite(retryAfterMs) && { retryAfterMs }),
        rate: this.#rate,
        per: this.#per,
      },
    });
  }
}

/**
 * The time, in ms, the bucket takes to refill `missing` (> 0) tokens, rounded up to the
 * microsecond: close to exact, so a queue keeps a rate that is not a whole number of ms per
 * token, and never 0, so a bucket left a hair short by float rounding still moves on.
 */
function exactWaitMs(missing: number, limit: BucketLimit): number {
  return Math.max(0.001, Math.ceil((missing / limit.ratePerMs) * 1000) / 1000);
}

function adaptiveOf(options: AdaptiveOptions, rate: number): Adaptive {
  const o = optionsObject('adaptive', options, ADAPTIVE_OPTIONS);
  const minRate = positive('adaptive.minRate', o.minRate);
  const maxRate = positive('adaptive.maxRate', o.maxRate ?? rate);
  if (minRate > rate) throw invalidOption('adaptive.minRate', 'must be <= rate', minRate);
  if (maxRate < rate) throw invalidOption('adaptive.maxRate', 'must be >= rate', maxRate);
  const decreaseFactor = positive('adaptive.decreaseFactor', o.decreaseFactor ?? 0.5);
  if (decreaseFactor >= 1) {
    throw invalidOption('adaptive.decreaseFactor', 'must be > 0 and < 1', decreaseFactor);
  }
  return {
    minRate,
    maxRate,
    increaseBy: positive('adaptive.increaseBy', o.increaseBy ?? maxRate / 100),
    decreaseFactor,
    slowMs: o.slowMs === undefined ? Infinity : positive('adaptive.slowMs', o.slowMs),
    isFailure: optionalFunction('adaptive.isFailure', o.isFailure),
  };
}

/**
 * A token-bucket rate limiter: `rate` tokens per `per` ms with continuous, fractional refill
 * and bursts up to `burst`; optional independent keys with bounded memory; an optional
 * adaptive mode (AIMD within [minRate, maxRate]). As a policy, `execute` takes one token from
 * the limiter's own bucket and refuses with 5102 `rate_limited` when there is none (or waits
 * up to `maxWaitMs`).
 *
 * @param options - `rate` (required) tokens per `per` ms (default 1000), `burst` (default
 *   `max(1, rate)`), `keyed` buckets, `adaptive` mode, the `store` (default in memory),
 *   `maxWaitMs` for `execute` (default 0) and the clock
 * @returns a new limiter whose buckets start full; also usable as a policy in a pipeline
 * @throws FoundationError 3204 for invalid options.
 * @example
 * ```ts
 * const perUser = rateLimiter({ rate: 10, per: 1_000, burst: 20, keyed: true });
 * const decision = perUser.check(userId);
 * if (!decision.allowed) reply.status(429).header('retry-after', Math.ceil(decision.retryAfterMs / 1000));
 * ```
 */
export function rateLimiter(options: RateLimiterOptions): RateLimiter {
  return new TokenBucketLimiter(options);
}
