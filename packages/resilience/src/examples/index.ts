/**
 * `@foundation/resilience/examples`: example settings ported from ElixirScope's Foundation
 * layer, kept out of the root entry so the library itself carries no sample data.
 *
 * @packageDocumentation
 */
export { elixirScopeRateLimits } from './rate-limits.js';
