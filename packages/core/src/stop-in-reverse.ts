import type { Clock } from './clock.js';
import { TIMED_OUT, within } from './within.js';

/** How one stop ended: it finished, it threw (or rejected), or it outlasted its timeout. */
export type StopOutcome =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timed_out' };

/** What {@link stopInReverse} did, item by item, in stop order. */
export interface ReverseStopReport<T> {
  /** Items that stopped cleanly. */
  readonly stopped: readonly T[];
  /** Items whose stop threw or rejected, with the error. */
  readonly failed: readonly { readonly item: T; readonly error: unknown }[];
  /** Items whose stop outlasted its timeout and was abandoned. */
  readonly timedOut: readonly T[];
}

/**
 * Runs one stop bounded by `timeoutMs`: a stop that takes longer is abandoned (it keeps
 * running, nobody waits for it). The timeout is an awaited one, so it keeps the process alive
 * until the stop is decided.
 *
 * @param stop - the stop to run; it may return a promise
 * @param timeoutMs - the time it may take, in ms (a finite number >= 0)
 * @param clock - the clock that times it
 * @returns a promise of the outcome; it never rejects (a throw is the `failed` outcome)
 */
export async function stopWithin(
  stop: () => unknown,
  timeoutMs: number,
  clock: Clock,
): Promise<StopOutcome> {
  try {
    const outcome = await within(stop, timeoutMs, clock);
    return outcome === TIMED_OUT ? { kind: 'timed_out' } : { kind: 'stopped' };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/**
 * Stops items one at a time in reverse order (the last started stops first), going on past
 * failures and timeouts, and reports each outcome. How one item stops (and within what time,
 * see {@link stopWithin}) is the caller's.
 *
 * @param items - the items in start order
 * @param stopOne - stops one item and resolves to its outcome, or to undefined for an item
 *   that had nothing to stop (it is left out of the report); it must not reject
 * @returns a promise of the report, in stop order
 * @example
 * ```ts
 * const report = await stopInReverse(services, (s) => stopWithin(() => s.stop(), 5_000, clock));
 * ```
 */
export async function stopInReverse<T>(
  items: readonly T[],
  stopOne: (item: T) => Promise<StopOutcome | undefined>,
): Promise<ReverseStopReport<T>> {
  const stopped: T[] = [];
  const failed: { item: T; error: unknown }[] = [];
  const timedOut: T[] = [];
  for (const item of [...items].reverse()) {
    const outcome = await stopOne(item);
    if (outcome?.kind === 'stopped') stopped.push(item);
    else if (outcome?.kind === 'timed_out') timedOut.push(item);
    else if (outcome) failed.push({ item, error: outcome.error });
  }
  return { stopped, failed, timedOut };
}
