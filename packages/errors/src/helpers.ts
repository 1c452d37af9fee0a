import { err, ok, type Result } from '@foundation/core';
import { getErrorCode, type ErrorCode, type ErrorCodeName } from './codes.js';
import { FoundationError, type FoundationErrorOptions } from './foundation-error.js';
import { readString } from './json-safe.js';

/**
 * Wraps any error in a FoundationError of `code`, keeping it as the `cause`. The correlation id
 * of a wrapped FoundationError is carried over.
 *
 * @param error - what was caught, of any type; it becomes the new error's `cause`
 * @param code - the new error's code, as a registered name or an {@link ErrorCode} value (an
 *   unknown name gives `internal_error`)
 * @param message - the new error's message; default: the code's description
 * @param options - context, correlation id, timestamp or breadcrumbs for the new error (not
 *   `cause`, which is always `error`); an explicit `correlationId` wins over the carried one
 * @returns a new FoundationError of `code` whose `cause` is `error` (it is returned, not thrown)
 * @example
 * ```ts
 * try { await fetchUser(id); } catch (e) { throw wrap(e, 'external_service_error', 'user service failed'); }
 * ```
 */
export function wrap(
  error: unknown,
  code: ErrorCodeName | ErrorCode,
  message?: string,
  options: Omit<FoundationErrorOptions, 'cause'> = {},
): FoundationError {
  const correlationId = FoundationError.is(error) ? error.correlationId : undefined;
  return new FoundationError(code, message, {
    ...(correlationId !== undefined && { correlationId }),
    ...options,
    cause: error,
  });
}

/**
 * Converts anything thrown into a FoundationError: a FoundationError is returned as it is; an
 * error carrying a registered numeric `code` (such as core's `LifecycleError`, 2101 or 3204, or
 * its `InvalidInputError`, 3204 with `path` and `rule` carried into the context) keeps that code
 * and its message; anything else becomes `fallback` (default
 * `internal_error`). The original is kept as the `cause`, so nothing is lost and
 * `findCause(converted, LifecycleError)` still finds it. Never throws.
 *
 * @param error - what was thrown or rejected, of any type
 * @param fallback - the code for an error without a registered numeric `code` (and for
 *   non-errors); default `internal_error`
 * @returns `error` itself when it is a FoundationError, otherwise a new one with `error` as its
 *   `cause`
 */
export function toFoundationError(
  error: unknown,
  fallback: ErrorCodeName | ErrorCode = 'internal_error',
): FoundationError {
  if (FoundationError.is(error)) return error;
  return convertThrown(error, fallback);
}

/** @internal What {@link convertThrown} adds to the error it makes. */
export interface ConversionExtras {
  /** Put in front of the message, such as `orders.create failed: `. */
  readonly messagePrefix?: string;
  /** Extra context. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** @internal Converts a thrown value that is not a FoundationError (see toFoundationError). */
export function convertThrown(
  error: unknown,
  fallback: ErrorCodeName | ErrorCode,
  extras: ConversionExtras = {},
): FoundationError {
  const prefix = extras.messagePrefix ?? '';
  if (error instanceof Error) {
    const { code, codeName, service, path, rule } = readFields(error);
    const registered = typeof code === 'number' ? getErrorCode(code) : undefined;
    const def =
      registered && (codeName === undefined || codeName === registered.name)
        ? registered
        : undefined;
    const name = readString(() => error.name) ?? 'Error';
    return new FoundationError(def ?? fallback, prefix + (readString(() => error.message) ?? ''), {
      cause: error,
      context: {
        ...(def && { originalName: name }),
        ...(def && typeof service === 'string' && { service }),
        // core's InvalidInputError names the argument and the rule, like every 3204 does.
        ...(def && typeof path === 'string' && { path }),
        ...(def && typeof rule === 'string' && { rule }),
        ...extras.context,
      },
    });
  }
  return new FoundationError(fallback, `${prefix}Non-error thrown: ${describeThrown(error)}`, {
    cause: error,
    ...(extras.context && { context: extras.context }),
  });
}

interface CodedFields {
  code?: unknown;
  codeName?: unknown;
  service?: unknown;
  path?: unknown;
  rule?: unknown;
}

function readFields(error: Error): CodedFields {
  try {
    const { code, codeName, service, path, rule } = error as Error & Record<string, unknown>;
    return { code, codeName, service, path, rule };
  } catch {
    return {};
  }
}

function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    // Objects without a usable toString (null prototype, hostile proxies) still get a name.
    return '[unprintable value]';
  }
}

