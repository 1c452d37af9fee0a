/** A success carrying a value. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failure carrying an error. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/**
 * The outcome of an operation that can fail, as a value: check `ok`, then read `value` or
 * `error`. Cheaper than throwing on expected failures, and the type says that it can fail.
 *
 * @example
 * ```ts
 * const parsed: Result<number, string> = Number.isNaN(n) ? err('not a number') : ok(n);
 * if (parsed.ok) use(parsed.value);
 * ```
 */
export type Result<T, E = Error> = Ok<T> | Err<E>;

/**
 * Makes a success.
 *
 * @param value - the value the operation produced
 * @returns an {@link Ok} with `ok: true` and `value`
 */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/**
 * Makes a failure.
 *
 * @param error - why the operation failed, usually an `Error` (any type is allowed)
 * @returns an {@link Err} with `ok: false` and `error`
 */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/**
 * True when `value` is a {@link Result} (an object with a boolean `ok` and its payload).
 *
 * @param value - any value
 * @returns `true` for an object with `ok: true` and a `value` key, or `ok: false` and an
 *   `error` key (the payload itself may be `undefined`)
 */
export function isResult(value: unknown): value is Result<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { ok?: unknown };
  return (
    (candidate.ok === true && 'value' in candidate) ||
    (candidate.ok === false && 'error' in candidate)
  );
}

/**
 * Transforms the value of a success; a failure passes through.
 *
 * @param result - the result to transform
 * @param fn - called with the success value only; what it returns becomes the new value (an
 *   exception it throws propagates)
 * @returns a success of `fn`'s return value, or `result` itself when it is a failure
 */
export function map<T, U, E>(result: Result<T, E>, fn: (value: T) => U): Result<U, E> {
  return result.ok ? ok(fn(result.value)) : result;
}

/**
 * Transforms the error of a failure; a success passes through.
 *
 * @param result - the result to transform
 * @param fn - called with the failure's error only; what it returns becomes the new error
 * @returns a failure carrying `fn`'s return value, or `result` itself when it is a success
 */
export function mapErr<T, E, F>(result: Result<T, E>, fn: (error: E) => F): Result<T, F> {
  return result.ok ? result : err(fn(result.error));
}

/**
 * Chains an operation that can itself fail onto a success.
 *
 * @param result - the result of the previous step
 * @param fn - the next step, called with the success value only
 * @returns what `fn` returned, or `result` itself (not calling `fn`) when it is a failure
 */
export function andThen<T, U, E, F>(
  result: Result<T, E>,
  fn: (value: T) => Result<U, F>,
): Result<U, E | F> {
  return result.ok ? fn(result.value) : result;
}

/**
 * The value of a success, or `fallback` for a failure.
 *
 * @param result - the result to read
 * @param fallback - what to return when `result` is a failure; the error is dropped
 * @returns `result.value` for a success, `fallback` for a failure
 */
export function unwrapOr<T, U>(result: Result<T, unknown>, fallback: U): T | U {
  return result.ok ? result.value : fallback;
}

/**
 * The value of a success; throws the error of a failure.
 *
 * @param result - the result to read
 * @returns `result.value` when `result` is a success
 * @throws the failure's `error`, as it is (not wrapped), when `result` is a failure
 */
export function unwrap<T>(result: Result<T, unknown>): T {
  if (result.ok) return result.value;
  throw result.error;
}

/**
 * Calls `onOk` or `onErr` and returns what it returns.
 *
 * @param result - the result to branch on
 * @param onOk - called with the value when `result` is a success
 * @param onErr - called with the error when `result` is a failure
 * @returns what the called handler returned
 */
export function match<T, E, U>(
  result: Result<T, E>,
  onOk: (value: T) => U,
  onErr: (error: E) => U,
): U {
  return result.ok ? onOk(result.value) : onErr(result.error);
}

/**
 * Collects successes into one array, or returns the first failure.
 *
 * @param results - the results to collect, in order; an empty list gives a success of `[]`
 * @returns a success of every value in input order, or the first failure in the list (the
 *   ones after it are not looked at)
 */
export function all<T, E>(results: readonly Result<T, E>[]): Result<T[], E> {
  const values: T[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values);
}
