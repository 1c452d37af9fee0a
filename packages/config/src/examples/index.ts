/**
 * `@foundation/config/examples`: the seed's example configuration (ElixirScope's
 * `Foundation.Config`) as a zod schema with its runtime-updatable paths. A subpath of its own,
 * so importing `@foundation/config` builds no schema: the root entry has no side effects.
 *
 * @packageDocumentation
 */
export {
  elixirScopeExampleSchema,
  elixirScopeUpdatablePaths,
  type ElixirScopeExampleConfig,
} from './elixir-scope.js';
