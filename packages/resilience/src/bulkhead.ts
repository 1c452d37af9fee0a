import { err, systemClock, type Clock, type Result, type Timer } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { AbortFanOut } from './abort-fan-out.js';
import { contextOf, type ExecuteOptions, type Operation } from './context.js';
import { bulkheadChannel } from './diagnostics.js';
import { abortedError, ResilienceErrors } from './errors.js';
import { settle, type Policy } from './policy.js';
import { holdProcess, releaseProcess } from './process-hold.js';
import { clockOption, integer, optionsObject, positive, type KnownOptions } from './validate.js';

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Calls allowed to run at once: an integer >= 1. */
  readonly concurrency: number;
  /** Calls allowed to wait for a slot, first in first out: an integer >= 0. Default 0. */
  readonly queue?: number;
  /** The longest a call waits in the queue before it is refused. Default: no limit. */
  readonly queueTimeoutMs?: number;
  /** The clock for queue timeouts. Default `systemClock`. */
  readonly clock?: Clock;
}

const BULKHEAD_OPTIONS: KnownOptions<BulkheadOptions> = {
  concurrency: true,
  queue: true,
  queueTimeoutMs: true,
  clock: true,
};

/** The bulkhead policy (see {@link bulkhead}). */
export interface BulkheadPolicy extends Policy {
  /** Calls allowed to run at once. */
  readonly concurrency: number;
  /** Calls allowed to wait. */
  readonly queueSize: number;
  /** Calls running now. */
  readonly running: number;
  /** Calls waiting now. */
  readonly queued: number;
}

/** A call waiting for a slot: a link in the FIFO queue. */
interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  timer: Timer | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

class Bulkhead implements BulkheadPolicy {
  readonly concurrency: number;
  readonly queueSize: number;
  readonly #queueTimeoutMs: number | undefined;
  readonly #clock: Clock;
  #running = 0;
  #queued = 0;
  #head: Waiter | undefined = undefined;
  #tail: Waiter | undefined = undefined;
  readonly #aborts = new AbortFanOut();

  constructor(options: BulkheadOptions) {
    const o = optionsObject('options', options, BULKHEAD_OPTIONS);
    this.concurrency = integer('concurrency', o.concurrency, 1);
    this.queueSize = integer('queue', o.queue ?? 0, 0);
    this.#queueTimeoutMs =
      o.queueTimeoutMs === undefined ? undefined : positive('queueTimeoutMs', o.queueTimeoutMs);
    this.#clock = clockOption('clock', o.clock ?? systemClock);
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queued;
  }

  async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    const context = contextOf(options);
    if (this.#running < this.concurrency) this.#running++;
    else await this.#wait(context.signal);
    try {
      return await fn(context);
    } finally {
      this.#release();
    }
  }

  async executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T, unknown>> {
    // The cheap path: a call that would be refused is refused without throwing.
    if (this.#running >= this.concurrency && this.#queued >= this.queueSize) {
      return err(this.#full('queue_full'));
    }
    return settle(this.execute(fn, options));
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.#queued >= this.queueSize) return Promise.reject(this.#full('queue_full'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        prev: this.#tail,
        next: undefined,
        timer: undefined,
        signal,
        onAbort: undefined,
      };
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.#queued++;
      if (this.#queueTimeoutMs !== undefined) {
        // The caller awaits this deadline: it holds the process until the waiter leaves.
        holdProcess();
        waiter.timer = this.#clock.setTimeout(() => {
          this.#leave(waiter);
          reject(this.#full('queue_timeout'));
        }, this.#queueTimeoutMs);
      }
      if (signal !== undefined) {
        waiter.onAbort = () => {
          this.#leave(waiter);
          reject(abortedError(signal));
        };
        this.#aborts.subscribe(signal, waiter.onAbort);
      }
    });
  }

  /** Takes a waiter out of the queue and drops its timer and abort listener. */
  #leave(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.#queued--;
    if (waiter.timer !== undefined) {
      waiter.timer.cancel();
      waiter.timer = undefined;
      releaseProcess();
    }
    if (waiter.onAbort !== undefined) this.#aborts.unsubscribe(waiter.signal!, waiter.onAbort);
  }

  #release(): void {
    const next = this.#head;
    if (next === undefined) {
      this.#running--;
      return;
    }
    // The slot passes straight to the oldest waiter: `running` does not change.
    this.#leave(next);
    next.resolve();
  }

  #full(reason: 'queue_full' | 'queue_timeout'): FoundationError {
    if (bulkheadChannel.hasSubscribers) {
      bulkheadChannel.publish({ reason, running: this.#running, queued: this.#queued });
    }
    return new FoundationError(
      ResilienceErrors.bulkhead_full,
      reason === 'queue_full' ? 'Bulkhead is full' : 'Bulkhead queue wait timed out',
      {
        context: {
          reason,
          concurrency: this.concurrency,
          queue: this.queueSize,
          ...(reason === 'queue_timeout' && { queueTimeoutMs: this.#queueTimeoutMs }),
        },
      },
    );
  }
}

/**
 * Limits how many calls run at once, with a bounded FIFO queue for the rest. A call that
 * finds the queue full, or waits longer than `queueTimeoutMs`, is refused with 5103
 * `bulkhead_full`; a waiting call whose signal aborts leaves the queue at once with 5105.
 *
 * @param options - `concurrency` (required, an integer >= 1), `queue` (waiting calls allowed,
 *   default 0), `queueTimeoutMs` (default no limit) and the clock
 * @returns a new bulkhead policy with no call running; it also reports its current load
 * @throws FoundationError 3204 for invalid options.
 * @example
 * ```ts
 * const db = bulkhead({ concurrency: 10, queue: 100, queueTimeoutMs: 1_000 });
 * const rows = await db.execute(() => pool.query(sql));
 * ```
 */
export function bulkhead(options: BulkheadOptions): BulkheadPolicy {
  return new Bulkhead(options);
}
