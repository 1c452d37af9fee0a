/** The options and report types of the config store. */
import type { Clock } from '@foundation/core';
import type { z } from 'zod';
import type { ConfigOrigin } from './origins.js';
import type { UpdatablePath } from './paths.js';
import type { DataLimits } from './plain-data.js';
import type { ConfigSchema } from './schema-tree.js';
import type { EnvSource } from './sources/env.js';
import type { FileSource } from './sources/files.js';
import type { ConfigChange } from './subscribers.js';

/** `T` with every property optional at every level (what overrides may give). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** The sources of a configuration, lowest precedence first (schema defaults are below all). */
export interface ConfigSources<Input> {
  /** JSON or YAML files, later ones win. */
  readonly files?: readonly (string | FileSource)[];
  /** Environment variables (`prefix`, nesting `separator`); off unless given. */
  readonly env?: EnvSource;
  /** Explicit values that win over every other source. */
  readonly overrides?: DeepPartial<Input>;
}

/** What `createConfig` takes. */
export interface ConfigOptions<S extends ConfigSchema> {
  /** The zod v4 object schema: shape, defaults, rules (refinements included). */
  readonly schema: S;
  /** Where values come from. */
  readonly sources?: ConfigSources<z.input<S>>;
  /**
   * The paths `update` may change: exact paths, `'<path>.*'` for a whole subtree (an
   * application's own namespace), or `'*'` for everything. Nothing is updatable by default.
   */
  readonly updatable?: readonly (UpdatablePath<z.output<S>> | '*')[];
  /**
   * Paths whose values are secret (their subtrees too); `*` matches any record key. Values
   * marked `.meta({ secret: true })` in the schema are secret as well.
   */
  readonly secrets?: readonly string[];
  /** The service name (`config` by default). */
  readonly name?: string;
  /** How many changes `history()` keeps and `rollback` can go back over (100 by default). */
  readonly historyLimit?: number;
  /** Limits on written values and files (depth 32, 1 MiB by default). */
  readonly limits?: Partial<DataLimits>;
  /** `error` (default) reports keys the schema does not declare; `strip` drops them. */
  readonly unknownKeys?: 'error' | 'strip';
  /** The clock for timestamps and the reload timer (`systemClock` by default). */
  readonly clock?: Clock;
  /** When set, the started service reloads its sources at this interval. */
  readonly reloadIntervalMs?: number;
  /** Told when a listener throws (the change stands and other listeners still run). */
  readonly onListenerError?: (error: unknown, change: ConfigChange) => void;
}

/** What `explain` says about a path. */
export interface ConfigExplanation {
  /** The path explained. */
  readonly path: string;
  /** Its current value (secrets masked). */
  readonly value: unknown;
  /** The layer that supplied it; for an object, the highest layer among its leaves. */
  readonly origin: ConfigOrigin;
  /** The origin of each leaf under the path (the path itself for a leaf). */
  readonly leaves: readonly { readonly path: string; readonly origin: ConfigOrigin }[];
}

/** Facts for status pages. */
export interface ConfigStatus extends Readonly<Record<string, unknown>> {
  /** The current version (0 at start, +1 per change). */
  readonly version: number;
  /** Accepted `update` / `updateMany` calls. */
  readonly updateCount: number;
  /** Refused updates, reloads and rollbacks. */
  readonly rejectedCount: number;
  /** When the last change happened (wall clock, epoch ms), or null. */
  readonly lastUpdateMs: number | null;
  /** Listeners subscribed. */
  readonly subscriberCount: number;
  /** Changes kept in history. */
  readonly historySize: number;
  /** Whether the service is started. */
  readonly started: boolean;
}

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** Unsubscribes when it aborts. */
  readonly signal?: AbortSignal;
}
