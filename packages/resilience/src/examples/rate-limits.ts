/**
 * ElixirScope's default limits, as an example of named limiters: API calls 100 per minute,
 * database queries 500 per minute, file operations 10 per second. Each entry is a
 * `RateLimiterOptions` fragment (`rate` per `per` ms).
 *
 * @example
 * ```ts
 * import { rateLimiter } from '@foundation/resilience';
 * import { elixirScopeRateLimits } from '@foundation/resilience/examples';
 *
 * const apiCalls = rateLimiter(elixirScopeRateLimits.api_calls);
 * ```
 */
export const elixirScopeRateLimits = Object.freeze({
  api_calls: Object.freeze({ rate: 100, per: 60_000 }),
  db_queries: Object.freeze({ rate: 500, per: 60_000 }),
  file_operations: Object.freeze({ rate: 10, per: 1_000 }),
});
