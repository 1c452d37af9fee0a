/**
 * The configuration store: typed reads, validated atomic writes on declared paths, change
 * notifications, history and rollback, reload, secret masking; a core `Service` and a
 * `Configurable`.
 */
import { inspect } from 'node:util';
import {
  abortReason,
  err,
  ok,
  systemClock,
  type Clock,
  type Configurable,
  type HealthReport,
  type Result,
  type Service,
  type Timer,
} from '@foundation/core';
import { FoundationError, isForbiddenKey, isFoundationError } from '@foundation/errors';
import type { z } from 'zod';
import { channels } from './channels.js';
import { History, type HistoryEntry } from './history.js';
import { SecretPaths } from './masking.js';
import type {
  ConfigExplanation,
  ConfigOptions,
  ConfigStatus,
  SubscribeOptions,
} from './options.js';
import type { ConfigLayer, ConfigOrigin, OriginMap } from './origins.js';
import { PathIndex } from './path-index.js';
import type { ConfigUpdates, DeepReadonly, Paths, PathValue, SubscribePath } from './paths.js';
import {
  DEFAULT_LIMITS,
  deepEqual,
  deepFreeze,
  toPlainData,
  type DataLimits,
} from './plain-data.js';
import { dataProblem, problemsError } from './problems.js';
import { checkOptions, invalidOption } from './option-checks.js';
import { assertConfigSchema, scanSchema, SchemaNode, type ConfigSchema } from './schema-tree.js';
import { buildSnapshot } from './snapshot-builder.js';
import type { EnvSource } from './sources/env.js';
import {
  readFiles,
  readFilesSync,
  toFileSource,
  type FileRead,
  type FileSource,
} from './sources/files.js';
import { Subscribers, type ChangeSource, type ConfigListener } from './subscribers.js';
import { diff, getAt, leafPaths, type Change, type SegmentChange } from './tree-ops.js';
import { applyWrites, overlay, runtimeProblems, type Write } from './writes.js';

const LAYER_RANK: Readonly<Record<ConfigLayer, number>> = {
  default: 0,
  file: 1,
  env: 2,
  override: 3,
  runtime: 4,
};

/**
 * A typed, validated configuration that can change safely at run time. Create it with
 * {@link createConfig}.
 */
