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
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = clock.setTimeout(() => {
      resolve(TIMED_OUT);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    timer?.cancel();
  }
}
