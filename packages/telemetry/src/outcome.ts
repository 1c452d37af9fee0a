/** True for a promise or any object with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` and reports how it ended: `succeeded` or `failed(error)`, once it settles. Returns
 * what `fn` returns, unchanged in kind (a sync value stays sync, a promise stays a promise)
 * and rethrows what it throws. The shared body of spans and instrumented functions.
 */
export function observeOutcome<T>(
  fn: () => T,
  succeeded: () => void,
  failed: (error: unknown) => void,
): T {
  let result: T;
  try {
    result = fn();
  } catch (error) {
    failed(error);
    throw error;
  }
  if (!isThenable(result)) {
    succeeded();
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      succeeded();
      return value;
    },
    (error: unknown) => {
      failed(error);
      throw error;
    },
  ) as T;
}
