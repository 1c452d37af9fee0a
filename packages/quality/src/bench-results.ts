import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { qualityError } from './errors.js';
import { readJsonInput } from './json-input.js';

/** One suite's results as bench-kit writes them (`FOUNDATION_BENCH_JSON`). */
export interface BenchSuiteResult {
  /** The suite's title. */
  readonly suite: string;
  /** The case every other case is divided by, measured in the same rounds. */
  readonly reference: string;
  /** Each case with its time per call in every round, in nanoseconds. */
  readonly cases: readonly { readonly name: string; readonly samplesNs: readonly number[] }[];
}

/** A stored baseline: per suite and case, the ratios to the reference case, one per round. */
export interface Baseline {
  /** Always `foundation-quality-baseline`. */
  readonly schema: 'foundation-quality-baseline';
  /** The format's version (1). */
  readonly version: 1;
  /** When it was recorded (ISO 8601). */
  readonly createdAt: string;
  /** The suites. */
  readonly suites: readonly {
    readonly suite: string;
    readonly reference: string;
    readonly cases: readonly { readonly name: string; readonly ratios: readonly number[] }[];
  }[];
}

const positiveNumbers = (value: unknown): value is number[] =>
  Array.isArray(value) &&
  value.length >= 2 &&
  value.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v));

/** Checks one parsed results file and returns it typed. */
export function parseBenchResult(value: unknown, file: string): BenchSuiteResult {
  const bad = (path: string, rule: string) =>
    qualityError(
      'quality_input_unreadable',
      `${file}: ${path} ${rule}`,
      'Re-run the benchmarks with the bench-kit that writes FOUNDATION_BENCH_JSON',
      { file, path },
    );
  if (typeof value !== 'object' || value === null) throw bad('(root)', 'must be an object');
  const v = value as Record<string, unknown>;
  if (typeof v.suite !== 'string') throw bad('suite', 'must be a string');
  if (typeof v.reference !== 'string') throw bad('reference', 'must be a string');
  if (!Array.isArray(v.cases)) throw bad('cases', 'must be an array');
  const cases = (v.cases as unknown[]).map((c, i) => {
    const entry = c as Record<string, unknown> | null;
    if (typeof entry?.name !== 'string') throw bad(`cases.${i}.name`, 'must be a string');
    if (!positiveNumbers(entry.samplesNs))
      throw bad(`cases.${i}.samplesNs`, 'must hold at least 2 positive numbers');
    return { name: entry.name, samplesNs: entry.samplesNs };
  });
  const reference = cases.find((c) => c.name === v.reference);
  if (reference === undefined)
    throw bad('reference', `names no case of the suite ('${v.reference}')`);
  if (cases.some((c) => c.samplesNs.length !== reference.samplesNs.length)) {
    throw bad('cases', 'must all have one sample per round');
  }
  return { suite: v.suite, reference: v.reference, cases };
}

/** Reads every results file bench-kit wrote into `dir`. */
export function readBenchResults(dir: string): BenchSuiteResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseBenchResult(readJsonInput(join(dir, f), f, 'Re-run the benchmarks'), f));
}

/** Each case's per-round ratio to the suite's reference case. */
export function ratiosOf(result: BenchSuiteResult): Map<string, number[]> {
  const reference = result.cases.find((c) => c.name === result.reference)!;
  const ratios = new Map<string, number[]>();
  for (const c of result.cases) {
    if (c.name === result.reference) continue;
    ratios.set(
      c.name,
      c.samplesNs.map((ns, i) => ns / reference.samplesNs[i]!),
    );
  }
  return ratios;
}

/** Builds a baseline from fresh results. */
export function toBaseline(results: readonly BenchSuiteResult[], createdAt: string): Baseline {
  return {
    schema: 'foundation-quality-baseline',
    version: 1,
    createdAt,
    suites: results.map((r) => ({
      suite: r.suite,
      reference: r.reference,
      cases: [...ratiosOf(r)].map(([name, ratios]) => ({ name, ratios })),
    })),
  };
}

/**
 * Reads and checks a stored baseline.
 *
 * @throws FoundationError 8103 (`quality_input_unreadable`) when it is missing or malformed
 */
export function readBaseline(file: string, shown: string): Baseline {
  const todo = 'Record the baseline with `foundation-quality baseline`';
  const parsed = readJsonInput(file, shown, todo);
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const b = record(parsed);
  const valid =
    b.schema === 'foundation-quality-baseline' &&
    b.version === 1 &&
    Array.isArray(b.suites) &&
    (b.suites as unknown[]).every((suite) => {
      const s = record(suite);
      return (
        typeof s.suite === 'string' &&
        typeof s.reference === 'string' &&
        Array.isArray(s.cases) &&
        (s.cases as unknown[]).every((c) => {
          const entry = record(c);
          return typeof entry.name === 'string' && positiveNumbers(entry.ratios);
        })
      );
    });
  if (!valid) {
    throw qualityError(
      'quality_input_unreadable',
      `baseline ${shown} is not a foundation-quality baseline (version 1)`,
      todo,
      { file: shown },
    );
  }
  return parsed as Baseline;
}
