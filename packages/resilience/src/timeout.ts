import { systemClock, type Clock, type Result, type Timer } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import {
  contextOf,
  PolicyContext,
  type ExecuteContext,
  type ExecuteOptions,
  type Operation,
} from './context.js';
import { AbortFanOut } from './abort-fan-out.js';
import { timeoutChannel } from './diagnostics.js';
import { abortedError, ResilienceErrors } from './errors.js';
import { settle, type Policy } from './policy.js';
import { holdProcess, releaseProcess } from './process-hold.js';
import { clockOption, oneOf, optionsObject, positive, type KnownOptions } from './validate.js';

/**
 * How a timeout ends a call. `cooperative` aborts the call's signal and waits for the function
 * to stop (its value is kept if it still returns one); `aggressive` also rejects at once,
 * without waiting for the function.
 */
export type TimeoutStrategy = 'cooperative' | 'aggressive';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Default `cooperative`. */
  readonly strategy?: TimeoutStrategy;
  /** The clock for deadlines. Default `systemClock`. */
  readonly clock?: Clock;
}

const TIMEOUT_OPTIONS: KnownOptions<TimeoutOptions> = { strategy: true, clock: true };

/** The timeout policy (see {@link timeout}). */
export interface TimeoutPolicy extends Policy {
  /** The time each call gets, in ms. */
  readonly timeoutMs: number;
  /** How a call is ended. */
  readonly strategy: TimeoutStrategy;
  /** Calls running under this policy right now. */
  readonly pending: number;
}

const noop = (): void => undefined;

/**
 * One call under a timeout: its context, and a link in the policy's deadline queue. The
 * AbortController is made only if the function reads `signal`, so a call that never looks at
 * it costs no controller and no listener.
 */
class TimeoutCall extends PolicyContext {
  readonly attempt: number;
  readonly parent: AbortSignal | undefined;
  readonly deadlineMs: number;
  prev: TimeoutCall | undefined = undefined;
  next: TimeoutCall | undefined = undefined;
  /** The timeout error once the deadline passed. */
  expiredWith: FoundationError | undefined = undefined;
  /** Rejects the aggressive race; set only in aggressive mode. */
  rejectRace: ((reason: unknown) => void) | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #onParentAbort: (() => void) | undefined = undefined;
  #disposed = false;

  readonly #aborts: AbortFanOut;

  constructor(parent: ExecuteContext, deadlineMs: number, aborts: AbortFanOut) {
    super();
    this.#aborts = aborts;
    this.attempt = parent.attempt;
    this.parent = parent.signal;
    this.deadlineMs = deadlineMs;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.expiredWith !== undefined) controller.abort(this.expiredWith);
      else this.listenToParent();
    }
    return this.#controller.signal;
  }

  /** Follows the caller's signal (once); its abort aborts this call too. */
  listenToParent(): void {
    const parent = this.parent;
    if (parent === undefined || this.#onParentAbort !== undefined || this.#disposed) return;
    if (parent.aborted) {
      this.#controller?.abort(parent.reason);
      return;
    }
    this.#onParentAbort = () => {
      this.#controller?.abort(parent.reason);
      this.rejectRace?.(abortedError(parent));
    };
    this.#aborts.subscribe(parent, this.#onParentAbort);
  }

  expire(error: FoundationError): void {
    this.expiredWith = error;
    this.#controller?.abort(error);
    this.rejectRace?.(error);
  }

  /** Removes the listener on the caller's signal. */
  dispose(): void {
    this.#disposed = true;
    if (this.#onParentAbort !== undefined) {
      this.#aborts.unsubscribe(this.parent!, this.#onParentAbort);
      this.#onParentAbort = undefined;
    }
  }
}

class Timeout implements TimeoutPolicy {
  readonly timeoutMs: number;
  readonly strategy: TimeoutStrategy;
  readonly #clock: Clock;
  // Every call gets the same timeout, so deadlines arrive in order: a FIFO list is a sorted
  // queue, and one clock timer (for the head) serves every pending call.
  #head: TimeoutCall | undefined = undefined;
  #tail: TimeoutCall | undefined = undefined;
  #pending = 0;
  #timer: Timer | undefined = undefined;
  // Calls sharing a caller signal share one listener on it.
  readonly #aborts = new AbortFanOut();

  constructor(timeoutMs: number, options: TimeoutOptions) {
    this.timeoutMs = positive('ms', timeoutMs);
    const o = optionsObject('options', options, TIMEOUT_OPTIONS);
    this.strategy = oneOf('strategy', o.strategy ?? 'cooperative', ['cooperative', 'aggressive']);
    this.#clock = clockOption('clock', o.clock ?? systemClock);
  }

