import { STATUS_CODES } from 'node:http';
import { ErrorCodes, FoundationError } from '@foundation/errors';

/** The media type of RFC 9457 problem details. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An RFC 9457 problem details object, with Foundation's members: the error's `code`,
 * `codeName`, `category` and the request's `correlationId`. Client errors (4xx) also carry
 * the error's message as `detail` and, for refused input, the `path` and `rule`; server
 * errors carry neither. There is never a stack, a cause or an error context.
 */
export interface ProblemDetails {
  /** A URI naming the problem type; `about:blank` unless a type base was configured. */
  readonly type: string;
  /** The HTTP status phrase. */
  readonly title: string;
  /** The HTTP status code. */
  readonly status: number;
  /** What went wrong, for people (client errors only). */
  readonly detail?: string;
  /** The Foundation error code (such as 3204). */
  readonly code: number;
  /** The code's name (such as `invalid_input`). */
  readonly codeName: string;
  /** The code's category (such as `data`). */
  readonly category: string;
  /** The request's correlation id, to find its logs. */
  readonly correlationId?: string;
  /** For refused input: where in the input. */
  readonly path?: string;
  /** For refused input: the rule it broke. */
  readonly rule?: string;
}

/** A response ready to write: status, headers and body text. */
export interface HttpReply {
  /** The HTTP status code. */
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body text (not written for `HEAD`). */
  readonly body: string;
}

/** Maps an error to a status, or `undefined` to use the default mapping. */
export type StatusMapper = (error: FoundationError) => number | undefined;

/** Options of {@link toProblem}. */
export interface ProblemOptions {
  /** The request's correlation id. */
  readonly correlationId?: string;
  /** Your own mapping, asked first. */
  readonly statusFor?: StatusMapper;
  /** When set, `type` is this base followed by the code name (`https://errors.example/` …). */
  readonly typeBase?: string;
}

// Codes whose meaning is an HTTP status, by name; anything else is 500.
const STATUS_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['invalid_config_structure', 400],
  ['missing_required_field', 400],
  ['invalid_config_value', 400],
  ['constraint_violation', 400],
  ['range_error', 400],
  ['config_not_found', 404],
  ['config_update_forbidden', 403],
  ['data_too_large', 413],
  ['service_unavailable', 503],
  ['resource_exhausted', 503],
  ['dependency_failed', 502],
  ['deserialization_failed', 400],
  ['type_mismatch', 400],
  ['format_error', 400],
  ['validation_failed', 400],
  ['invalid_input', 400],
  ['data_not_found', 404],
  ['network_error', 502],
  ['external_service_error', 502],
  ['timeout', 504],
  ['authentication_failed', 401],
  ['circuit_open', 503],
  ['rate_limited', 429],
  ['bulkhead_full', 503],
  ['timed_out', 504],
  ['http_malformed_request', 400],
  ['http_method_not_allowed', 405],
  ['http_route_not_found', 404],
]);

/**
 * The HTTP status for a FoundationError by its code: validation and malformed input 400,
 * `authentication_failed` 401, `config_update_forbidden` 403, not found 404, method not
 * allowed 405, `data_too_large` 413, `rate_limited` 429, external failures 502, unavailable,
 * open breakers and full bulkheads 503, timeouts 504; every other code 500.
 *
 * @param error - the error whose code name (`codeName`) picks the status
 * @returns the HTTP status code, 400 to 504; 500 for a code with no HTTP meaning
 */
export function statusForError(error: FoundationError): number {
  return STATUS_BY_NAME.get(error.codeName) ?? 500;
}

/** A framework's own client error (body parsers, routers) says its status this way. */
function frameworkClientStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof statusCode === 'number' ? statusCode : status;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500
    ? value
    : undefined;
}

function checkedStatus(status: number | undefined): number | undefined {
  return status !== undefined && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}

function retryAfterSeconds(error: FoundationError): string | undefined {
  const ms = error.context.retryAfterMs;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * Turns anything thrown into an RFC 9457 `application/problem+json` reply. A FoundationError
 * gets its status from `statusFor` (when it answers with a 4xx or 5xx), else
 * {@link statusForError}; its `context.retryAfterMs` becomes `Retry-After` (seconds, rounded
 * up). Anything else is a generic 500 `internal_error`, except a framework error carrying a
 * 4xx `status`/`statusCode` (a body parser's 413, Fastify's validation 400), which keeps its
 * status as `invalid_input` without its message. Never throws.
 *
 * @param error - whatever was thrown or rejected; only a FoundationError's message, `path` and
 *   `rule` reach the body, and only for a 4xx
 * @param options - the correlation id to include, your own status mapping, and the base of
 *   the `type` URI; by default no correlation id, the built-in mapping and `about:blank`
 * @returns the status, headers (`content-type` {@link PROBLEM_CONTENT_TYPE}, `cache-control:
 *   no-store`, and `retry-after` for a 429 or 503 that carries `retryAfterMs`) and the JSON body
 */
export function toProblem(error: unknown, options: ProblemOptions = {}): HttpReply {
  let status = 500;
  let known: FoundationError | undefined;
  if (FoundationError.is(error)) {
    known = error;
    let mapped: number | undefined;
    try {
      mapped = checkedStatus(options.statusFor?.(error));
    } catch {
      // A throwing mapper must not turn an error response into a crash: the default applies.
      mapped = undefined;
    }
    status = mapped ?? statusForError(error);
  } else {
    status = frameworkClientStatus(error) ?? 500;
  }
  const fallback = status < 500 ? ErrorCodes.invalid_input : ErrorCodes.internal_error;
  const codeName = known ? known.codeName : fallback.name;
  const problem: Record<string, unknown> = {
    type: options.typeBase === undefined ? 'about:blank' : `${options.typeBase}${codeName}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code: known ? known.code : fallback.code,
    codeName,
    category: known ? known.category : fallback.category,
  };
  if (options.correlationId !== undefined) problem.correlationId = options.correlationId;
  if (known && status < 500) {
    problem.detail = known.message;
    const { path, rule } = known.context;
    if (typeof path === 'string') problem.path = path;
    if (typeof rule === 'string') problem.rule = rule;
  }
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'cache-control': 'no-store',
  };
  const retryAfter =
    known && (status === 429 || status === 503) ? retryAfterSeconds(known) : undefined;
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  return { status, headers, body: JSON.stringify(problem) };
}
