import { performance } from 'node:perf_hooks';
import { InvalidInputError } from './invalid-input-error.js';

/** A scheduled callback that can be cancelled. Cancelling twice, or after it ran, is harmless. */
export interface Timer {
  /** Stops the callback from running (again). */
  cancel(): void;
}

/**
 * The source of time for every Foundation package. Production code uses {@link systemClock};
 * tests pass a {@link ManualClock} and move time by hand, so nothing waits for real.
 *
 * Units are in the names: `Ms` is milliseconds, `Ns` nanoseconds.
 */
export interface Clock {
  /** Monotonic time in milliseconds (fractional) from an arbitrary origin; never goes back. */
  nowMs(): number;
  /** Monotonic time in whole nanoseconds from the same origin as {@link Clock.nowMs}. */
  nowNs(): number;
  /** Wall-clock time in Unix epoch milliseconds; may jump when the system clock is set. */
  wallMs(): number;
  /**
   * Resolves after `ms` milliseconds. Rejects with `signal.reason` as soon as `signal` aborts
   * (at once if it already has), and leaves no listener on the signal either way.
   *
   * Unlike the timers, a pending sleep keeps the process alive, as Node's own
   * `timers/promises` does: someone is awaiting it, and letting the process exit underneath
   * them would skip the code after the `await` (their `finally` blocks included). Background
   * loops should use {@link Clock.setTimeout} / {@link Clock.setInterval}, or sleep with a
   * signal that their `stop()` aborts.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` once after `ms` milliseconds. The timer never keeps the process alive. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Runs `fn` every `ms` milliseconds until cancelled. The timer never keeps the process alive. */
  setInterval(fn: () => void, ms: number): Timer;
}

/**
 * Validates a delay: a finite, non-negative number of milliseconds.
 *
 * @param ms - the delay to check, in milliseconds (0 is allowed, fractions too)
 * @param name - the option or argument name the error message reports; default `'ms'`
 * @throws InvalidInputError (3204, a RangeError) naming `name` otherwise.
 */
export function assertDelayMs(ms: number, name = 'ms'): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidInputError('', name, 'must be a finite number >= 0', ms);
  }
}

/**
 * The error an aborted wait rejects with: the signal's reason when it is an Error.
 *
 * @param signal - the signal that aborted (its `reason` is read, not the `aborted` flag)
 * @returns `signal.reason` itself when it is an `Error`; otherwise a `DOMException` named
 *   `AbortError` whose `cause` is the reason (`undefined` when none was given)
 */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('This operation was aborted', { name: 'AbortError', cause: reason });
}

/**
 * Builds an abortable sleep on top of a timer function: the shared logic of both clocks, so
 * abort handling and listener clean-up behave the same in tests and in production.
 */
function abortableSleep(
  schedule: (fn: () => void, ms: number) => Timer,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  assertDelayMs(ms);
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal!));
    };
    const timer = schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Node's timers overflow (and fire at once) past 2^31-1 ms; longer delays are chained.
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

function systemTimeout(fn: () => void, ms: number, keepAlive = false): Timer {
  assertDelayMs(ms);
  let handle: NodeJS.Timeout;
  const arm = (remainingMs: number): void => {
    const step = Math.min(remainingMs, MAX_NODE_DELAY_MS);
    handle = setTimeout(() => {
      if (remainingMs > step) arm(remainingMs - step);
      else fn();
    }, step);
    if (!keepAlive) handle.unref();
  };
  arm(ms);
  return {
    cancel: () => {
      clearTimeout(handle);
    },
  };
}

function systemInterval(fn: () => void, ms: number): Timer {
  assertDelayMs(ms);
  if (ms === 0) throw new InvalidInputError('', 'interval ms', 'must be > 0', ms);
  if (ms > MAX_NODE_DELAY_MS) {
    // Too long for a native interval (it would overflow): re-arm a chained timeout each period.
    let current: Timer;
    const arm = (): void => {
      current = systemTimeout(() => {
        arm();
        fn();
      }, ms);
    };
    arm();
    return {
      cancel: () => {
        current.cancel();
      },
    };
  }
  const handle = setInterval(fn, ms);
  handle.unref();
  return {
    cancel: () => {
      clearInterval(handle);
    },
  };
}

/**
 * The real clock: `performance.now()` for monotonic time, unref'd Node timers (a pending
 * `sleep` alone keeps the process alive, see {@link Clock.sleep}).
 */
export const systemClock: Clock = Object.freeze({
  nowMs: () => performance.now(),
  nowNs: () => Math.round(performance.now() * 1e6),
  wallMs: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    abortableSleep((fn, delay) => systemTimeout(fn, delay, true), ms, signal),
  setTimeout: (fn: () => void, ms: number) => systemTimeout(fn, ms),
  setInterval: systemInterval,
});

interface ManualTimer {
  dueMs: number;
  seq: number;
  fn: () => void;
  intervalMs: number;
  cancelled: boolean;
}

/** Options for {@link ManualClock}. */
export interface ManualClockOptions {
  /** Monotonic start time in milliseconds. Default 0. */
  startMs?: number;
  /** Wall-clock start time in epoch milliseconds. Default 2026-01-01T00:00:00Z. */
  wallStartMs?: number;
}

