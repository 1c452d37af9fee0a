import { resolve } from 'node:path';
import { systemClock, type Clock } from '@foundation/core';
import { levelFinishedChannel } from './channels.js';
import type { QualityConfig } from './config/types.js';
import { validateConfig, type ResolvedConfig } from './config/validate.js';
import { qualityError } from './errors.js';
import { runCommand, tail } from './exec.js';

/** How one test level went. */
export interface LevelResult {
  /** The level's name. */
  readonly name: string;
  /** The command it ran. */
  readonly command: string;
  /** What it covers, from the config. */
  readonly description?: string;
  /** `skipped` when an earlier level failed under `bail`. */
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The command's exit code (null when skipped or killed by a signal). */
  readonly exitCode: number | null;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
  /** The end of its output (on failure), for the summary. */
  readonly outputTail?: string;
}

/** The result of {@link runLevels}. */
export interface LevelsReport {
  /** `failed` when any level failed. */
  readonly verdict: 'passed' | 'failed';
  /** How long all levels took, in milliseconds. */
  readonly durationMs: number;
  /** Each level, in order. */
  readonly levels: readonly LevelResult[];
}

/** Options of {@link runLevels}. */
export interface RunLevelsOptions {
  /** The project root (default: the config's `rootDir` against `process.cwd()`). */
  readonly rootDir?: string;
  /** Run only these levels, in the configured order. */
  readonly only?: readonly string[];
  /** Stop at the first failing level (the rest are reported as skipped). */
  readonly bail?: boolean;
  /** Cancels the run. */
  readonly signal?: AbortSignal;
  /** The clock that times the levels (default `systemClock`). */
  readonly clock?: Clock;
  /** Called before each level starts. */
  readonly onStart?: (level: string, index: number, total: number) => void;
  /** Called after each level ends. */
  readonly onEnd?: (result: LevelResult, index: number, total: number) => void;
}

/**
 * Runs the configured test levels in order (unit, integration, contract, performance,
 * chaos...), each timed. A failing level fails the run but the others still run, unless `bail`.
 *
 * @param config - the quality configuration, with `levels`
 * @param options - root, selection, bail, cancellation, clock and progress
 * @returns every level's result and the verdict
 * @throws FoundationError 8101 (`quality_config_invalid`) for a bad config, no levels, or an
 * unknown name in `only`; 8102 when a level's program is not installed
 */
export async function runLevels(
  config: QualityConfig,
  options: RunLevelsOptions = {},
): Promise<LevelsReport> {
  const resolved = validateConfig(config, 'config');
  return runResolvedLevels(resolved, resolve(options.rootDir ?? resolved.rootDir ?? '.'), options);
}

/** {@link runLevels} for an already validated configuration. */
export async function runResolvedLevels(
  config: ResolvedConfig,
  rootDir: string,
  options: RunLevelsOptions = {},
): Promise<LevelsReport> {
  const clock = options.clock ?? systemClock;
  if (config.levels.length === 0) {
    throw qualityError(
      'quality_config_invalid',
      'the config declares no levels',
      'Add levels: [{ name, command }] to the quality config',
      { path: 'levels' },
    );
  }
  for (const name of options.only ?? []) {
    if (!config.levels.some((l) => l.name === name)) {
      throw qualityError(
        'quality_config_invalid',
        `--only names level '${name}', which is not configured (configured: ${config.levels.map((l) => l.name).join(', ')})`,
        'Fix the name or declare the level in the quality config',
        { path: 'only', level: name },
      );
    }
  }
  const selected = config.levels.filter(
    (l) => options.only === undefined || options.only.includes(l.name),
  );
  const start = clock.nowMs();
  const results: LevelResult[] = [];
  let stop = false;
  for (const [index, level] of selected.entries()) {
    const base = {
      name: level.name,
      command: level.command,
      ...(level.description === undefined ? {} : { description: level.description }),
    };
    let result: LevelResult;
    if (stop) {
      result = { ...base, status: 'skipped', exitCode: null, durationMs: 0 };
    } else {
      options.onStart?.(level.name, index, selected.length);
      const levelStart = clock.nowMs();
      const output = await runCommand(level.command, {
        cwd: resolve(rootDir, level.cwd ?? '.'),
        signal: options.signal,
      });
      const passed = output.exitCode === 0;
      result = {
        ...base,
        status: passed ? 'passed' : 'failed',
        exitCode: output.exitCode,
        durationMs: clock.nowMs() - levelStart,
        ...(passed ? {} : { outputTail: tail(output.stdout + output.stderr, 30) }),
      };
      if (!passed && options.bail === true) stop = true;
    }
    results.push(result);
    if (levelFinishedChannel.hasSubscribers) levelFinishedChannel.publish({ result });
    options.onEnd?.(result, index, selected.length);
  }
  return {
    verdict: results.some((r) => r.status === 'failed') ? 'failed' : 'passed',
    durationMs: clock.nowMs() - start,
    levels: results,
  };
}
