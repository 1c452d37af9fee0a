import { join } from 'node:path';
import type { CoverageMetric } from '../config/types.js';
import type { ResolvedGates } from '../config/validate.js';
import { qualityError } from '../errors.js';
import { runCommand, tail } from '../exec.js';
import { readJsonInput } from '../json-input.js';
import type { Evidence, Gate, GateOutcome } from '../model.js';
import { packageName, relativePath } from '../packages.js';
import { noPackagesOutcome } from './outcome.js';

type CoverageOptions = NonNullable<ResolvedGates['coverage']>;

/** Coverage percentages of one file or one package total. */
type Figures = Record<CoverageMetric, number>;

const METRICS: readonly CoverageMetric[] = ['lines', 'branches', 'functions', 'statements'];

const REGENERATE = 'Regenerate it with vitest run --coverage and the json-summary reporter';

/** Reads one metric's percentage; istanbul writes "Unknown" when there is nothing to cover. */
function readPct(entry: unknown, metric: CoverageMetric, file: string, key: string): number {
  const holder: unknown =
    typeof entry === 'object' && entry !== null
      ? (entry as Record<string, unknown>)[metric]
      : undefined;
  if (typeof holder === 'object' && holder !== null) {
    const figure = holder as { pct?: unknown; total?: unknown };
    if (typeof figure.pct === 'number' && Number.isFinite(figure.pct)) return figure.pct;
    if (figure.pct === 'Unknown' || figure.total === 0) return 100;
  }
  throw qualityError(
    'quality_input_unreadable',
    `${file}: ${key}.${metric}.pct is missing or not a number`,
    REGENERATE,
    { file, path: `${key}.${metric}.pct` },
  );
}

/** A coverage summary's per-file figures and its total. */
interface Summary {
  readonly total: Figures;
  readonly files: Map<string, Figures>;
}

/** Checks a parsed coverage-summary.json and reads its per-file figures and the total. */
function summaryFigures(parsed: unknown, file: string): Summary {
  if (typeof parsed !== 'object' || parsed === null || !('total' in parsed)) {
    throw qualityError(
      'quality_input_unreadable',
      `${file} has no "total" entry, so it is not an istanbul coverage summary`,
      REGENERATE,
      { file, path: 'total' },
    );
  }
  const figures = (entry: unknown, key: string): Figures =>
    Object.fromEntries(METRICS.map((m) => [m, readPct(entry, m, file, key)])) as Figures;
  const files = new Map<string, Figures>();
  for (const [key, entry] of Object.entries(parsed)) {
    if (key !== 'total') files.set(key, figures(entry, key));
  }
  return { total: figures(parsed.total, 'total'), files };
}

/** The coverage gate: each package's summary against the threshold, per metric. */
export function coverageGate(options: CoverageOptions): Gate {
  return {
    name: 'coverage',
    async run(context): Promise<GateOutcome> {
      const threshold = `>= ${options.threshold}% ${options.metrics.join(', ')} in every package`;
      const evidence: Evidence[] = [];
      const bars = [];
      const allFiles: { file: string; worst: number; metric: CoverageMetric }[] = [];
      let lowest = Number.POSITIVE_INFINITY;
      let lowestAt = '';
      for (const dir of context.packageDirs) {
        const name = packageName(dir);
        if (options.command !== undefined) {
          const output = await runCommand(options.command, { cwd: dir, signal: context.signal });
          if (output.exitCode !== 0) {
            evidence.push({
              message: `${name}: \`${options.command}\` exited with ${String(output.exitCode)}`,
              excerpt: tail(output.stdout + output.stderr),
            });
          }
        }
        const file = join(dir, options.summaryFile);
        const shown = relativePath(context.rootDir, file);
        const summary = summaryFigures(
          readJsonInput(
            file,
            shown,
            'Run the tests with coverage first (vitest run --coverage with the json-summary reporter) or set gates.coverage.command',
          ),
          shown,
        );
        let packageLowest = 100;
        for (const metric of options.metrics) {
          const pct = summary.total[metric];
          packageLowest = Math.min(packageLowest, pct);
          if (pct < lowest) {
            lowest = pct;
            lowestAt = `${metric} in ${name}`;
          }
          if (pct < options.threshold) {
            evidence.push({
              message: `${name}: ${metric} ${pct}% is below ${options.threshold}%`,
              file: shown,
              symbol: name,
            });
          }
        }
        bars.push({ label: name, value: packageLowest, ok: packageLowest >= options.threshold });
        for (const [path, figures] of summary.files) {
          const metric = options.metrics.reduce((a, b) => (figures[b] < figures[a] ? b : a));
          allFiles.push({
            file: relativePath(context.rootDir, path),
            worst: figures[metric],
            metric,
          });
        }
      }
      if (context.packageDirs.length === 0) return noPackagesOutcome(threshold);
      const failed = lowest < options.threshold || evidence.some((e) => e.excerpt !== undefined);
      allFiles.sort((a, b) => a.worst - b.worst || a.file.localeCompare(b.file));
      for (const least of allFiles.slice(0, options.leastCovered)) {
        evidence.push({
          message: `least covered: ${least.worst}% ${least.metric}`,
          file: least.file,
        });
      }
      return {
        status: failed ? 'failed' : 'passed',
        threshold,
        measured: `lowest ${lowest}% (${lowestAt})`,
        value: lowest,
        ...(failed
          ? { reason: `coverage below ${options.threshold}% (or the coverage command failed)` }
          : {}),
        evidence,
        charts: [
          {
            title: 'Coverage per package (lowest metric)',
            unit: '%',
            limit: options.threshold,
            bars,
          },
        ],
      };
    },
  };
}
