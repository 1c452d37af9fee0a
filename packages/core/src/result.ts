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

/** Makes a success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** Makes a failure. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** True when `value` is a {@link Result} (an object with a boolean `ok` and its payload). */
export function isResult(value: unknown): value is Result<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { ok?: unknown };
  return (
    (candidate.ok === true && 'value' in candidate) ||
    (candidate.ok === false && 'error' in candidate)
  );
}

/** Transforms the value of a success; a failure passes through. */
export function map<T, U, E>(result: Result<T, E>, fn: (value: T) => U): Result<U, E> {
  return result.ok ? ok(fn(result.value)) : result;
}

/** Transforms the error of a failure; a success passes through. */
export function mapErr<T, E, F>(result: Result<T, E>, fn: (error: E) => F): Result<T, F> {
  return result.ok ? result : err(fn(result.error));
}

/** Chains an operation that can itself fail onto a success. */
export function andThen<T, U, E, F>(
  result: Result<T, E>,
  fn: (value: T) => Result<U, F>,
): Result<U, E | F> {
  return result.ok ? fn(result.value) : result;
}

/** The value of a success, or `fallback` for a failure. */
export function unwrapOr<T, U>(result: Result<T, unknown>, fallback: U): T | U {
  return result.ok ? result.value : fallback;
}

/** The value of a success; throws the error of a failure. */
export function unwrap<T>(result: Result<T, unknown>): T {
  if (result.ok) return result.value;
  throw result.error;
}

/** Calls `onOk` or `onErr` and returns what it returns. */
export function match<T, E, U>(
  result: Result<T, E>,
  onOk: (value: T) => U,
  onErr: (error: E) => U,
): U {
  return result.ok ? onOk(result.value) : onErr(result.error);
}

/** Collects successes into one array, or returns the first failure. */
export function all<T, E>(results: readonly Result<T, E>[]): Result<T[], E> {
  const values: T[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values);
}
