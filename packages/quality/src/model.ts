import type { Clock } from '@foundation/core';

/** Whether a gate passed, failed, or could not measure (skipped never counts as passed). */
export type GateStatus = 'passed' | 'failed' | 'skipped';

/** One piece of evidence behind a gate's result: where it was found and what it says. */
export interface Evidence {
  /** What was found, in a sentence. */
  readonly message: string;
  /** The file it was found in, relative to the project root. */
  readonly file?: string;
  /** The 1-based line in {@link Evidence.file}. */
  readonly line?: number;
  /** The symbol (export, rule id, benchmark case) it is about. */
  readonly symbol?: string;
  /** An excerpt of a tool's output or of a diff. */
  readonly excerpt?: string;
}

/** One bar of a chart: a label, its value and, when there is one, the limit it is held to. */
export interface ChartBar {
  /** What the bar measures (a package, a benchmark case). */
  readonly label: string;
  /** The measured value. */
  readonly value: number;
  /** The lower end of the value's interval, when it has one. */
  readonly low?: number;
  /** The upper end of the value's interval, when it has one. */
  readonly high?: number;
  /** Whether this bar is within its limit. */
  readonly ok: boolean;
}

/** A small chart a gate attaches to its result; the HTML report draws it as inline SVG. */
export interface Chart {
  /** The chart's title. */
  readonly title: string;
  /** The unit of the values (`%`, `x`). */
  readonly unit: string;
  /** The limit drawn across the chart, when there is one. */
  readonly limit?: number;
  /** The bars. */
  readonly bars: readonly ChartBar[];
}

/** What a gate returns: its verdict, the threshold it applied, what it measured and why. */
export interface GateOutcome {
  /** The verdict. */
  readonly status: GateStatus;
  /** The threshold applied, as a person reads it (`>= 95% lines`). */
  readonly threshold: string;
  /** What was measured, as a person reads it (`93.1% lines`). */
  readonly measured: string;
  /** The measured value as a number, when there is one. */
  readonly value?: number;
  /** Why it failed or was skipped. */
  readonly reason?: string;
  /** The evidence, most important first. */
  readonly evidence: readonly Evidence[];
  /** Charts for the HTML report. */
  readonly charts?: readonly Chart[];
}

/** A gate's outcome with its name and how long it took. */
export interface GateResult extends GateOutcome {
  /** The gate's name. */
  readonly name: string;
  /** How long the gate took, in milliseconds. */
  readonly durationMs: number;
}

/** The version of the JSON report's schema; bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** The result of a `gates` run: the JSON report's shape (see the README for the schema). */
export interface QualityReport {
  /** Always `foundation-quality-report`. */
  readonly schema: 'foundation-quality-report';
  /** {@link REPORT_SCHEMA_VERSION} when the report was written. */
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** The project root the gates ran in. */
  readonly rootDir: string;
  /** When the run started (ISO 8601). */
  readonly startedAt: string;
  /** How long the whole run took, in milliseconds. */
  readonly durationMs: number;
  /** `failed` when any gate failed; skipped gates are counted apart and never as passed. */
  readonly verdict: 'passed' | 'failed';
  /** How many gates passed, failed and were skipped. */
  readonly summary: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /** Every gate that ran, in order. */
  readonly gates: readonly GateResult[];
}

/** What a gate gets to work with. */
export interface GateContext {
  /** The project root, absolute. */
  readonly rootDir: string;
  /** The package directories the configuration selects, absolute, sorted. */
  readonly packageDirs: readonly string[];
  /** Cancels the gate's work. */
  readonly signal: AbortSignal;
  /** The clock the run is timed with. */
  readonly clock: Clock;
}

/**
 * A quality gate. Implement this to add your own: `run` measures, and returns its outcome;
 * it throws a FoundationError only when it cannot measure at all (a missing tool, an
 * unreadable input), which stops the run with no report.
 */
export interface Gate {
  /** A short unique name (`coverage`, `types`, or your own). */
  readonly name: string;
  /** Measures and returns the outcome. */
  run(context: GateContext): Promise<GateOutcome>;
}
