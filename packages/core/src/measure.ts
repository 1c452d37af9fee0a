import { systemClock, type Clock } from './clock.js';
import { InvalidInputError } from './invalid-input-error.js';

function assertFunction(fn: unknown, where: string): void {
  if (typeof fn !== 'function') throw new InvalidInputError(where, 'fn', 'must be a function', fn);
}

/** A value together with how long it took to compute, in nanoseconds. */
export interface Measured<T> {
  /** What the measured function returned (or resolved to). */
  readonly result: T;
  /** Monotonic duration of the call in nanoseconds. */
  readonly durationNs: number;
}

/**
 * Runs `fn` and returns its result with the monotonic duration in nanoseconds. If `fn` throws,
 * the error propagates unchanged.
 *
 * @param fn - the function to run, called once with no arguments
 * @param clock - the time source the duration is read from; default {@link systemClock}
 * @returns what `fn` returned, with the duration of the call in nanoseconds
 * @throws InvalidInputError (3204) when `fn` is not a function.
 *
 * @example
 * ```ts
 * const { result, durationNs } = measure(() => fib(20));
 * console.log(result, formatDuration(durationNs));
 * ```
 */
export function measure<T>(fn: () => T, clock: Clock = systemClock): Measured<T> {
  assertFunction(fn, 'measure');
  const start = clock.nowNs();
  const result = fn();
  return { result, durationNs: clock.nowNs() - start };
}

/**
 * Awaits `fn` and returns its result with the monotonic duration in nanoseconds.
 *
 * @param fn - the function to run, called once with no arguments; it may return a promise or
 *   a plain value
 * @param clock - the time source the duration is read from; default {@link systemClock}
 * @returns a promise of what `fn` resolved to, with the nanoseconds from the call until it
 *   settled; it rejects with `fn`'s error unchanged when `fn` throws or rejects
 * @throws InvalidInputError (3204, as a rejection) when `fn` is not a function.
 */
export async function measureAsync<T>(
  fn: () => Promise<T> | T,
  clock: Clock = systemClock,
): Promise<Measured<T>> {
  assertFunction(fn, 'measureAsync');
  const start = clock.nowNs();
  const result = await fn();
  return { result, durationNs: clock.nowNs() - start };
}
