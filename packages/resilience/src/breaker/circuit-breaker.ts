import { err, systemClock, type Clock, type Result } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import type { Backoff } from '../backoff.js';
import { contextOf, type ExecuteContext, type ExecuteOptions, type Operation } from '../context.js';
import { askPredicate, reportCallbackError } from '../callbacks.js';
import { breakerChannel } from '../diagnostics.js';
import { invalidOption, isCallerAbort, ResilienceErrors } from '../errors.js';
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
import {
  checkTripRule,
  consecutive,
  kindOf,
  sameRule,
  trackerFor,
  type CustomTripRule,
  type Tracker,
  type TripRule,
} from './trip-rules.js';

/** The states of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

/** Why a breaker changed state. */
export type BreakerTransitionReason =
  | 'tripped'
  | 'open_elapsed'
  | 'probe_failed'
  | 'probe_stalled'
  | 'probes_succeeded'
  | 'isolated'
  | 'reset'
  | 'restored';

/** A state change, as listeners and the `foundation:resilience:breaker` channel see it. */
export interface BreakerStateChange {
  /** The breaker's name. */
  readonly name: string;
  /** The state it left. */
  readonly from: BreakerState;
  /** The state it entered. */
  readonly to: BreakerState;
  /** Why. */
  readonly reason: BreakerTransitionReason;
  /** When, on the breaker's monotonic clock. */
  readonly atMs: number;
}

/** Options of {@link circuitBreaker}. */
export interface CircuitBreakerOptions {
  /** A name for diagnostics and errors. Default `breaker`. */
  readonly name?: string;
  /** When the closed breaker opens: a built-in rule or one of a kind added with `defineTripRule`. Default `consecutive(5)`. */
  readonly trip?: TripRule | CustomTripRule;
  /** How long it stays open before probing. Default 30 000 ms. Not with `openBackoff`. */
  readonly openMs?: number;
  /** Open time growing with each reopening without a recovery (1 for the first opening). */
  readonly openBackoff?: Backoff;
  /** Probes allowed to run at once in half-open. Default 1. */
  readonly halfOpenProbes?: number;
  /** Successful probes needed to close. Default 1. */
  readonly successThreshold?: number;
  /**
   * When every probe slot is taken and no probe finished or started for this long, the probes
   * are deemed stuck and the breaker opens again. Default `openMs` (or 30 000 with a backoff).
   */
  readonly probeTimeoutMs?: number;
  /** A success slower than this counts as a failure (a slow call). Default: none. */
  readonly slowCallMs?: number;
  /**
   * Whether an error counts as a failure; one that does not counts as a success. The caller's
   * own abort never counts either way. If it throws, the error counts as a failure, the caller
   * still gets its own error, and the throw is reported on
   * `foundation:resilience:listener-error`. Default: every error.
   */
  readonly isFailure?: (error: unknown) => boolean;
  /** The clock. Default `systemClock`. */
  readonly clock?: Clock;
}

/** @internal Every option of {@link circuitBreaker}. */
export const BREAKER_OPTIONS: KnownOptions<CircuitBreakerOptions> = {
  name: true,
  trip: true,
  openMs: true,
  openBackoff: true,
  halfOpenProbes: true,
  successThreshold: true,
  probeTimeoutMs: true,
  slowCallMs: true,
  isFailure: true,
  clock: true,
};

/** What {@link CircuitBreaker.stats} returns. */
export interface BreakerStats {
  /** The breaker's name. */
  readonly name: string;
  /** The state now. */
  readonly state: BreakerState;
  /** Calls let through, since creation. */
  readonly calls: number;
  /** Calls that succeeded (errors `isFailure` rejects included). */
  readonly successes: number;
  /** Calls that failed. */
  readonly failures: number;
  /** Successes slower than `slowCallMs` (counted as failures too). */
  readonly slowCalls: number;
  /** Calls refused because the breaker was open, isolated or out of probes. */
  readonly rejections: number;
  /** The trip rule's window now. */
  readonly window: {
    /** Calls in the window. */
    readonly calls: number;
    /** Failures among them. */
    readonly failures: number;
    /** failures / calls (0 for an empty window). */
    readonly failureRate: number;
  };
  /** Openings in a row without a recovery. */
  readonly consecutiveOpens: number;
  /** While open: ms until it will probe. */
  readonly retryAfterMs: number | undefined;
}

