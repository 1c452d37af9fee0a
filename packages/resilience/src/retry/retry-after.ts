import { FoundationError } from '@foundation/errors';

/**
 * The delay an error says to wait before retrying, in milliseconds, or undefined when it says
 * nothing. Reads, in order: a FoundationError's `context.retryAfterMs` (what the rejections of
 * this package carry), a numeric `retryAfterMs` property, and an HTTP `Retry-After` header
 * (seconds or an HTTP date, compared with `wallNowMs`) on `error.headers` or
 * `error.response.headers` (a `Headers` or a plain object). Never throws.
 *
 * @param error - what the failed attempt threw or rejected with; anything
 * @param wallNowMs - the current wall-clock time, in milliseconds since the epoch, to turn an
 *   HTTP-date `Retry-After` into a delay
 * @returns the hinted delay in milliseconds (finite, >= 0), or `undefined` when the error
 *   carries no usable hint
 */
export function retryAfterHintMs(error: unknown, wallNowMs: number): number | undefined {
  try {
    if (typeof error !== 'object' || error === null) return undefined;
    if (FoundationError.is(error)) return validMs(error.context.retryAfterMs);
    const record = error as Record<string, unknown>;
    const direct = validMs(record.retryAfterMs);
    if (direct !== undefined) return direct;
    const response = record.response;
    const header =
      headerValue(record.headers) ??
      (typeof response === 'object' && response !== null
        ? headerValue((response as Record<string, unknown>).headers)
        : undefined);
    return header === undefined ? undefined : parseRetryAfter(header, wallNowMs);
  } catch {
    // A hostile getter is no reason to fail the retry decision: there is simply no hint.
    return undefined;
  }
}

function validMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function headerValue(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const getter = (headers as { get?: unknown }).get;
  const value: unknown =
    typeof getter === 'function'
      ? (getter as (name: string) => unknown).call(headers, 'retry-after')
      : ((headers as Record<string, unknown>)['retry-after'] ??
        (headers as Record<string, unknown>)['Retry-After']);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Parses a `Retry-After` value: delta-seconds or an HTTP date.
 *
 * @param value - the header's value, such as `'120'` or `'Wed, 21 Oct 2026 07:28:00 GMT'`;
 *   surrounding whitespace is ignored
 * @param wallNowMs - the current wall-clock time, in milliseconds since the epoch, that a date
 *   is compared with
 * @returns the delay in milliseconds (a date in the past gives 0), or `undefined` when the
 *   value is neither form
 */
export function parseRetryAfter(value: string, wallNowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return validMs(Number(trimmed) * 1000);
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - wallNowMs);
}