/**
 * A clock that moves only when told to. Timers and sleeps fire during {@link ManualClock.advance}
 * in due-time order (ties in the order they were scheduled), with the clock reading each one's
 * due time while it runs.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const done = clock.sleep(100);
 * await clock.advanceAsync(100); // `done` has resolved; no real time passed
 * ```
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #wallOffsetMs: number;
  #seq = 0;
  #timers: ManualTimer[] = [];

  /**
   * Creates a manual clock reading `startMs` (monotonic) and `wallStartMs` (wall).
   *
   * @throws InvalidInputError (3204) when an option is not a finite number.
   */
  constructor(options: ManualClockOptions = {}) {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new InvalidInputError('ManualClock', 'options', 'must be an object', options);
    }
    for (const name of ['startMs', 'wallStartMs'] as const) {
      const value = options[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
        throw new InvalidInputError(
          'ManualClock',
          `options.${name}`,
          'must be a finite number',
          value,
        );
      }
    }
    this.#nowMs = options.startMs ?? 0;
    this.#wallOffsetMs = (options.wallStartMs ?? Date.UTC(2026, 0, 1)) - this.#nowMs;
  }

  /** {@inheritDoc Clock.nowMs} */
  nowMs(): number {
    return this.#nowMs;
  }

  /** {@inheritDoc Clock.nowNs} */
  nowNs(): number {
    return Math.round(this.#nowMs * 1e6);
  }

  /** {@inheritDoc Clock.wallMs} */
  wallMs(): number {
    return this.#nowMs + this.#wallOffsetMs;
  }

  /** Moves the wall clock (only) to `epochMs`, as when the system clock is set. */
  setWallMs(epochMs: number): void {
    this.#wallOffsetMs = epochMs - this.#nowMs;
  }

  /** {@inheritDoc Clock.sleep} */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return abortableSleep((fn, delay) => this.setTimeout(fn, delay), ms, signal);
  }

  /** {@inheritDoc Clock.setTimeout} */
  setTimeout(fn: () => void, ms: number): Timer {
    assertDelayMs(ms);
    return this.#schedule(fn, ms, 0);
  }

  /** {@inheritDoc Clock.setInterval} */
  setInterval(fn: () => void, ms: number): Timer {
    assertDelayMs(ms);
    if (ms === 0) throw new InvalidInputError('', 'interval ms', 'must be > 0', ms);
    return this.#schedule(fn, ms, ms);
  }

  /** How many timers and sleeps are waiting to fire. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order. Callbacks run
   * synchronously; code waiting on a sleep resumes once the caller yields (or use
   * {@link ManualClock.advanceAsync}, which lets it run between timers).
   */
  advance(ms: number): void {
    assertDelayMs(ms);
    const target = this.#nowMs + ms;
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#fire(timer);
    }
    this.#nowMs = target;
  }

  /**
   * Like {@link ManualClock.advance}, but lets pending promise continuations run before and
   * after each timer, so a sleep that resumes and schedules the next one inside the window
   * fires too. Use this to drive async code such as retry loops.
   */
  async advanceAsync(ms: number): Promise<void> {
    assertDelayMs(ms);
    const target = this.#nowMs + ms;
    await flushPromises();
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#fire(timer);
      await flushPromises();
    }
    this.#nowMs = target;
    await flushPromises();
  }

  /** Fires timers until none is left, advancing time to each; intervals make this throw. */
  async runAllAsync(maxTimers = 10_000): Promise<void> {
    for (let fired = 0; this.#timers.length > 0; fired++) {
      if (fired >= maxTimers) throw new RangeError(`more than ${maxTimers} timers fired`);
      const next = this.#timers[0]!;
      this.#timers.shift();
      this.#fire(next);
      await flushPromises();
    }
  }

  #schedule(fn: () => void, delayMs: number, intervalMs: number): Timer {
    const timer: ManualTimer = {
      dueMs: this.#nowMs + delayMs,
      seq: this.#seq++,
      fn,
      intervalMs,
      cancelled: false,
    };
    this.#insert(timer);
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        const at = this.#timers.indexOf(timer);
        if (at >= 0) this.#timers.splice(at, 1);
      },
    };
  }

  #insert(timer: ManualTimer): void {
    // Binary search keeps the queue sorted by (dueMs, seq).
    let lo = 0;
    let hi = this.#timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.#timers[mid]!;
      if (other.dueMs < timer.dueMs || (other.dueMs === timer.dueMs && other.seq < timer.seq)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    this.#timers.splice(lo, 0, timer);
  }

  #nextDue(targetMs: number): ManualTimer | undefined {
    const next = this.#timers[0];
    if (!next || next.dueMs > targetMs) return undefined;
    this.#timers.shift();
    return next;
  }

  #fire(timer: ManualTimer): void {
    this.#nowMs = Math.max(this.#nowMs, timer.dueMs);
    if (timer.intervalMs > 0) {
      timer.dueMs += timer.intervalMs;
      timer.seq = this.#seq++;
      this.#insert(timer);
    }
    timer.fn();
  }
}

/** Lets queued promise continuations (and their follow-ups) run. */
async function flushPromises(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
