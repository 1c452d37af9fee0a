import { enterFrame, runInFrame, type ContextOptions } from './context.js';
import { FoundationError } from './foundation-error.js';
import { convertThrown } from './helpers.js';
import { isForbiddenKey } from './json-safe.js';

/**
 * What an escaping error learns from the context it left: the operation, how long it ran and,
 * like the Elixir original's `enhance_error`, the context's metadata (its own merged over its
 * parents'). The innermost context wins; facts the error already has are never overwritten.
 */
function annotate(
  error: unknown,
  operation: string,
  durationNs: number,
  metadata: Readonly<Record<string, unknown>>,
): FoundationError {
  const facts: Record<string, unknown> = { operation, durationNs };
  if (Object.keys(metadata).length > 0) facts.metadata = metadata;
  if (FoundationError.is(error)) {
    if (!('durationNs' in error.context)) {
      const context = error.context as Record<string, unknown>;
      for (const key of Object.keys(facts)) {
        if (key === 'operation' || !(key in context)) context[key] = facts[key];
      }
    }
    return error;
  }
  return convertThrown(error, 'internal_error', {
    messagePrefix: `${operation} failed: `,
    context: facts,
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
 * FoundationError carrying the operation, its duration and the context's metadata
 * (`context.operation`, `context.durationNs`, `context.metadata`, set by the innermost context
 * the error leaves; facts the error already has are kept): a FoundationError keeps its code and gains the facts; an error with a
 * registered numeric code (core's `LifecycleError`) keeps that code; anything else becomes
 * `internal_error`. The original is the `cause`.
 *
 * @param options - the operation's name (required, non-empty), and optionally metadata for
 *   errors raised inside, a correlation id (default: inherited, else a new one) and the clock
 * @param fn - the work to run inside the context, called once with no arguments
 * @returns what `fn` returns; a promise it returns is passed on, rejecting with the annotated
 *   FoundationError when it rejects
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
    throw annotate(
      error,
      options.operation,
      frame.clock.nowNs() - frame.startedAtNs,
      frame.metadata,
    );
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