export class ConfigStore<T extends object>
  implements Service, Configurable<DeepReadonly<T>>, AsyncDisposable
{
  /** The service name. */
  readonly name: string;
  readonly #schema: ConfigSchema;
  readonly #root: SchemaNode;
  readonly #files: readonly FileSource[];
  readonly #env: EnvSource | undefined;
  readonly #overrides: unknown;
  readonly #limits: DataLimits;
  readonly #strict: boolean;
  readonly #clock: Clock;
  readonly #reloadIntervalMs: number | undefined;
  readonly #secrets = new SecretPaths();
  readonly #paths: PathIndex;
  readonly #history: History;
  readonly #subscribers: Subscribers;
  #snapshot: Readonly<Record<string, unknown>>;
  #base: { snapshot: Readonly<Record<string, unknown>>; origins: OriginMap };
  #version = 0;
  #updateCount = 0;
  #rejectedCount = 0;
  #lastUpdateMs: number | null = null;
  #lastReloadError: FoundationError | undefined;
  #reloadChain: Promise<unknown> = Promise.resolve();
  #timer: Timer | undefined;
  #started = false;

  /** Use {@link createConfig}; this builds and validates the start value synchronously. */
  constructor(options: ConfigOptions<ConfigSchema>) {
    checkOptions(options);
    assertConfigSchema(options.schema);
    this.name = options.name ?? 'config';
    this.#schema = options.schema;
    this.#root = new SchemaNode(options.schema);
    this.#files = (options.sources?.files ?? []).map(toFileSource);
    this.#env = options.sources?.env;
    this.#overrides = options.sources?.overrides;
    // Checked one by one: a spread would let `{ maxDepth: undefined }` switch a limit off.
    this.#limits = {
      maxDepth: positiveInteger(
        options.limits?.maxDepth,
        DEFAULT_LIMITS.maxDepth,
        'limits.maxDepth',
      ),
      maxBytes: positiveInteger(
        options.limits?.maxBytes,
        DEFAULT_LIMITS.maxBytes,
        'limits.maxBytes',
        true,
      ),
    };
    this.#strict = options.unknownKeys !== 'strip';
    this.#clock = options.clock ?? systemClock;
    this.#reloadIntervalMs = options.reloadIntervalMs;
    const historyLimit = positiveInteger(options.historyLimit, 100, 'historyLimit');
    if (
      this.#reloadIntervalMs !== undefined &&
      !(Number.isFinite(this.#reloadIntervalMs) && this.#reloadIntervalMs > 0)
    ) {
      throw invalidOption('reloadIntervalMs', 'must be a finite number > 0');
    }
    this.#history = new History(historyLimit);
    this.#subscribers = new Subscribers(
      (segments, value) => this.#secrets.mask(value, segments),
      (error, change) => {
        if (channels.listenerFailed.hasSubscribers) {
          channels.listenerFailed.publish({ name: this.name, error, change });
        }
        options.onListenerError?.(error, change);
      },
    );
    const scanned = scanSchema(this.#root, DEFAULT_LIMITS.maxDepth, isForbiddenKey);
    if (scanned.badKey !== undefined) {
      throw invalidOption('schema', `key '${scanned.badKey}' is not allowed`);
    }
    for (const segments of scanned.secrets) this.#secrets.add(segments);
    this.#paths = optionCheck(
      'updatable',
      () => new PathIndex(this.#root, options.updatable ?? []),
    );
    for (const path of options.secrets ?? []) {
      this.#secrets.add(optionCheck('secrets', () => this.#paths.pattern(path)));
    }

    // A schema that throws (a buggy refinement) must still surface as a FoundationError.
    const built = tryConfig(() =>
      buildSnapshot(
        this.#schema,
        this.#layerInputs(readFilesSync(this.#files, this.#limits.maxBytes)),
      ),
    );
    if (!built.ok) throw problemsError('Invalid configuration', built.problems);
    this.#snapshot = built.snapshot;
    this.#base = { snapshot: built.snapshot, origins: built.origins };
    this.#history.reset(0, built.snapshot);
  }

  // ---------------------------------------------------------------- reads

  /** The whole configuration: a deep-frozen snapshot of plain data. */
  get(): DeepReadonly<T>;
  /**
   * The value at a dotted path, typed from the schema. An undeclared path is a compile error
   * and, from untyped callers, a 1301 `config_not_found` error.
   */
  get<P extends Paths<T>>(path: P): DeepReadonly<PathValue<T, P>>;
  get(path?: string): unknown {
    return path === undefined ? this.#snapshot : this.#read(path);
  }

  /**
   * The value at `path`, or `fallback` when it is absent, null, or the path is unknown or
   * refused. Never throws (the seed's `SafeConfig.get_with_fallback`).
   */
  getOr<P extends Paths<T>>(
    path: P,
    fallback: NonNullable<DeepReadonly<PathValue<T, P>>>,
  ): NonNullable<DeepReadonly<PathValue<T, P>>> {
    try {
      return (this.#read(path) ?? fallback) as NonNullable<DeepReadonly<PathValue<T, P>>>;
    } catch {
      return fallback;
    }
  }

  /** True when `path` is declared and currently has a value. Never throws. */
  has(path: string): boolean {
    try {
      return this.#read(path) !== undefined;
    } catch {
      return false;
    }
  }

  /** The current version: 0 at start, one more per change. */
  get version(): number {
    return this.#version;
  }

  /** Which layer supplied the value at `path` (and each leaf below it). */
  explain(path: Paths<T>): ConfigExplanation {
    const info = this.#paths.resolve(path);
    const value = getAt(this.#snapshot, info.segments);
    const leaves = leafPaths(value, info.segments).map((segments) => {
      return { path: segments.join('.'), origin: this.#originOf(segments) };
    });
    let origin = leaves[0]!.origin;
    for (const leaf of leaves) {
      if (LAYER_RANK[leaf.origin.layer] > LAYER_RANK[origin.layer]) origin = leaf.origin;
    }
    return { path: info.path, value: this.#secrets.mask(value, info.segments), origin, leaves };
  }

  /**
   * The secret paths (from the schema and the `secrets` option) in pino's redact syntax, so a
   * logger hides the same values the store masks.
   *
   * @returns one path per secret, e.g. `db.password` or `keys.*`; a key pino cannot name
   *   shortens its path to the parent, which redacts more, never less
   * @example
   * ```ts
   * const logger = createLogger({ redact: config.secretPaths() });
   * ```
   */
  secretPaths(): string[] {
    return this.#secrets.redactPaths();
  }

  /** The recorded changes, oldest first (at most `historyLimit`; secrets masked). */
  history(): HistoryEntry[] {
    return this.#history.entries();
  }

  // ---------------------------------------------------------------- writes

  /**
   * Sets the value at an updatable path. The value is validated against the schema (rules on
   * enclosing objects included) and swapped in atomically; missing parent objects are
   * created. Returns the new version.
   *
   * @throws FoundationError 1401 when the path is not updatable, 1301 when it is not declared,
   *   1101 for a forbidden key, 1201/1202/1203 when the value breaks the schema.
   */
  update<P extends Paths<T>>(path: P, value: PathValue<T, P>): number {
    return this.#guarded('update', path, () => this.#write([[path, value]]));
  }

  /** Applies several updates as one change: all of them or none. Returns the new version. */
  updateMany(entries: ConfigUpdates<T>): number {
    const input: unknown = entries;
    if (typeof input !== 'object' || input === null) {
      const error = new FoundationError(
        'invalid_config_structure',
        'updateMany takes an object of path → value',
        { context: { path: '', rule: 'updates_object' } },
      );
      throw this.#rejected('updateMany', '', error);
    }
    const paths = Object.keys(input);
    return this.#guarded('updateMany', paths[0] ?? '', () =>
      this.#write(paths.map((path) => [path, (input as Record<string, unknown>)[path]] as const)),
    );
  }

  /**
   * Like {@link ConfigStore.update} but never throws (the seed's `SafeConfig.safe_update`):
   * returns whether the update was applied and gives a refusal to `onError`.
   */
  safeUpdate<P extends Paths<T>>(
    path: P,
    value: PathValue<T, P>,
    onError?: (error: FoundationError) => void,
  ): boolean {
    try {
      this.update(path, value);
      return true;
    } catch (error) {
      onError?.(toConfigError(error));
      return false;
    }
  }

  /** Returns to the layered start value (sources and defaults), as one change. */
  reset(): number {
    return this.#replace(this.#base.snapshot, 'reset');
  }

  /**
   * Restores the snapshot of an earlier (or the start) version, as a new change.
   *
   * @throws FoundationError 1301 when that version is no longer in history.
   */
  rollback(version: number): number {
    return this.#guarded('rollback', '', () => {
      const snapshot = this.#history.snapshotOf(version);
      if (snapshot === undefined) {
        throw new FoundationError('config_not_found', `version ${version} is not in history`, {
          context: {
            path: '',
            rule: 'history',
            version,
            oldestVersion: this.#history.oldestVersion,
          },
        });
      }
      return this.#replace(snapshot as Readonly<Record<string, unknown>>, 'rollback');
    });
  }

  /**
   * Re-reads files and environment, validates, and applies the difference as one change.
   * Runtime updates are kept on top of the new values; if they no longer fit, or the sources
   * are invalid, nothing changes and the error is thrown (and reported by `health`). When
   * `signal` aborts, the reload gives up with the signal's reason and nothing changes.
   */
  async reload(options: { readonly signal?: AbortSignal } = {}): Promise<number> {
    const run = this.#reloadChain.then(() => this.#reloadOnce(options.signal));
    this.#reloadChain = run.catch(() => undefined);
    return run;
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Calls `listener` for every change at or below `path` (`'*'`: every change) with the path,
   * old and new value and the version. Returns the unsubscribe function (safe to call twice).
   */
  subscribe(
    path: SubscribePath<T>,
    listener: ConfigListener,
    options: SubscribeOptions = {},
  ): () => void {
    const segments = path === '*' ? undefined : this.#paths.resolve(path).segments;
    const signal = options.signal;
    if (signal?.aborted) return () => undefined;
    const remove = this.#subscribers.add(segments, listener);
    if (!signal) return remove;
    const onAbort = (): void => {
      remove();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return () => {
      signal.removeEventListener('abort', onAbort);
      remove();
    };
  }

  // ---------------------------------------------------------------- Configurable

  /** The current configuration (same as `get()`). */
  getConfig(): DeepReadonly<T> {
    return this.#snapshot as DeepReadonly<T>;
  }

  /**
   * Checks a whole candidate configuration against the schema without applying it. Never
   * throws: even a failure of the schema itself comes back as an `err`.
   */
  validateConfig(candidate: unknown): Result<DeepReadonly<T>, FoundationError> {
    try {
      return this.#validate(candidate);
    } catch (error) {
      return err(toConfigError(error));
    }
  }

  #validate(candidate: unknown): Result<DeepReadonly<T>, FoundationError> {
    const plain = toPlainData(candidate, this.#limits);
    if (!plain.ok) {
      const problem = dataProblem(plain.problem, { layer: 'runtime' });
      return err(problemsError('Invalid configuration', [problem]));
    }
    const parsed = this.#schema.safeParse(plain.value);
    if (parsed.success) return ok(deepFreeze(parsed.data) as DeepReadonly<T>);
    const problems = runtimeProblems(parsed.error, [], plain.value);
    return err(problemsError('Invalid configuration', problems));
  }

  // ---------------------------------------------------------------- Service

  /** Starts the periodic reload when `reloadIntervalMs` was given. */
  start(signal: AbortSignal): void {
    if (signal.aborted) throw abortReason(signal);
    if (this.#started) return;
    this.#started = true;
    const interval = this.#reloadIntervalMs;
    if (interval !== undefined) {
      this.#timer = this.#clock.setInterval(() => {
        // A failed reload is reported by health() and the rejected channel.
        this.reload().catch(() => undefined);
      }, interval);
    }
  }

  /** Stops the periodic reload and waits for one in flight. Safe to call twice. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#reloadChain;
  }

  /** Same as {@link ConfigStore.stop}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Healthy, or degraded while the last reload failed (the last good values stay in use). */
  health(): HealthReport {
    const error = this.#lastReloadError;
    if (error) {
      return {
        status: 'degraded',
        message: `last reload failed: ${error.message}`,
        details: { version: this.#version, code: error.code },
      };
    }
    return { status: 'healthy', details: { version: this.#version } };
  }

  /** Version, update count, last update, subscriber count and more. */
  status(): ConfigStatus {
    return {
      version: this.#version,
      updateCount: this.#updateCount,
      rejectedCount: this.#rejectedCount,
      lastUpdateMs: this.#lastUpdateMs,
      subscriberCount: this.#subscribers.size,
      historySize: this.#history.size,
      started: this.#started,
    };
  }

  // ---------------------------------------------------------------- output

  /** The configuration as JSON data, secrets masked. */
  toJSON(): unknown {
    return this.#secrets.mask(this.#snapshot, []);
  }

  /** `util.inspect` shows the masked configuration. */
  [inspect.custom](_depth: number, options: object): string {
    return `ConfigStore(${this.name}) v${this.#version} ${inspect(this.toJSON(), options)}`;
  }

  // ---------------------------------------------------------------- internals

  /** The hot read path: a cached path's compiled walk over the current snapshot. */
  #read(path: string): unknown {
    return this.#paths.read(path, this.#snapshot);
  }

  #layerInputs(reads: readonly FileRead[]) {
    return {
      root: this.#root,
      files: this.#files,
      reads,
      env: this.#env,
      overrides: this.#overrides,
      limits: this.#limits,
      strict: this.#strict,
    };
  }

  #originOf(segments: readonly string[]): ConfigOrigin {
    const path = segments.join('.');
    if (deepEqual(getAt(this.#snapshot, segments), getAt(this.#base.snapshot, segments))) {
      return this.#base.origins.lookup(path);
    }
    const version = this.#history.lastVersionTouching(path);
    return version === undefined ? { layer: 'runtime' } : { layer: 'runtime', version };
  }

  /** Runs a write; a refusal is counted and published before it is thrown. */
  #guarded(operation: string, path: string, write: () => number): number {
    try {
      return write();
    } catch (error) {
      throw this.#rejected(operation, path, error);
    }
  }

  #rejected(operation: string, path: string, error: unknown): FoundationError {
    const failure = toConfigError(error);
    this.#rejectedCount++;
    if (channels.rejected.hasSubscribers) {
      channels.rejected.publish({ name: this.name, operation, path, error: failure });
    }
    return failure;
  }

  #prepare(path: string, value: unknown): Write {
    const info = this.#paths.resolve(path);
    if (!info.updatable) {
      throw new FoundationError('config_update_forbidden', `'${path}' is not updatable`, {
        context: { path, rule: 'updatable' },
      });
    }
    const plain = toPlainData(value, this.#limits);
    if (!plain.ok) {
      const problem = dataProblem(plain.problem, { layer: 'runtime' }, path);
      throw new FoundationError(
        problem.codeName,
        `Config update refused at '${problem.path}': ${problem.message}`,
        { context: { path: problem.path, rule: problem.rule } },
      );
    }
    return { info, value: plain.value };
  }

  #write(entries: readonly (readonly [string, unknown])[]): number {
    if (entries.length === 0) return this.#version;
    const result = applyWrites(
      this.#snapshot,
      entries.map(([path, value]) => this.#prepare(path, value)),
    );
    if (!result.ok) {
      throw problemsError('Config update refused', result.problems, { operation: 'update' });
    }
    this.#updateCount++;
    return this.#commit(result.snapshot, result.changes, 'update');
  }

  #replace(target: Readonly<Record<string, unknown>>, source: ChangeSource): number {
    const changes = diff(this.#snapshot, target);
    if (changes.length === 0) return this.#version;
    return this.#commit(target, changes, source);
  }

  async #reloadOnce(signal: AbortSignal | undefined): Promise<number> {
    try {
      if (signal?.aborted) throw abortReason(signal);
      const reads = await readFiles(this.#files, this.#limits.maxBytes, signal);
      if (signal?.aborted) throw abortReason(signal);
      const built = buildSnapshot(this.#schema, this.#layerInputs(reads));
      if (!built.ok) throw problemsError('Reload refused', built.problems);
      // Keep what was changed at run time on top of the new values.
      const kept = overlay(this.#schema, built.snapshot, diff(this.#base.snapshot, this.#snapshot));
      if (!kept.ok) {
        throw problemsError('Reload refused: runtime updates no longer fit', kept.problems);
      }
      this.#base = { snapshot: built.snapshot, origins: built.origins };
      this.#lastReloadError = undefined;
      return this.#replace(kept.snapshot, 'reload');
    } catch (error) {
      // Giving up on request is the caller's choice, not a failed reload.
      if (signal?.aborted) throw error;
      const failure = this.#rejected('reload', '', error);
      this.#lastReloadError = failure;
      throw failure;
    }
  }

  #commit(
    snapshot: Readonly<Record<string, unknown>>,
    changes: readonly SegmentChange[],
    source: ChangeSource,
  ): number {
    this.#snapshot = snapshot;
    const version = ++this.#version;
    const timestampMs = this.#clock.wallMs();
    this.#lastUpdateMs = timestampMs;
    const masked: Change[] = changes.map((change) => ({
      path: change.segments.join('.'),
      oldValue: this.#secrets.mask(change.oldValue, change.segments),
      newValue: this.#secrets.mask(change.newValue, change.segments),
    }));
    this.#history.push(Object.freeze({ version, timestampMs, source, changes: masked }), snapshot);
    const target = source === 'reload' ? channels.reloaded : channels.updated;
    if (target.hasSubscribers) {
      target.publish({ name: this.name, version, source, changes: masked });
    }
    this.#subscribers.notify(changes, version, source);
    return version;
  }
}

/** A positive integer option (or Infinity when `allowInfinity`); `fallback` when absent. */
function positiveInteger(
  value: number | undefined,
  fallback: number,
  option: string,
  allowInfinity = false,
): number {
  if (value === undefined) return fallback;
  const valid = (Number.isSafeInteger(value) || (allowInfinity && value === Infinity)) && value > 0;
  if (!valid) {
    throw invalidOption(option, `must be a positive integer${allowInfinity ? ' or Infinity' : ''}`);
  }
  return value;
}

function toConfigError(error: unknown): FoundationError {
  if (isFoundationError(error)) return error;
  return new FoundationError('internal_error', 'unexpected failure in the config store', {
    cause: error,
    context: { path: '', rule: 'internal' },
  });
}

/** Runs `fn`; anything it throws comes out as a FoundationError (see {@link toConfigError}). */
function tryConfig<R>(fn: () => R): R {
  try {
    return fn();
  } catch (error) {
    throw toConfigError(error);
  }
}

/** Runs an option check; a refusal becomes an error naming the option. */
function optionCheck<R>(option: string, check: () => R): R {
  try {
    return check();
  } catch (error) {
    throw invalidOption(option, 'names a path that is not declared', error);
  }
}

/**
 * Creates a configuration store: layers the sources (schema defaults < files < environment
 * < overrides), validates everything at once, and returns the typed store.
 *
 * @param options - the zod schema, and optionally the sources (files, environment,
 *   overrides), the updatable and secret paths, the service name (default `config`), the
 *   history limit (default 100), data limits, unknown-key handling (default `error`), the
 *   clock and the reload interval in milliseconds (no reloading when absent)
 * @returns the store, already loaded and valid, typed by the schema's output; its reload
 *   timer runs only once it is started as a service
 * @throws FoundationError listing every problem (path, rule, layer) when the configuration is
 *   invalid: 1101 structure, 1102 missing, 1201/1202/1203 values, 1301 missing files.
 * @example
 * ```ts
 * const config = createConfig({
 *   schema: z.object({ port: z.number().int().default(8080) }),
 *   sources: { env: { prefix: 'APP_' } },
 *   updatable: ['port'],
 * });
 * config.get('port'); // number
 * ```
 */
export function createConfig<S extends ConfigSchema>(
  options: ConfigOptions<S>,
): ConfigStore<z.output<S>> {
  return new ConfigStore<z.output<S>>(options);
}