/** A breaker's state as versioned JSON (see {@link CircuitBreaker.snapshot}). */
export interface BreakerSnapshot {
  /** The format version. */
  readonly version: 1;
  /** The breaker's name. */
  readonly name: string;
  /** Its state. */
  readonly state: BreakerState;
  /** While open: ms left before probing, when the snapshot was taken. */
  readonly openRemainingMs: number;
  /** Openings in a row without a recovery (drives `openBackoff`). */
  readonly consecutiveOpens: number;
  /** The trip rule the window belongs to. */
  readonly rule: TripRule | CustomTripRule;
  /** The trip rule's window, in the rule's own format. */
  readonly window: unknown;
}

const SNAPSHOT_FIELDS: KnownOptions<BreakerSnapshot> = {
  version: true,
  name: true,
  state: true,
  openRemainingMs: true,
  consecutiveOpens: true,
  rule: true,
  window: true,
};

/** A circuit breaker (see {@link circuitBreaker}). */
export interface CircuitBreaker extends Policy {
  /** Its name. */
  readonly name: string;
  /** The state now (an open breaker whose time is up reads, and becomes, half-open). */
  readonly state: BreakerState;
  /** Counters and the trip window. */
  stats(): BreakerStats;
  /** Opens the breaker until {@link CircuitBreaker.reset}: every call is refused. */
  isolate(): void;
  /** Closes the breaker and empties its window. */
  reset(): void;
  /** The state as versioned JSON, to carry over a restart. */
  snapshot(): BreakerSnapshot;
  /**
   * Restores a snapshot. The window is restored only when the trip rule is the same.
   *
   * @throws FoundationError 3204 for a malformed snapshot, changing nothing.
   */
  restore(snapshot: unknown): void;
  /** Calls `listener` on every state change; returns the function that stops it. */
  onStateChange(listener: (change: BreakerStateChange) => void): () => void;
}

const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open', 'isolated'];

/**
 * A breaker's state with what each state carries, as a discriminated union (cockatiel's model):
 * only an open breaker has an until-time, only a half-open one has probes. A new record is
 * made per transition, never per call: the closed path allocates nothing.
 */
type StateRecord =
  | { readonly state: 'closed' }
  | { readonly state: 'open'; readonly untilMs: number }
  | HalfOpenState
  | { readonly state: 'isolated' };

interface HalfOpenState {
  readonly state: 'half_open';
  /** Probes let in and not finished. */
  probesInFlight: number;
  /** Probes that succeeded since it became half-open. */
  probeSuccesses: number;
  /** When a probe last started or finished (to find stalled probes). */
  lastProbeActivityMs: number;
}

const CLOSED: StateRecord = Object.freeze({ state: 'closed' });
const ISOLATED: StateRecord = Object.freeze({ state: 'isolated' });

class Breaker implements CircuitBreaker {
  readonly name: string;
  readonly #rule: TripRule | CustomTripRule;
  readonly #tracker: Tracker;
  readonly #openMs: number;
  readonly #openBackoff: Backoff | undefined;
  readonly #probes: number;
  readonly #successThreshold: number;
  readonly #probeTimeoutMs: number;
  readonly #slowCallMs: number | undefined;
  readonly #isFailure: ((error: unknown) => boolean) | undefined;
  readonly #clock: Clock;
  readonly #timed: boolean;
  #listeners: readonly ((change: BreakerStateChange) => void)[] = [];
  #state: StateRecord = CLOSED;
  // Changes with every transition: an outcome of a call let in under another generation is
  // ignored, so a late answer never moves the state machine.
  #generation = 0;
  #lastOpenMs = 0;
  #consecutiveOpens = 0;
  #calls = 0;
  #successes = 0;
  #failures = 0;
  #slowCalls = 0;
  #rejections = 0;

