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
 * The timer is a {@link Clock.sleep}, so with the system clock it keeps the process alive while
 * the race is on: someone is awaiting the outcome, and a process that exited underneath them
 * (a start or health deadline on work that holds no handle of its own) would skip the code
 * after the `await` and end with code 13 and no output.
 *
 * @param work - the work to race, called once (on a microtask, not synchronously); it may
 *   return a value or a promise
 * @param ms - the time allowed, in milliseconds; a finite number >= 0, as {@link Clock.sleep}
 *   requires
 * @param clock - the clock whose {@link Clock.sleep} times the race (`systemClock` in
 *   production, a `ManualClock` in tests)
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
): Promise<Awaited<T> | typeof TIMED_OUT> {
  const cancel = new AbortController();
  // Cancelled once the race is decided; nobody reads the outcome then, so both ends map to it.
  const timedOut = (): typeof TIMED_OUT => TIMED_OUT;
  const timeout = clock.sleep(ms, cancel.signal).then(timedOut, timedOut);
  try {
    return await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    cancel.abort();
  }
}
