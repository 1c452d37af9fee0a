/**
 * `@foundation/errors`: structured errors with registered codes, an error context that follows
 * async calls, lossless JSON, and Result bridges.
 *
 * Diagnostics channels: `foundation:errors:created` ({ error }) whenever a FoundationError is
 * constructed, `foundation:errors:codes-registered` ({ codes }) when codes are defined.
 *
 * @packageDocumentation
 */
export { defineErrorCodes } from './define-codes.js';
export {
  ErrorCodes,
  getErrorCode,
  listErrorCodes,
  type DefinedErrorCodes,
  type ErrorCategory,
  type ErrorCode,
  type ErrorCodeName,
  type ErrorCodeRegistry,
  type ErrorCodeSpec,
  type RetryStrategy,
  type Severity,
} from './codes.js';
export {
  FoundationError,
  isFoundationError,
  type FoundationErrorOptions,
} from './foundation-error.js';
export {
  addBreadcrumb,
  currentContext,
  currentCorrelationId,
  MAX_BREADCRUMBS,
  type Breadcrumb,
  type ContextOptions,
  type ErrorContextSnapshot,
} from './context.js';
export { withContext } from './with-context.js';
export { findCause, fromPromise, toFoundationError, tryCatch, wrap } from './helpers.js';
export {
  isRetryable,
  retryDelayMs,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  shouldEscalate,
} from './retry.js';
export {
  deserializeError,
  serializeError,
  type DeserializeErrorOptions,
  type SerializedError,
  type SerializeErrorOptions,
} from './serialize.js';
export { isForbiddenKey, toJsonSafe } from './json-safe.js';
export { safeInspect, safeStringify } from './inspect.js';
