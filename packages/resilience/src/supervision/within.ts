import type { Clock } from '@foundation/core';
import { safeStringify } from '@foundation/errors';

/** What {@link within} resolves to when the time ran out first. A symbol: no result can equal it. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Runs `work` (a function, so a synchronous throw becomes a rejection) and races it against a
 * timer on `clock`; resolves to {@link TIMED_OUT} if the timer wins. The timer is always cancelled.
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

/** A short, printable summary of any failure reason. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason === undefined) return 'no reason given';
  if (typeof reason === 'string') return reason;
  return safeStringify(reason);
}
