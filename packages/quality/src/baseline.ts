import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { systemClock, type Clock } from '@foundation/core';
import { toBaseline, type Baseline } from './bench-results.js';
import type { QualityConfig } from './config/types.js';
import { validateConfig, type ResolvedConfig } from './config/validate.js';
import { qualityError } from './errors.js';
import { runBenchmarks } from './gates/performance.js';

/** Options of {@link recordBaseline}. */
export interface RecordBaselineOptions {
  /** The project root (default: the config's `rootDir` against `process.cwd()`). */
  readonly rootDir?: string;
  /** Cancels the benchmark run. */
  readonly signal?: AbortSignal;
  /** The clock whose wall time stamps the baseline (default `systemClock`). */
  readonly clock?: Clock;
}

/**
 * Runs the performance gate's benchmarks and stores their ratios as the new baseline.
 *
 * @param config - the quality configuration, with `gates.performance`
 * @param options - root, cancellation and clock
 * @returns the baseline written and the file it went to
 * @throws FoundationError 8101 (`quality_config_invalid`) when the performance gate is not
 * configured; 8102/8103 when the benchmarks cannot run or write no results
 */
export async function recordBaseline(
  config: QualityConfig,
  options: RecordBaselineOptions = {},
): Promise<{ baseline: Baseline; file: string }> {
  const resolved = validateConfig(config, 'config');
  return recordResolvedBaseline(
    resolved,
    resolve(options.rootDir ?? resolved.rootDir ?? '.'),
    options,
  );
}

/** {@link recordBaseline} for an already validated configuration. */
export async function recordResolvedBaseline(
  config: ResolvedConfig,
  rootDir: string,
  options: RecordBaselineOptions = {},
): Promise<{ baseline: Baseline; file: string }> {
  const performance = config.gates.performance;
  if (performance === undefined) {
    throw qualityError(
      'quality_config_invalid',
      'gates.performance is not configured',
      'Add gates.performance: { command } to the quality config',
      {
        path: 'gates.performance',
      },
    );
  }
  const results = await runBenchmarks(
    performance,
    rootDir,
    options.signal ?? new AbortController().signal,
  );
  const clock = options.clock ?? systemClock;
  const baseline = toBaseline(results, new Date(clock.wallMs()).toISOString());
  const file = resolve(rootDir, performance.baseline);
  await mkdir(dirname(file), { recursive: true });
  // Written beside and renamed, so an interrupted run never leaves half a baseline.
  await writeFile(`${file}.tmp`, `${JSON.stringify(baseline, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return { baseline, file };
}
