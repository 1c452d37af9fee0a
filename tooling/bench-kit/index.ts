/**
 * The benchmark harness every package's `pnpm bench` uses: cases run side by side in one
 * process (measured in alternating rounds, best round kept, so drift hits all cases alike),
 * then the package's targets are checked and printed. A missed target sets a non-zero exit.
 *
 * For @foundation/quality's performance gate: when `FOUNDATION_BENCH_JSON` names a directory,
 * each suite also writes `<suite>.json` there with every round's time per case (the samples the
 * gate compares with its baseline, as ratios to the suite's reference case, the first added
 * unless `reference()` says otherwise); `FOUNDATION_BENCH_ROUNDS` overrides the round count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from 'mitata';

/** Timing of one case, in nanoseconds per call. */
export interface CaseResult {
  readonly name: string;
  readonly avgNs: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
}

interface Target {
  readonly description: string;
  readonly evaluate: (results: ReadonlyMap<string, CaseResult>) => { ok: boolean; actual: string };
}

type BenchFn = () => unknown;

function fmt(ns: number): string {
  if (ns < 1) return `${ns.toFixed(3)} ns`;
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** A group of benchmark cases and the targets they must meet. */
export class BenchSuite {
  readonly #cases = new Map<string, BenchFn>();
  readonly #targets: Target[] = [];
  readonly #results = new Map<string, CaseResult>();
  readonly #samples = new Map<string, number[]>();
  #reference: string | undefined;
  readonly rounds: number;

  constructor(
    readonly title: string,
    rounds = 2,
  ) {
    const override = Number(process.env.FOUNDATION_BENCH_ROUNDS);
    this.rounds = Number.isInteger(override) && override > 0 ? override : rounds;
  }

  /** The case the quality gate divides every other case by (default: the first added). */
  reference(name: string): this {
    this.#reference = name;
    return this;
  }

  /** Adds a case; `fn` is called many times and should return what it computed. */
  add(name: string, fn: BenchFn): this {
    this.#cases.set(name, fn);
    return this;
  }

  /** Target: `name` takes at most `factor` times as long as `baseline`. */
  atMostTimes(name: string, baseline: string, factor: number): this {
    this.#targets.push({
      description: `${name} <= ${factor}x ${baseline}`,
      evaluate: (r) => {
        const ratio = this.#get(r, name).avgNs / this.#get(r, baseline).avgNs;
        return { ok: ratio <= factor, actual: `${ratio.toFixed(2)}x` };
      },
    });
    return this;
  }

  /** Target: `name` is at least `factor` times faster than `other`. */
  fasterThan(name: string, other: string, factor: number): this {
    this.#targets.push({
      description: `${name} >= ${factor}x faster than ${other}`,
      evaluate: (r) => {
        const speedup = this.#get(r, other).avgNs / this.#get(r, name).avgNs;
        return { ok: speedup >= factor, actual: `${speedup.toFixed(2)}x faster` };
      },
    });
    return this;
  }

  /** Target: `name` takes at most `ns` nanoseconds per call on average. */
  underNs(name: string, ns: number): this {
    this.#targets.push({
      description: `${name} < ${fmt(ns)}`,
      evaluate: (r) => {
        const avg = this.#get(r, name).avgNs;
        return { ok: avg < ns, actual: fmt(avg) };
      },
    });
    return this;
  }

  /** Adds a target computed by the caller (memory figures, for instance). */
  check(description: string, evaluate: () => { ok: boolean; actual: string }): this {
    this.#targets.push({ description, evaluate: () => evaluate() });
    return this;
  }

  /** Runs every case, prints the table and the targets; returns whether all targets were met. */
  async run(): Promise<boolean> {
    for (let round = 0; round < this.rounds; round++) {
      for (const [name, fn] of this.#cases) {
        const stats = await measure(fn);
        const samples = this.#samples.get(name) ?? [];
        samples.push(stats.avg);
        this.#samples.set(name, samples);
        const previous = this.#results.get(name);
        if (!previous || stats.avg < previous.avgNs) {
          this.#results.set(name, { name, avgNs: stats.avg, p50Ns: stats.p50, p99Ns: stats.p99 });
        }
      }
    }
    console.log(`\n## ${this.title}\n`);
    console.log('| case | avg | p50 | p99 |\n| --- | --- | --- | --- |');
    for (const result of this.#results.values()) {
      console.log(
        `| ${result.name} | ${fmt(result.avgNs)} | ${fmt(result.p50Ns)} | ${fmt(result.p99Ns)} |`,
      );
    }
    let allOk = true;
    if (this.#targets.length > 0) {
      console.log('\n| target | measured | met |\n| --- | --- | --- |');
      for (const target of this.#targets) {
        const { ok, actual } = target.evaluate(this.#results);
        allOk &&= ok;
        console.log(`| ${target.description} | ${actual} | ${ok ? 'yes' : 'NO'} |`);
      }
    }
    if (!allOk) process.exitCode = 1;
    this.#writeJson();
    return allOk;
  }

  /** Writes every round's samples for @foundation/quality when FOUNDATION_BENCH_JSON is set. */
  #writeJson(): void {
    const dir = process.env.FOUNDATION_BENCH_JSON;
    if (dir === undefined || dir === '') return;
    const reference = this.#reference ?? this.#cases.keys().next().value;
    if (reference === undefined) return;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.title.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
    const cases = [...this.#samples].map(([name, samplesNs]) => ({ name, samplesNs }));
    writeFileSync(file, `${JSON.stringify({ suite: this.title, reference, cases }, null, 2)}\n`);
  }

  /** The measured results, after {@link BenchSuite.run}. */
  get results(): ReadonlyMap<string, CaseResult> {
    return this.#results;
  }

  #get(results: ReadonlyMap<string, CaseResult>, name: string): CaseResult {
    const found = results.get(name);
    if (!found) throw new Error(`bench case '${name}' was not added`);
    return found;
  }
}

/** Bytes retained on the heap after running `work` and forcing GC (needs --expose-gc). */
export async function retainedBytes(work: () => unknown): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('retainedBytes needs node --expose-gc');
  const before = settledHeapUsed(gc);
  _keptResult = await work();
  const after = settledHeapUsed(gc);
  _keptResult = undefined;
  return after - before;
}

// Holds the work's result while the heap is measured, so it is counted as retained.
let _keptResult: unknown;

/**
 * The heap in use once collections stop freeing anything: one full GC can leave garbage that a
 * second frees (weak references, finalizers), which made single-GC figures drift, even below 0.
 */
function settledHeapUsed(gc: () => void): number {
  let used = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 8; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now >= used) break;
    used = now;
  }
  return used;
}