  get pending(): number {
    return this.#pending;
  }

  async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    const call = new TimeoutCall(
      contextOf(options),
      this.#clock.nowMs() + this.timeoutMs,
      this.#aborts,
    );
    this.#enqueue(call);
    try {
      if (this.strategy === 'aggressive') return await this.#race(fn, call);
      return await fn(call);
    } catch (error) {
      throw this.#classify(error, call);
    } finally {
      this.#dequeue(call);
      call.dispose();
    }
  }

  executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T, unknown>> {
    return settle(this.execute(fn, options));
  }

  async #race<T>(fn: Operation<T>, call: TimeoutCall): Promise<T> {
    const gaveUp = new Promise<never>((_resolve, reject) => {
      call.rejectRace = reject;
    });
    call.listenToParent();
    // Promise.race subscribes to both, so a late rejection of `work` is handled, never unhandled.
    const work = new Promise<T>((resolve) => {
      resolve(fn(call));
    });
    work.then(noop, noop);
    return Promise.race([work, gaveUp]);
  }

  /** A failure after the deadline is a timeout; after the caller's abort, an abort. */
  #classify(error: unknown, call: TimeoutCall): unknown {
    if (call.expiredWith !== undefined) {
      return error === call.expiredWith ? error : this.#timedOut(error);
    }
    if (call.parent?.aborted && !FoundationError.is(error)) return abortedError(call.parent);
    return error;
  }

  #timedOut(cause: unknown): FoundationError {
    return new FoundationError(
      ResilienceErrors.timed_out,
      `Operation timed out after ${this.timeoutMs} ms`,
      { cause, context: { timeoutMs: this.timeoutMs } },
    );
  }

  #enqueue(call: TimeoutCall): void {
    call.prev = this.#tail;
    if (this.#tail === undefined) this.#head = call;
    else this.#tail.next = call;
    this.#tail = call;
    // The deadline timer is the clock's (never holding the process), but a caller awaits this
    // call: while it is pending the process stays alive, so the deadline can fire.
    if (this.#pending++ === 0) holdProcess();
    if (this.#timer === undefined) this.#arm(this.timeoutMs);
  }

  #dequeue(call: TimeoutCall): void {
    if (call.prev === undefined) {
      if (this.#head !== call) return; // already expired and unlinked
      this.#head = call.next;
    } else {
      call.prev.next = call.next;
    }
    if (call.next === undefined) this.#tail = call.prev;
    else call.next.prev = call.prev;
    call.prev = call.next = undefined;
    if (--this.#pending === 0) releaseProcess();
  }

  #arm(delayMs: number): void {
    // The timer is left running when calls finish early; when it fires it re-arms for the
    // oldest pending call or stops, so a stream of fast calls costs one timer per period.
    this.#timer = this.#clock.setTimeout(() => {
      this.#onTimer();
    }, delayMs);
  }

  #onTimer(): void {
    this.#timer = undefined;
    const nowMs = this.#clock.nowMs();
    for (let call = this.#head; call !== undefined && call.deadlineMs <= nowMs; call = this.#head) {
      this.#dequeue(call);
      const error = this.#timedOut(undefined);
      if (timeoutChannel.hasSubscribers) {
        timeoutChannel.publish({ timeoutMs: this.timeoutMs, strategy: this.strategy });
      }
      call.expire(error);
    }
    if (this.#head !== undefined) this.#arm(Math.max(0, this.#head.deadlineMs - nowMs));
  }
}

/**
 * Gives each call `ms` milliseconds. When the time is up the call's signal aborts (its reason
 * is the timeout error) and the call rejects with 5104 `timed_out`; the caller's own abort
 * gives 5105 `aborted` instead, so the two are told apart.
 *
 * @param ms - the time each call gets, in milliseconds, > 0
 * @param options - the strategy, `cooperative` (default: wait for the function to stop) or
 *   `aggressive` (reject at once), and the clock for deadlines
 * @returns a new timeout policy, usable alone or in a pipeline
 * @throws FoundationError 3204 for a non-positive `ms` or an unknown strategy.
 * @example
 * ```ts
 * const res = await timeout(2_000).execute(({ signal }) => fetch(url, { signal }));
 * ```
 */
export function timeout(ms: number, options: TimeoutOptions = {}): TimeoutPolicy {
  return new Timeout(ms, options);
}
