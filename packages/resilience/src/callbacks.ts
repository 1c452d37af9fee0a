import { listenerErrorChannel } from './diagnostics.js';

/**
 * Reports an error thrown by a caller-supplied callback (a state listener or a predicate) on
 * `foundation:resilience:listener-error`: the policy carries on, and the bug is not swallowed.
 */
export function reportCallbackError(source: string, callback: string, error: unknown): void {
  if (listenerErrorChannel.hasSubscribers) {
    listenerErrorChannel.publish({ source, callback, error });
  }
}

/**
 * Asks a caller-supplied predicate (`isFailure`, `retryOn`, …) about a call's outcome. One that
 * throws must neither replace the caller's own error nor leave the policy half-updated (a
 * probe slot held, a rate never lowered), so its error is reported and `onThrow`, the
 * conservative answer for that predicate, is used instead.
 */
export function askPredicate<A, B>(
  source: string,
  callback: string,
  predicate: (a: A, b: B) => boolean,
  a: A,
  b: B,
  onThrow: boolean,
): boolean {
  try {
    return predicate(a, b);
  } catch (error) {
    reportCallbackError(source, callback, error);
    return onThrow;
  }
}
