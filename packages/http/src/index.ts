/**
 * `@foundation/http`: the glue an HTTP service needs, over node:http — per-request correlation
 * (W3C `traceparent`, `x-request-id`), request metrics under the OpenTelemetry HTTP semantic
 * conventions, `/metrics` in the Prometheus and OpenMetrics formats, `/livez` `/readyz`
 * `/healthz`, RFC 9457 problem+json errors, `RateLimit` headers and a graceful drain. The
 * Express and Fastify adapters are `@foundation/http/express` and `@foundation/http/fastify`.
 *
 * Diagnostics channels: `foundation:http:request`, `foundation:http:drain`.
 *
 * @packageDocumentation
 */
export { HttpErrors } from './codes.js';
export {
  createHttpFoundation,
  type BeginOptions,
  type BuiltinRoute,
  type BuiltinRoutePaths,
  type DrainableServer,
  type DrainOptions,
  type DrainReport,
  type HandlerOptions,
  type HttpFoundation,
  type HttpFoundationOptions,
  type RequestContext,
  type RequestHandler,
  type RequestScope,
} from './http-foundation.js';
export { parseTraceparent, MAX_TRACEPARENT_LENGTH, type TraceParent } from './traceparent.js';
export { parseRequestId, DEFAULT_MAX_REQUEST_ID_LENGTH } from './request-id.js';
export {
  resolveCorrelation,
  type Correlation,
  type CorrelationSource,
  type RequestHeaders,
} from './correlation.js';
export {
  negotiateMetricsFormat,
  parseAccept,
  MAX_MEDIA_RANGES,
  type MediaRange,
  type MetricsFormat,
} from './accept.js';
export { OPENMETRICS_CONTENT_TYPE, toOpenMetricsText } from './openmetrics.js';
export {
  PROBLEM_CONTENT_TYPE,
  statusForError,
  toProblem,
  type HttpReply,
  type ProblemDetails,
  type ProblemOptions,
  type StatusMapper,
} from './problem.js';
export {
  HTTP_DURATION_BUCKETS,
  HTTP_SERVER_REQUEST_DURATION,
  normalizeMethod,
} from './request-metrics.js';
export { type RateLimitOptions, type RateLimitOutcome } from './rate-limit.js';
export { parseRequestTarget, MAX_TARGET_LENGTH, type RequestTarget } from './request-target.js';
export { httpChannels } from './diagnostics.js';
