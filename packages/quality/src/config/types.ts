/** Which coverage figures the coverage gate checks. */
export type CoverageMetric = 'lines' | 'branches' | 'functions' | 'statements';

/** Options of the coverage gate. */
export interface CoverageGateConfig {
  /** The lowest percentage each metric may have, per package (default 95). */
  readonly threshold?: number;
  /** The metrics checked (default all four). */
  readonly metrics?: readonly CoverageMetric[];
  /** The summary file inside each package (default `coverage/coverage-summary.json`). */
  readonly summaryFile?: string;
  /** A command run in each package first to produce the summary (such as `vitest run --coverage`). */
  readonly command?: string;
  /** How many of the least-covered files to list as evidence (default 5). */
  readonly leastCovered?: number;
}

/** Options of the types gate. */
export interface TypesGateConfig {
  /** tsconfig files relative to the root (default: each package's `tsconfig.json`). */
  readonly projects?: readonly string[];
  /** The most type errors allowed (default 0). */
  readonly maxErrors?: number;
}

/** Options of the lint gate. */
export interface LintGateConfig {
  /** What ESLint lints, relative to the root (default: each package directory). */
  readonly patterns?: readonly string[];
  /** The most errors allowed (default 0). */
  readonly maxErrors?: number;
  /** The most warnings allowed (default 0). */
  readonly maxWarnings?: number;
  /** The lowest lint score allowed, 0 to 100 (default 0: only the counts decide). */
  readonly minScore?: number;
}

/** Options of the docs gate. */
export interface DocsGateConfig {
  /** Entry points relative to each package (default `src/index.ts`). */
  readonly entry?: string;
  /** The most undocumented findings allowed (default 0). */
  readonly maxUndocumented?: number;
  /** Require a `@param` for each parameter (default true). */
  readonly requireParams?: boolean;
  /** Require `@returns` on functions that return something (default true). */
  readonly requireReturns?: boolean;
  /** Require `@throws` on functions whose body throws a FoundationError (default true). */
  readonly requireThrows?: boolean;
}

/** Options of the performance gate. */
export interface PerformanceGateConfig {
  /** The command that runs the benchmarks; it gets `FOUNDATION_BENCH_JSON` (a directory). */
  readonly command: string;
  /** The baseline file relative to the root (default `quality/baseline.json`). */
  readonly baseline?: string;
  /** The largest slowdown allowed, as a fraction (default 0.05). */
  readonly maxRegression?: number;
  /** The confidence of the bootstrap interval (default 0.95). */
  readonly confidence?: number;
  /** Rounds each benchmark runs, passed as `FOUNDATION_BENCH_ROUNDS` (default 10). */
  readonly rounds?: number;
}

/** Options of the dependencies gate. */
export interface DependenciesGateConfig {
  /** The audit command (default `pnpm audit --json`). */
  readonly command?: string;
  /** The lowest severity that fails the gate (default `high`). */
  readonly severity?: 'low' | 'moderate' | 'high' | 'critical';
  /** How long the audit may take before the gate is skipped as unanswered (default 120000). */
  readonly timeoutMs?: number;
}

/** Options of the secrets gate. */
export interface SecretsGateConfig {
  /** A file of path patterns (one a line, `#` comments) whose findings are allowed (test fixtures). */
  readonly allowList?: string;
}

/** Options of the api gate. */
export interface ApiGateConfig {
  /** Where the committed API reports live, relative to the root (default `quality/api`). */
  readonly reportDir?: string;
  /** The declaration entry inside each package (default `dist/index.d.ts`). */
  readonly entry?: string;
  /** The changesets directory, relative to the root (default `.changeset`). */
  readonly changesetDir?: string;
}

/** The gates a configuration turns on (an empty object turns one on with its defaults). */
export interface GatesConfig {
  /** Coverage per package from vitest/istanbul summaries. */
  readonly coverage?: CoverageGateConfig;
  /** Type errors from the TypeScript compiler. */
  readonly types?: TypesGateConfig;
  /** ESLint findings and the lint score. */
  readonly lint?: LintGateConfig;
  /** TSDoc on every export of every entry point. */
  readonly docs?: DocsGateConfig;
  /** Benchmark regressions against the stored baseline. */
  readonly performance?: PerformanceGateConfig;
  /** Known vulnerabilities in dependencies. */
  readonly dependencies?: DependenciesGateConfig;
  /** Credentials in tracked files. */
  readonly secrets?: SecretsGateConfig;
  /** Public API changes without a changeset. */
  readonly api?: ApiGateConfig;
}

/** One level of the test strategy: a command, run and timed. */
export interface LevelConfig {
  /** The level's name (`unit`, `integration`, `contract`, `performance`, `chaos`). */
  readonly name: string;
  /** The command, split on spaces and run without a shell. */
  readonly command: string;
  /** The directory it runs in, relative to the root (default the root). */
  readonly cwd?: string;
  /** What the level covers, for the summary. */
  readonly description?: string;
}

/** A `quality.config.ts` / `.json`: the project, its gates and its test levels. */
export interface QualityConfig {
  /** The project root, relative to the config file (default its directory). */
  readonly rootDir?: string;
  /** Package directories relative to the root; a final `*` matches every child (default `packages/*`). */
  readonly packages?: readonly string[];
  /** The gates to run. */
  readonly gates?: GatesConfig;
  /** The test levels, in the order they run. */
  readonly levels?: readonly LevelConfig[];
}

/**
 * Returns `config` unchanged, typed: `export default defineQualityConfig({ ... })`.
 *
 * @param config - the project's root, package patterns, gates and levels; nothing is checked
 *   or defaulted here (loading the file validates it)
 * @returns the same object, so the editor checks it against {@link QualityConfig}
 */
export function defineQualityConfig(config: QualityConfig): QualityConfig {
  return config;
}