  constructor(options: CircuitBreakerOptions) {
    const o = optionsObject('options', options, BREAKER_OPTIONS);
    this.name = o.name ?? 'breaker';
    if (typeof this.name !== 'string' || this.name === '') {
      throw invalidOption('name', 'must be a non-empty string', this.name);
    }
    this.#rule = o.trip === undefined ? consecutive(5) : checkTripRule(o.trip, 'trip');
    this.#tracker = trackerFor(this.#rule);
    if (o.openMs !== undefined && o.openBackoff !== undefined) {
      throw invalidOption('openBackoff', 'cannot be combined with openMs', 'both');
    }
    this.#openMs = positive('openMs', o.openMs ?? 30_000);
    this.#openBackoff = optionalFunction('openBackoff', o.openBackoff);
    this.#probes = integer('halfOpenProbes', o.halfOpenProbes ?? 1, 1);
    this.#successThreshold = integer('successThreshold', o.successThreshold ?? 1, 1);
    this.#probeTimeoutMs = positive('probeTimeoutMs', o.probeTimeoutMs ?? this.#openMs);
    this.#slowCallMs =
      o.slowCallMs === undefined ? undefined : positive('slowCallMs', o.slowCallMs);
    this.#isFailure = optionalFunction('isFailure', o.isFailure);
    this.#clock = clockOption('clock', o.clock ?? systemClock);
    // The clock is read per call only when the rule's kind says it needs time (or for slow calls).
    this.#timed = this.#slowCallMs !== undefined || kindOf(this.#rule).needsTime;
  }

  get state(): BreakerState {
    const current = this.#state;
    if (current.state === 'open' && this.#clock.nowMs() >= current.untilMs) {
      return this.#halfOpen().state;
    }
    return current.state;
  }

