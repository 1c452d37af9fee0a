import { enterFrame, runInFrame, type ContextOptions } from './context.js';
import { FoundationError } from './foundation-error.js';
import { convertThrown } from './helpers.js';
import { isForbiddenKey } from './json-safe.js';

function annotate(error: unknown, operation: string, durationNs: number): FoundationError {
  if (FoundationError.is(error)) {
    // The innermost operation that saw the error wins; outer ones leave it as it is.
    if (!('durationNs' in error.context)) {
      Object.assign(error.context, { operation, durationNs });
    }
    return error;
  }
  return convertThrown(error, 'internal_error', {
    messagePrefix: `${operation} failed: `,
    context: { operation, durationNs },
  });
}

function refuse(path: string, rule: string): never {
  throw new FoundationError('invalid_input', `withContext: ${path} ${rule}`, {
    context: { path, rule },
  });
}

/** Checks options that may come from untyped callers; nothing runs when they are bad. */
function checkOptions(options: ContextOptions): void {
  if (typeof options !== 'object' || (options as unknown) === null)
    refuse('options', 'must be an object');
  if (typeof options.operation !== 'string' || options.operation === '')
    refuse('options.operation', 'must be a non-empty string');
  if (options.correlationId !== undefined && typeof options.correlationId !== 'string')
    refuse('options.correlationId', 'must be a string');
  const { metadata } = options;
  if (metadata === undefined) return;
  if (typeof metadata !== 'object' || (metadata as unknown) === null || Array.isArray(metadata))
    refuse('options.metadata', 'must be an object');
  const forbidden = Object.keys(metadata).find(isForbiddenKey);
  if (forbidden !== undefined) refuse(`options.metadata.${forbidden}`, 'forbidden key');
}

/**
 * Runs `fn` (sync or async) inside an error context: errors created inside carry its
 * correlation id, operation and breadcrumbs, across `await`. Child contexts inherit the
 * correlation id, metadata and clock. An exception escaping `fn` comes out as a
 * FoundationError carrying the operation and its duration (`context.operation`,
 * `context.durationNs`): a FoundationError keeps its code and gains the facts; an error with a
 * registered numeric code (core's `LifecycleError`) keeps that code; anything else becomes
 * `internal_error`. The original is the `cause`.
 *
 * @throws FoundationError 3204 (`invalid_input`, with `path` and `rule`) for bad options,
 * before `fn` runs.
 * @example
 * ```ts
 * await withContext({ operation: 'orders.create', metadata: { userId } }, async () => {
 *   addBreadcrumb('validated');
 *   await save(order); // errors raised here carry the correlation id and breadcrumbs
 * });
 * ```
 */
export function withContext<T>(options: ContextOptions, fn: () => T): T {
  checkOptions(options);
  const frame = enterFrame(options);
  const fail = (error: unknown): never => {
    throw annotate(error, options.operation, frame.clock.nowNs() - frame.startedAtNs);
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
