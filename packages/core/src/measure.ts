import { systemClock, type Clock } from './clock.js';

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
 * @example
 * ```ts
 * const { result, durationNs } = measure(() => fib(20));
 * console.log(result, formatDuration(durationNs));
 * ```
 */
export function measure<T>(fn: () => T, clock: Clock = systemClock): Measured<T> {
  const start = clock.nowNs();
  const result = fn();
  return { result, durationNs: clock.nowNs() - start };
}

/** Awaits `fn` and returns its result with the monotonic duration in nanoseconds. */
export async function measureAsync<T>(
  fn: () => Promise<T> | T,
  clock: Clock = systemClock,
): Promise<Measured<T>> {
  const start = clock.nowNs();
  const result = await fn();
  return { result, durationNs: clock.nowNs() - start };
}