type CodeOrClass = ErrorCodeName | number | (abstract new (...args: never[]) => Error);

function matches(candidate: unknown, target: CodeOrClass): boolean {
  if (typeof target === 'function') return candidate instanceof target;
  if (!FoundationError.is(candidate)) return false;
  return typeof target === 'number' ? candidate.code === target : candidate.codeName === target;
}

/**
 * Finds the first error in a cause chain (the error itself included, aggregated errors
 * searched too) with the given code name, code number or class. Safe with cycles.
 *
 * @param error - where the search starts: usually a caught error, of any type
 * @param target - the class to look for; matched with `instanceof`
 * @returns the first match, searching breadth-first (the error, then its `cause` and
 *   `AggregateError` members, and so on), or `undefined` when none is an instance of `target`
 */
export function findCause<C extends abstract new (...args: never[]) => Error>(
  error: unknown,
  target: C,
): InstanceType<C> | undefined;
/**
 * Finds the first FoundationError in a cause chain (the error itself included, aggregated
 * errors searched too) with the given code name or number. Safe with cycles.
 *
 * @param error - where the search starts: usually a caught error, of any type
 * @param target - the code to look for: its name (such as `'timeout'`) or its number
 * @returns the first FoundationError with that code, searching breadth-first, or `undefined`
 *   when the chain has none
 */
export function findCause(
  error: unknown,
  target: ErrorCodeName | number,
): FoundationError | undefined;
/**
 * Searches a cause chain breadth-first for the first error matching `target`; the
 * implementation behind both signatures above.
 *
 * @param error - where the search starts, of any type
 * @param target - a class (matched with `instanceof`), or a code name or number (matched
 *   against FoundationErrors only)
 * @returns the first match, or `undefined` when the chain has none
 */
export function findCause(error: unknown, target: CodeOrClass): Error | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.has(current)) continue;
    seen.add(current);
    if (matches(current, target)) return current as Error;
    if (current instanceof Error) {
      if ('cause' in current) queue.push(current.cause);
      if (current instanceof AggregateError && Array.isArray(current.errors))
        queue.push(...(current.errors as unknown[]));
    }
  }
  return undefined;
}

/**
 * Runs `fn` and returns its value as `ok`, or what it threw as `err` (a FoundationError).
 *
 * @param fn - the function to run, called once with no arguments
 * @param fallback - the code for a thrown value that has no registered code, as in
 *   {@link toFoundationError}; default `internal_error`
 * @returns `ok` with what `fn` returned, or `err` with what it threw converted by
 *   {@link toFoundationError}; never throws
 */
export function tryCatch<T>(
  fn: () => T,
  fallback?: ErrorCodeName | ErrorCode,
): Result<T, FoundationError> {
  try {
    return ok(fn());
  } catch (error) {
    return err(toFoundationError(error, fallback));
  }
}

/**
 * Awaits `promise` and returns its value as `ok`, or its rejection as `err` (a FoundationError).
 *
 * @param promise - the promise (or thenable) to await
 * @param fallback - the code for a rejection that has no registered code, as in
 *   {@link toFoundationError}; default `internal_error`
 * @returns a promise of `ok` with the resolved value, or `err` with the rejection converted by
 *   {@link toFoundationError}; it never rejects
 */
export async function fromPromise<T>(
  promise: PromiseLike<T>,
  fallback?: ErrorCodeName | ErrorCode,
): Promise<Result<T, FoundationError>> {
  try {
    return ok(await promise);
  } catch (error) {
    return err(toFoundationError(error, fallback));
  }
}
