import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ratiosOf,
  readBaseline,
  readBenchResults,
  type Baseline,
  type BenchSuiteResult,
} from '../bench-results.js';
import type { ResolvedGates } from '../config/validate.js';
import { qualityError } from '../errors.js';
import { runCommand, tail } from '../exec.js';
import type { ChartBar, Evidence, Gate, GateOutcome } from '../model.js';
import { relativePath } from '../packages.js';
import { compareSamples, type Comparison } from '../stats.js';

type PerformanceOptions = NonNullable<ResolvedGates['performance']>;

/**
 * Runs the benchmark command with `FOUNDATION_BENCH_JSON` and `FOUNDATION_BENCH_ROUNDS` set
 * and returns the results bench-kit wrote.
 *
 * @throws FoundationError 8103 (`quality_input_unreadable`) when the command wrote no results
 */
export async function runBenchmarks(
  options: PerformanceOptions,
  rootDir: string,
  signal: AbortSignal,
): Promise<BenchSuiteResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'foundation-quality-bench-'));
  try {
    const output = await runCommand(options.command, {
      cwd: rootDir,
      signal,
      env: {
        ...process.env,
        FOUNDATION_BENCH_JSON: dir,
        FOUNDATION_BENCH_ROUNDS: String(options.rounds),
      },
    });
    const results = readBenchResults(dir);
    if (results.length === 0) {
      throw qualityError(
        'quality_input_unreadable',
        `\`${options.command}\` wrote no benchmark results (exit code ${String(output.exitCode)}): ${tail(output.stdout + output.stderr, 5)}`,
        'Make the benchmarks use @foundation/bench-kit (or write the same JSON to FOUNDATION_BENCH_JSON)',
        { command: options.command },
      );
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One case's comparison with the baseline. */
export interface CaseComparison extends Comparison {
  /** The suite's title. */
  readonly suite: string;
  /** The case's name. */
  readonly name: string;
}

/**
 * Compares fresh results with the baseline case by case (ratios to each suite's reference).
 *
 * @throws FoundationError 8104 (`quality_baseline_mismatch`) when the suites, references or
 * cases differ from the baseline's
 */
export function compareWithBaseline(
  baseline: Baseline,
  results: readonly BenchSuiteResult[],
  options: Pick<PerformanceOptions, 'maxRegression' | 'confidence'>,
): CaseComparison[] {
  const mismatch = (what: string) =>
    qualityError(
      'quality_baseline_mismatch',
      `the baseline is from another benchmark set: ${what}`,
      'Record a new one with `foundation-quality baseline` (and commit it)',
      { what },
    );
  const stored = new Map(baseline.suites.map((s) => [s.suite, s]));
  if (stored.size !== results.length) {
    throw mismatch(`it has ${stored.size} suites, the run has ${results.length}`);
  }
  const comparisons: CaseComparison[] = [];
  for (const result of results) {
    const suite = stored.get(result.suite);
    if (suite === undefined) throw mismatch(`suite '${result.suite}' is not in it`);
    if (suite.reference !== result.reference) {
      throw mismatch(
        `suite '${result.suite}' used reference '${suite.reference}', now '${result.reference}'`,
      );
    }
    const fresh = ratiosOf(result);
    const names = suite.cases.map((c) => c.name);
    if (names.length !== fresh.size || names.some((n) => !fresh.has(n))) {
      throw mismatch(
        `suite '${result.suite}' had cases ${names.join(', ')}; now ${[...fresh.keys()].join(', ')}`,
      );
    }
    for (const c of suite.cases) {
      comparisons.push({
        suite: result.suite,
        name: c.name,
        ...compareSamples(c.ratios, fresh.get(c.name)!, options),
      });
    }
  }
  return comparisons;
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** The performance gate: fresh benchmarks against the stored baseline, with a bootstrap test. */
export function performanceGate(options: PerformanceOptions): Gate {
  return {
    name: 'performance',
    async run(context): Promise<GateOutcome> {
      const file = resolve(context.rootDir, options.baseline);
      const baseline = readBaseline(file, relativePath(context.rootDir, file));
      const results = await runBenchmarks(options, context.rootDir, context.signal);
      const comparisons = compareWithBaseline(baseline, results, options);
      const regressions = comparisons.filter((c) => c.regression);
      const evidence: Evidence[] = [...comparisons]
        .sort((a, b) => Number(b.regression) - Number(a.regression) || b.delta - a.delta)
        .map((c) => ({
          message: `${c.regression ? 'REGRESSION ' : ''}${c.suite} / ${c.name}: ${pct(c.delta)} (${Math.round(
            options.confidence * 100,
          )}% interval ${pct(c.low)} .. ${pct(c.high)})`,
          symbol: `${c.suite} / ${c.name}`,
        }));
      const bars: ChartBar[] = comparisons.map((c) => ({
        label: `${c.suite} / ${c.name}`,
        value: c.delta * 100,
        low: c.low * 100,
        high: c.high * 100,
        ok: !c.regression,
      }));
      const worst = comparisons.reduce((m, c) => Math.max(m, c.delta), Number.NEGATIVE_INFINITY);
      const failed = regressions.length > 0;
      return {
        status: failed ? 'failed' : 'passed',
        threshold: `no case slower by more than ${options.maxRegression * 100}% (significant at ${options.confidence * 100}%)`,
        measured: `${regressions.length} regressions in ${comparisons.length} cases; largest change ${pct(worst)}`,
        value: regressions.length,
        ...(failed ? { reason: `${regressions.length} significant regressions` } : {}),
        evidence,
        charts: [
          {
            title: 'Benchmark change vs baseline',
            unit: '%',
            limit: options.maxRegression * 100,
            bars,
          },
        ],
      };
    },
  };
}
