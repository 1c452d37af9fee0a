import { systemClock } from '@foundation/core';
import { enterFrame, runInFrame, type ContextOptions } from './context.js';
import { FoundationError } from './foundation-error.js';

function annotate(error: unknown, operation: string, durationNs: number): FoundationError {
  if (FoundationError.is(error)) {
    // The innermost operation that saw the error wins; outer ones leave it as it is.
    if (!('durationNs' in error.context)) {
      Object.assign(error.context, { operation, durationNs });
    }
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new FoundationError('internal_error', `${operation} failed: ${message}`, {
    cause: error,
    context: { operation, durationNs },
  });
}

/**
 * Runs `fn` (sync or async) inside an error context: errors created inside carry its
 * correlation id, operation and breadcrumbs, across `await`. Child contexts inherit the
 * correlation id and metadata. An exception escaping `fn` comes out as a FoundationError
 * carrying the operation and its duration: a FoundationError keeps its code and gains the
 * facts; anything else is wrapped as `internal_error` with the original as `cause`.
 *
 * @example
 * ```ts
 * await withContext({ operation: 'orders.create', metadata: { userId } }, async () => {
 *   addBreadcrumb('validated');
 *   await save(order); // errors raised here carry the correlation id and breadcrumbs
 * });
 * ```
 */
export function withContext<T>(options: ContextOptions, fn: () => T): T {
  const frame = enterFrame(options);
  const fail = (error: unknown): never => {
    throw annotate(error, options.operation, systemClock.nowNs() - frame.startedAtNs);
  };
  return runInFrame(frame, () => {
    let result: T;
    try {
      result = fn();
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) return result.catch(fail) as T;
    return result;
  });
}
