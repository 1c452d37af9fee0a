import { formatDuration, systemClock, type Clock } from '@foundation/core';
import { inputError } from './codes.js';
import { describeError } from './describe-error.js';

/** What every workflow step gets. */
export interface StepContext {
  /** Prints an extra detail line under the step. */
  detail(line: string): void;
  /** Values shared between steps (for example a service started by an earlier step). */
  readonly shared: Map<string, unknown>;
  /** Registers clean-up (stopping a service, a timer) to run when the workflow ends. */
  defer(cleanup: () => unknown): void;
}

/** One step of a workflow: it does something real and says what happened. */
export interface WorkflowStep {
  /** What the step shows, for people. */
  readonly name: string;
  /**
   * Runs the step. Returns a one-line outcome to print (or nothing); throws when the step
   * fails, which makes the workflow fail.
   */
  run(context: StepContext): Promise<string | undefined> | string | undefined;
}

/** A titled group of steps. */
export interface StepGroup {
  /** The group's title, such as `Config`. */
  readonly title: string;
  /** The steps, run in order. */
  readonly steps: readonly WorkflowStep[];
}

/** The outcome of one step. */
export interface StepOutcome {
  /** The group's title. */
  readonly group: string;
  /** The step's name. */
  readonly step: string;
  /** Whether it passed. */
  readonly ok: boolean;
  /** How long it ran, in nanoseconds. */
  readonly durationNs: number;
  /** What it returned, or why it failed. */
  readonly message: string;
  /** The detail lines it printed. */
  readonly details: readonly string[];
}

/** Everything {@link runWorkflow} found. */
export interface WorkflowReport {
  /** True when every step passed. */
  readonly ok: boolean;
  /** How many steps passed. */
  readonly passed: number;
  /** How many failed. */
  readonly failed: number;
  /** The sum of the steps' durations, in nanoseconds. */
  readonly durationNs: number;
  /** Every step's outcome, in order. */
  readonly outcomes: readonly StepOutcome[];
  /** Clean-ups that failed, described. */
  readonly cleanupFailures: readonly string[];
}

/** How {@link runWorkflow} reports. */
export interface WorkflowOptions {
  /** Where the text goes (a CLI passes `process.stdout.write`); nothing is written when absent. */
  readonly write?: (text: string) => void;
  /** Write one JSON document (the report) at the end instead of lines as the steps run. */
  readonly json?: boolean;
  /** The clock for step durations. Default `systemClock`. */
  readonly clock?: Clock;
}

function checkGroups(groups: unknown): readonly StepGroup[] {
  if (!Array.isArray(groups)) throw inputError('groups', 'must be an array of step groups');
  groups.forEach((group: unknown, g) => {
    if (typeof group !== 'object' || group === null)
      throw inputError(`groups[${g}]`, 'must be an object');
    const { title, steps } = group as Record<string, unknown>;
    if (typeof title !== 'string') throw inputError(`groups[${g}].title`, 'must be a string');
    if (!Array.isArray(steps)) throw inputError(`groups[${g}].steps`, 'must be an array');
    steps.forEach((step: unknown, s) => {
      const at = `groups[${g}].steps[${s}]`;
      if (typeof step !== 'object' || step === null) throw inputError(at, 'must be an object');
      const { name, run } = step as Record<string, unknown>;
      if (typeof name !== 'string' || name === '')
        throw inputError(`${at}.name`, 'must be a non-empty string');
      if (typeof run !== 'function') throw inputError(`${at}.run`, 'must be a function');
    });
  });
  return groups as readonly StepGroup[];
}

/**
 * The summary line of a workflow run: `N passed, M failed in <time>`.
 *
 * @param report - The report {@link runWorkflow} returned; its counts and total duration are
 *   used.
 * @returns The line, without a trailing newline, the duration formatted by core's
 *   `formatDuration`.
 * @example
 * ```ts
 * formatWorkflowSummary(report); // '12 passed, 0 failed in 1.20 s'
 * ```
 */
export function formatWorkflowSummary(report: WorkflowReport): string {
  return `${report.passed} passed, ${report.failed} failed in ${formatDuration(report.durationNs)}`;
}

/**
 * Runs the groups' steps in order, printing each with its outcome and time, then the summary
 * line. A failing step is reported and the run goes on, so one run shows every failure;
 * clean-ups registered with `defer` run at the end in reverse order, and a failing one is
 * reported without stopping the others. Never throws for a failing step: a CLI sets its exit
 * code from `report.ok`.
 *
 * @param groups - The titled groups of named steps, run in this order.
 * @param options - Where the text goes (nowhere by default), whether to write one JSON report
 *   at the end instead of lines, and the clock for durations.
 * @returns Every step's outcome in order, the passed and failed counts, the total duration, the
 *   clean-ups that failed, and `ok` when no step and no clean-up failed.
 * @throws FoundationError 3204 (`invalid_input`) when `groups` is malformed, naming the path
 * (such as `groups[0].steps[2].run`), before any step runs.
 * @example
 * ```ts
 * const report = await runWorkflow(groups, { write: (t) => process.stdout.write(t) });
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
export async function runWorkflow(
  groups: readonly StepGroup[],
  options: WorkflowOptions = {},
): Promise<WorkflowReport> {
  const checked = checkGroups(groups);
  const clock = options.clock ?? systemClock;
  const json = options.json === true;
  const write = options.write ?? (() => undefined);
  const text = json ? () => undefined : write;
  const cleanups: (() => unknown)[] = [];
  const cleanupFailures: string[] = [];
  const outcomes: StepOutcome[] = [];
  let details: string[] = [];
  const context: StepContext = {
    shared: new Map(),
    detail: (line) => details.push(line),
    defer: (cleanup) => cleanups.push(cleanup),
  };
  try {
    for (const group of checked) {
      text(`\n${group.title}\n`);
      for (const step of group.steps) {
        details = [];
        const startNs = clock.nowNs();
        let ok = true;
        let message: string;
        try {
          message = (await step.run(context)) ?? '';
        } catch (error) {
          ok = false;
          message = describeError(error);
        }
        const outcome: StepOutcome = {
          group: group.title,
          step: step.name,
          ok,
          durationNs: clock.nowNs() - startNs,
          message,
          details,
        };
        outcomes.push(outcome);
        const mark = ok ? 'ok  ' : 'FAIL';
        text(
          `  ${mark} ${step.name} (${formatDuration(outcome.durationNs)})${message ? ` — ${message}` : ''}\n`,
        );
        for (const line of details) text(`         ${line}\n`);
      }
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        cleanupFailures.push(describeError(error));
        text(`  clean-up failed: ${describeError(error)}\n`);
      }
    }
  }
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  const report: WorkflowReport = {
    ok: failed === 0 && cleanupFailures.length === 0,
    passed: outcomes.length - failed,
    failed,
    durationNs: outcomes.reduce((sum, outcome) => sum + outcome.durationNs, 0),
    outcomes,
    cleanupFailures,
  };
  if (json) write(`${JSON.stringify(report, null, 2)}\n`);
  else write(`\n${formatWorkflowSummary(report)}\n`);
  return report;
}