  async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    const context = contextOf(options);
    const admitted = this.#admit();
    if (typeof admitted !== 'number') throw admitted;
    // #run inlined: one async frame less on the hot path.
    const startMs = this.#timed ? this.#clock.nowMs() : 0;
    let value: T;
    try {
      value = await fn(context);
    } catch (error) {
      this.#onError(admitted, error, context, startMs);
      throw error;
    }
    this.#onSuccess(admitted, startMs);
    return value;
  }

  async executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T, unknown>> {
    let context: ExecuteContext;
    try {
      context = contextOf(options);
    } catch (error) {
      return err(error);
    }
    // The cheap path: a refusal is returned, never thrown.
    const admitted = this.#admit();
    if (typeof admitted !== 'number') return err(admitted);
    return settle(this.#run(fn, context, admitted));
  }

  async #run<T>(fn: Operation<T>, context: ExecuteContext, admitted: number): Promise<T> {
    const startMs = this.#timed ? this.#clock.nowMs() : 0;
    let value: T;
    try {
      value = await fn(context);
    } catch (error) {
      this.#onError(admitted, error, context, startMs);
      throw error;
    }
    this.#onSuccess(admitted, startMs);
    return value;
  }

  stats(): BreakerStats {
    const state = this.state;
    const nowMs = this.#clock.nowMs();
    const window = this.#tracker.window(nowMs);
    return {
      name: this.name,
      state,
      calls: this.#calls,
      successes: this.#successes,
      failures: this.#failures,
      slowCalls: this.#slowCalls,
      rejections: this.#rejections,
      window: {
        calls: window.calls,
        failures: window.failures,
        failureRate: window.calls === 0 ? 0 : window.failures / window.calls,
      },
      consecutiveOpens: this.#consecutiveOpens,
      retryAfterMs: this.#openRemainingMs(nowMs),
    };
  }

  isolate(): void {
    if (this.#state.state !== 'isolated') this.#transition(ISOLATED, 'isolated');
  }

  reset(): void {
    this.#tracker.reset();
    this.#consecutiveOpens = 0;
    if (this.#state.state !== 'closed') this.#transition(CLOSED, 'reset');
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    const nowMs = this.#clock.nowMs();
    return {
      version: 1,
      name: this.name,
      state,
      openRemainingMs: this.#openRemainingMs(nowMs) ?? 0,
      consecutiveOpens: this.#consecutiveOpens,
      rule: this.#rule,
      window: this.#tracker.save(nowMs),
    };
  }

  restore(snapshot: unknown): void {
    const s = optionsObject('snapshot', snapshot as Partial<BreakerSnapshot>, SNAPSHOT_FIELDS);
    if (s.version !== 1) throw invalidOption('snapshot.version', 'must be 1', s.version);
    if (!STATES.includes(s.state!)) {
      throw invalidOption('snapshot.state', `must be one of ${STATES.join(', ')}`, s.state);
    }
    const openRemainingMs = nonNegative('snapshot.openRemainingMs', s.openRemainingMs);
    const consecutiveOpens = integer('snapshot.consecutiveOpens', s.consecutiveOpens, 0);
    const rule = checkTripRule(s.rule, 'snapshot.rule');
    const nowMs = this.#clock.nowMs();
    if (sameRule(rule, this.#rule)) {
      const before = this.#tracker.save(nowMs);
      if (!this.#tracker.load(s.window, nowMs)) {
        this.#tracker.load(before, nowMs);
        throw invalidOption(
          'snapshot.window',
          'must be the window data of the same rule',
          s.window,
        );
      }
    } else {
      this.#tracker.reset();
    }
    this.#consecutiveOpens = consecutiveOpens;
    const state = s.state!;
    let next: StateRecord;
    if (state === 'open') {
      // Never longer than this breaker would stay open itself: a snapshot from elsewhere (or a
      // forged one, `openRemainingMs: 1e308`) cannot keep it open for ever.
      const remainingMs = Math.min(openRemainingMs, this.#longestOpenMs(consecutiveOpens));
      next = { state: 'open', untilMs: nowMs + remainingMs };
      this.#lastOpenMs = remainingMs;
    } else if (state === 'half_open') {
      next = halfOpenState(nowMs);
    } else {
      next = state === 'closed' ? CLOSED : ISOLATED;
    }
    this.#transition(next, 'restored');
  }

  onStateChange(listener: (change: BreakerStateChange) => void): () => void {
    if (typeof listener !== 'function')
      throw invalidOption('listener', 'must be a function', listener);
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Lets a call in (returning its generation) or returns the refusal. */
  #admit(): number | FoundationError {
    const current = this.#state;
    if (current.state === 'closed') {
      this.#calls++;
      return this.#generation;
    }
    if (current.state === 'isolated') return this.#reject(undefined);
    const nowMs = this.#clock.nowMs();
    let probing: HalfOpenState;
    if (current.state === 'open') {
      if (nowMs < current.untilMs) return this.#reject(current.untilMs - nowMs);
      probing = this.#halfOpen();
    } else {
      probing = current;
    }
    if (probing.probesInFlight < this.#probes) {
      probing.probesInFlight++;
      probing.lastProbeActivityMs = nowMs;
      this.#calls++;
      return this.#generation;
    }
    if (nowMs - probing.lastProbeActivityMs >= this.#probeTimeoutMs) {
      const open = this.#open('probe_stalled');
      return this.#reject(open.untilMs - nowMs);
    }
    return this.#reject(undefined);
  }

  #reject(retryAfterMs: number | undefined): FoundationError {
    this.#rejections++;
    return new FoundationError(
      ResilienceErrors.circuit_open,
      `Circuit breaker '${this.name}' is ${this.#state.state.replace('_', '-')}`,
      {
        context: {
          breaker: this.name,
          state: this.#state.state,
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        },
      },
    );
  }

  #onSuccess(generation: number, startMs: number): void {
    this.#successes++;
    let failure = false;
    if (this.#slowCallMs !== undefined && this.#clock.nowMs() - startMs > this.#slowCallMs) {
      this.#slowCalls++;
      failure = true;
    }
    if (generation === this.#generation) this.#settle(failure);
  }

  #onError(generation: number, error: unknown, context: ExecuteContext, startMs: number): void {
    if (isCallerAbort(error, context.signal)) {
      // Neither a failure nor a success: only the probe slot is given back.
      const current = this.#state;
      if (generation === this.#generation && current.state === 'half_open')
        current.probesInFlight--;
      return;
    }
    const isFailure = this.#isFailure;
    if (
      isFailure !== undefined &&
      !askPredicate(this.name, 'isFailure', isFailure, error, undefined, true)
    ) {
      this.#onSuccess(generation, startMs);
      return;
    }
    this.#failures++;
    if (generation === this.#generation) this.#settle(true);
  }

  /** Feeds an outcome of the current generation to the state machine. */
  #settle(failure: boolean): void {
    const current = this.#state;
    if (current.state === 'closed') {
      const nowMs = this.#timed ? this.#clock.nowMs() : 0;
      if (this.#tracker.record(failure, nowMs)) this.#open('tripped');
      return;
    }
    // Outcomes are only settled for the generation they were let in: here, half-open.
    if (current.state !== 'half_open') return;
    current.probesInFlight--;
    current.lastProbeActivityMs = this.#clock.nowMs();
    if (failure) this.#open('probe_failed');
    else if (++current.probeSuccesses >= this.#successThreshold) {
      this.#tracker.reset();
      this.#consecutiveOpens = 0;
      this.#transition(CLOSED, 'probes_succeeded');
    }
  }

  /** How long this breaker stays open on its `opens`-th opening in a row (its configuration). */
  #longestOpenMs(opens: number): number {
    if (this.#openBackoff === undefined) return this.#openMs;
    const ms = this.#openBackoff(Math.max(1, opens), this.#lastOpenMs);
    return typeof ms === 'number' && ms >= 0 ? ms : this.#openMs;
  }

  /** While open: ms until it will probe; undefined otherwise. */
  #openRemainingMs(nowMs: number): number | undefined {
    const current = this.#state;
    return current.state === 'open' ? current.untilMs - nowMs : undefined;
  }

  #open(reason: BreakerTransitionReason): { readonly state: 'open'; readonly untilMs: number } {
    this.#consecutiveOpens++;
    const openMs =
      this.#openBackoff === undefined
        ? this.#openMs
        : this.#openBackoff(this.#consecutiveOpens, this.#lastOpenMs);
    this.#lastOpenMs = openMs;
    const open = { state: 'open', untilMs: this.#clock.nowMs() + openMs } as const;
    this.#tracker.reset();
    this.#transition(open, reason);
    return open;
  }

  #halfOpen(): HalfOpenState {
    const probing = halfOpenState(this.#clock.nowMs());
    this.#transition(probing, 'open_elapsed');
    return probing;
  }

  #transition(next: StateRecord, reason: BreakerTransitionReason): void {
    const from = this.#state.state;
    const to = next.state;
    this.#state = next;
    this.#generation++;
    const hasSubscribers = breakerChannel.hasSubscribers;
    if (!hasSubscribers && this.#listeners.length === 0) return;
    const change: BreakerStateChange = {
      name: this.name,
      from,
      to,
      reason,
      atMs: this.#clock.nowMs(),
    };
    if (hasSubscribers) breakerChannel.publish(change);
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener's bug must not break the breaker; it is reported, not swallowed.
        reportCallbackError(this.name, 'onStateChange', error);
      }
    }
  }
}

