/**
 * `@foundation/config`: typed, validated, layered configuration that can change safely at run
 * time. Sources (schema defaults < files < environment < overrides) are validated by a zod v4
 * schema at start-up; dotted paths are typed from the schema; updates are limited to declared
 * paths, validated and atomic; changes are versioned, observable and reversible; secrets are
 * masked in every output.
 *
 * Diagnostics channels: `foundation:config:updated`, `foundation:config:rejected`,
 * `foundation:config:reloaded`, `foundation:config:listener-failed`.
 *
 * @packageDocumentation
 */
export { ConfigStore, createConfig } from './store.js';
export type {
  ConfigExplanation,
  ConfigOptions,
  ConfigSources,
  ConfigStatus,
  DeepPartial,
  SubscribeOptions,
} from './options.js';
export type {
  ConfigUpdates,
  DeepReadonly,
  PathChild,
  PathLeaf,
  Paths,
  PathValue,
  PlainPrimitive,
  SubscribePath,
  UpdatablePath,
} from './paths.js';
export type { ChangeSource, ConfigChange, ConfigListener } from './subscribers.js';
export type { HistoryEntry } from './history.js';
export type { Change } from './tree-ops.js';
export type { ConfigLayer, ConfigOrigin } from './origins.js';
export type { ConfigProblem } from './problems.js';
export type { ConfigSchema } from './schema-tree.js';
export type { DataLimits } from './plain-data.js';
export type { EnvSource } from './sources/env.js';
export type { FileSource } from './sources/files.js';
export { REDACTED } from './masking.js';
export { CONFIG_CHANNELS } from './channels.js';
