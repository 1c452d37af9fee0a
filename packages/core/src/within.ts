import type { Clock } from './clock.js';

/**
 * What {@link within} resolves to when the time ran out first. A symbol, so no result a caller's
 * work returns can be mistaken for a timeout.
 */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Runs `work` and races it against a timer of `ms` on `clock`: resolves to its result, or to
 * {@link TIMED_OUT} if the timer wins. `work` is a function so that a synchronous throw becomes
 * a rejection. The timer is always cancelled; the work itself is not (pass it a signal for that).
 *
 * By default the timer is a {@link Clock.sleep}, so with the system clock it keeps the process
 * alive while the race is on: someone is awaiting the outcome, and a process that exited
 * underneath them (a start or health deadline on work that holds no handle of its own) would
 * skip the code after the `await` and end with code 13 and no output. Background work that no
 * caller awaits (a periodic health poll) passes `{ background: true }`: its timer is a
 * {@link Clock.setTimeout}, which never holds the process.
 *
 * @param work - the work to race, called once (on a microtask, not synchronously); it may
 *   return a value or a promise
 * @param ms - the time allowed, in milliseconds; a finite number >= 0, as {@link Clock.sleep}
 *   requires
 * @param clock - the clock that times the race (`systemClock` in production, a `ManualClock`
 *   in tests)
 * @param options - `background: true` when nobody awaits the outcome, so the timer does not
 *   keep the process alive (default false)
 * @returns a promise of what `work` returned or resolved to, or {@link TIMED_OUT} when `ms`
 *   passed first; it rejects with `work`'s error when `work` throws or rejects in time
 * @example
 * ```ts
 * const outcome = await within(() => service.stop(), 5_000, clock);
 * if (outcome === TIMED_OUT) report('stop hung');
 * ```
 */
export async function within<T>(
  work: () => T | PromiseLike<T>,
  ms: number,
  clock: Clock,
  options?: WithinOptions,
): Promise<Awaited<T> | typeof TIMED_OUT> {
  const cancel = new AbortController();
  // Cancelled once the race is decided; nobody reads the outcome then, so both ends map to it.
  const timedOut = (): typeof TIMED_OUT => TIMED_OUT;
  const timeout = options?.background
    ? backgroundTimeout(ms, clock, cancel.signal)
    : clock.sleep(ms, cancel.signal).then(timedOut, timedOut);
  try {
    return await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    cancel.abort();
  }
}

/** Options of {@link within}. */
export interface WithinOptions {
  /**
   * True when no caller awaits the outcome (background work): the timer then never keeps the
   * process alive. Default false: an awaited deadline holds the process until it is decided.
   */
  readonly background?: boolean;
}

/** A timeout on an unref'd clock timer, cancelled (and never settled) when `cancel` aborts. */
function backgroundTimeout(
  ms: number,
  clock: Clock,
  cancel: AbortSignal,
): Promise<typeof TIMED_OUT> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => {
      resolve(TIMED_OUT);
    }, ms);
    cancel.addEventListener(
      'abort',
      () => {
        timer.cancel();
      },
      { once: true },
    );
  });
}
