/**
 * `@foundation/resilience`: composable resilience policies — circuit breaker, retry, timeout,
 * bulkhead, rate limiter and fallback — sharing one shape (`execute` / `executeResult`),
 * composed with `pipeline`, driven by an injected clock and reporting on diagnostics channels.
 *
 * Diagnostics channels: `foundation:resilience:breaker`, `foundation:resilience:retry`,
 * `foundation:resilience:timeout`, `foundation:resilience:bulkhead`,
 * `foundation:resilience:rate-limit`, `foundation:resilience:fallback`,
 * `foundation:resilience:listener-error`.
 *
 * @packageDocumentation
 */
export { ResilienceErrors } from './errors.js';
export type { ExecuteContext, ExecuteOptions, Operation } from './context.js';
export { pipeline, type Policy, type PolicyExtra } from './policy.js';
export {
  constantBackoff,
  exponentialBackoff,
  linearBackoff,
  type Backoff,
  type ExponentialBackoffOptions,
  type Jitter,
  type JitterOptions,
  type LinearBackoffOptions,
} from './backoff.js';
export { retry, type RetryOptions, type RetryPolicy, type RetryStopReason } from './retry/retry.js';
export { retryBudget, type RetryBudget, type RetryBudgetOptions } from './retry/retry-budget.js';
export { parseRetryAfter, retryAfterHintMs } from './retry/retry-after.js';
export {
  timeout,
  type TimeoutOptions,
  type TimeoutPolicy,
  type TimeoutStrategy,
} from './timeout.js';
export { bulkhead, type BulkheadOptions, type BulkheadPolicy } from './bulkhead.js';
export {
  consecutive,
  countWindow,
  defineTripRule,
  timeWindow,
  type ConsecutiveRule,
  type CountWindowRule,
  type CustomTripRule,
  type TimeWindowRule,
  type Tracker,
  type TripRule,
  type TripRuleKind,
  type WindowStats,
} from './breaker/trip-rules.js';
export {
  circuitBreaker,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateChange,
  type BreakerStats,
  type BreakerTransitionReason,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from './breaker/circuit-breaker.js';
export {
  breakerRegistry,
  callWithBreaker,
  defaultBreakerRegistry,
  type BreakerRegistry,
  type BreakerRegistryOptions,
  type CallWithBreakerOptions,
} from './breaker/registry.js';
export {
  rateLimiter,
  type AcquireOptions,
  type AdaptiveOptions,
  type RateDecision,
  type RateLimiter,
  type RateLimiterOptions,
} from './rate-limit/rate-limiter.js';
export {
  memoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
  type RateLimitStore,
} from './rate-limit/store.js';
export type { BucketLimit } from './rate-limit/token-bucket.js';
export {
  failureReason,
  fallback,
  type FailureReason,
  type FallbackInfo,
  type FallbackOptions,
} from './fallback.js';

// Supervision and self-healing (also its own entry, @foundation/resilience/supervision)
export * from './supervision/index.js';
