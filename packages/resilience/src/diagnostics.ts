import { channel } from 'node:diagnostics_channel';

// The package's diagnostics channels. Publishers check `hasSubscribers` before building a
// message, so an unobserved policy pays nothing.

/** Circuit breaker state changes. */
export const breakerChannel = channel('foundation:resilience:breaker');
/** A retry was scheduled (attempt, delay, error). */
export const retryChannel = channel('foundation:resilience:retry');
/** A timeout policy gave up on a call. */
export const timeoutChannel = channel('foundation:resilience:timeout');
/** A bulkhead refused a call (full or queue wait too long). */
export const bulkheadChannel = channel('foundation:resilience:bulkhead');
/** A rate limiter refused a call, or its adaptive rate changed. */
export const rateLimitChannel = channel('foundation:resilience:rate-limit');
/** A fallback served its value instead of the failed call's. */
export const fallbackChannel = channel('foundation:resilience:fallback');
/** A caller's callback threw (a state-change listener or a predicate); the policy carried on. */
export const listenerErrorChannel = channel('foundation:resilience:listener-error');
