import { generateCorrelationId } from '@foundation/core';
import { parseRequestId } from './request-id.js';
import { parseTraceparent, type TraceParent } from './traceparent.js';

/** Where a request's correlation id came from. */
export type CorrelationSource = 'traceparent' | 'x-request-id' | 'generated';

/** A request's correlation: the id, where it came from, and the caller's trace context. */
export interface Correlation {
  /** The correlation id: the trace id, the caller's request id, or a generated one. */
  readonly id: string;
  /** Where the id came from. */
  readonly source: CorrelationSource;
  /** The caller's valid `traceparent`, when it sent one. */
  readonly traceparent: TraceParent | undefined;
}

/** Request headers as node:http gives them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Picks a request's correlation id: the trace id of a valid W3C `traceparent`, else a valid
 * `x-request-id` (see {@link parseRequestId}), else a newly generated id. Invalid or repeated
 * headers are ignored, never trusted; it never throws.
 *
 * @param headers - the request headers with lower-case names; `traceparent` and
 *   `x-request-id` are read
 * @param maxRequestIdLength - the longest `x-request-id` accepted, in characters; a longer one
 *   is ignored and an id generated instead
 * @returns the correlation id, its source, and the caller's `traceparent` (`undefined` when it
 *   sent no valid one)
 */
export function resolveCorrelation(
  headers: RequestHeaders,
  maxRequestIdLength: number,
): Correlation {
  const traceparent = parseTraceparent(headers.traceparent);
  if (traceparent) return { id: traceparent.traceId, source: 'traceparent', traceparent };
  const requestId = parseRequestId(headers['x-request-id'], maxRequestIdLength);
  if (requestId !== undefined) return { id: requestId, source: 'x-request-id', traceparent };
  return { id: generateCorrelationId(), source: 'generated', traceparent };
}
