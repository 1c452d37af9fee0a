/** The default longest `x-request-id` taken from a caller. */
export const DEFAULT_MAX_REQUEST_ID_LENGTH = 128;

// Visible ASCII that is safe in logs, URLs and header values: no spaces, quotes, commas
// (several headers joined), semicolons or control characters.
const REQUEST_ID = /^[A-Za-z0-9._~:/+=@-]+$/;

/**
 * Checks a caller's `x-request-id`: a string of 1 to `maxLength` characters from
 * `A-Z a-z 0-9 . _ ~ : / + = @ -`. Returns the id, or `undefined` when it is missing or
 * breaks the rule (the caller then generates one); it never throws. The bound keeps a hostile
 * client from putting megabytes into every log line.
 *
 * @param value - the `x-request-id` header value; anything but a string (absent, or several
 *   headers as an array) is refused
 * @param maxLength - the longest id accepted, in characters; default
 *   {@link DEFAULT_MAX_REQUEST_ID_LENGTH} (128)
 * @returns the id unchanged when it is valid, else `undefined`
 * @example
 * ```ts
 * parseRequestId('req-42'); // 'req-42'
 * parseRequestId('a b'); // undefined
 * ```
 */
export function parseRequestId(
  value: unknown,
  maxLength: number = DEFAULT_MAX_REQUEST_ID_LENGTH,
): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return undefined;
  return REQUEST_ID.test(value) ? value : undefined;
}