function halfOpenState(nowMs: number): HalfOpenState {
  return { state: 'half_open', probesInFlight: 0, probeSuccesses: 0, lastProbeActivityMs: nowMs };
}

/**
 * A circuit breaker: while the trip rule finds the dependency healthy, calls pass (closed);
 * once it trips, calls are refused at once with 5101 `circuit_open` (its `context.retryAfterMs`
 * says when it will probe) for `openMs` or the `openBackoff` delay (open); then a limited
 * number of probes is let through (half-open), and their outcome closes it or opens it again.
 * `isolate()` holds it open by hand. No timer is used: time is checked when calls arrive.
 *
 * @param options - the name, trip rule, open period (`openMs` or `openBackoff`), half-open
 *   probes, what counts as a failure, slow-call threshold and clock; every field is optional,
 *   with the defaults given on {@link CircuitBreakerOptions}
 * @returns a new breaker, closed, usable as a policy in a pipeline
 * @throws FoundationError 3204 for invalid options.
 * @example
 * ```ts
 * const breaker = circuitBreaker({ trip: countWindow(20, 0.5, 10), openMs: 10_000 });
 * breaker.onStateChange(({ from, to }) => log.warn({ from, to }, 'payments breaker'));
 * const receipt = await breaker.execute(() => payments.charge(order));
 * ```
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  return new Breaker(options);
}
