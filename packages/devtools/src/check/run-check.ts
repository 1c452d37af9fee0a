import { availableParallelism } from 'node:os';
import { systemClock, type Clock } from '@foundation/core';
import { inputError } from '../codes.js';
import { PHASE_BUDGETS_MS, PHASE_IDS, type PhaseId, type PlannedPhase } from './phases.js';
import { runCommand, type Command, type CommandResult, type CommandRunner } from './run-command.js';

/** How one phase ended. */
export type PhaseStatus = 'passed' | 'failed' | 'skipped';

/** One phase's line in the summary. */
export interface PhaseResult {
  /** The phase. */
  readonly id: PhaseId;
  /** What it does. */
  readonly title: string;
  /** How it ended. */
  readonly status: PhaseStatus;
  /** How long it ran, in milliseconds (0 when skipped). */
  readonly durationMs: number;
  /** Why it was skipped, or a note about how it ran. */
  readonly reason?: string;
  /** The first lines of what failed. */
  readonly failure?: string;
  /** The seed's budget for this phase, in milliseconds, when it has one. */
  readonly budgetMs?: number;
  /** Whether it went over its budget. */
  readonly overBudget?: boolean;
}

/** The result of `foundation-dev check`. */
export interface CheckReport {
  /** True when no phase failed. */
  readonly ok: boolean;
  /** Every phase, in order. */
  readonly phases: readonly PhaseResult[];
  /** The total time, in milliseconds. */
  readonly totalMs: number;
}

/** How {@link runCheck} runs the phases. */
export interface RunCheckOptions {
  /** Run only these phases. */
  readonly only?: readonly PhaseId[];
  /** Stop at the first failing phase (the default). */
  readonly bail?: boolean;
  /** Runs commands; default spawns them. */
  readonly runner?: CommandRunner;
  /** Told when a phase starts (for progress). */
  readonly onPhaseStart?: (phase: PlannedPhase) => void;
  /** Told when a phase ends. */
  readonly onPhaseEnd?: (result: PhaseResult) => void;
  /** How many type-check projects run at once. Default: the machine's parallelism. */
  readonly concurrency?: number;
  /** Cancels the run (running commands are killed). */
  readonly signal?: AbortSignal;
  /** The clock for the times. Default `systemClock`. */
  readonly clock?: Clock;
}

/** How many lines of a failure the summary keeps. */
export const FAILURE_LINES = 12;

/**
 * The first non-empty lines of a failure's output, prefixed with the command.
 *
 * @param command - The command that failed, shown first as `$ tool args`.
 * @param output - What it wrote.
 * @param max - How many lines to keep. Default {@link FAILURE_LINES}.
 * @returns The command line, the first lines, and how many more there were.
 */
export function firstLines(command: Command, output: string, max = FAILURE_LINES): string {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const shown = lines.slice(0, max);
  const more = lines.length > max ? [`… ${lines.length - max} more lines`] : [];
  return [
    `$ ${[command.command.split('/').at(-1), ...command.args].join(' ')}`,
    ...shown,
    ...more,
  ].join('\n');
}

/**
 * Parses `--only format,lint`, refusing unknown phase names.
 *
 * @param value - The comma-separated phase names.
 * @returns The phase ids, in the order given.
 * @throws FoundationError 3204 naming `--only` for an unknown phase, or for no phase at all.
 */
export function parseOnly(value: string): PhaseId[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const id of ids) {
    if (!(PHASE_IDS as readonly string[]).includes(id)) {
      throw inputError('--only', `unknown phase '${id}' (phases: ${PHASE_IDS.join(', ')})`);
    }
  }
  if (ids.length === 0) throw inputError('--only', 'names no phase');
  return ids as PhaseId[];
}

async function runAll(
  commands: readonly Command[],
  runner: CommandRunner,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<{ command: Command; result: CommandResult }[]> {
  const results = new Array<{ command: Command; result: CommandResult }>(commands.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < commands.length) {
      const index = next++;
      const command = commands[index]!;
      results[index] = { command, result: await runner(command, signal) };
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, commands.length)) }, worker),
  );
  return results;
}

/**
 * Runs planned phases in order, timing each (the seed's `dev_check.sh`): fail-fast by default,
 * so the phases after a failure are reported as skipped with the reason. Skipped phases stay
 * skipped; a phase passes only when every command it runs exits 0. Phases with a budget report
 * whether they stayed under it.
 *
 * @param planned - The phases from `planPhases`.
 * @param options - Which phases, fail-fast or not, the command runner, progress callbacks, the signal and the clock.
 * @returns Every phase with its status and time, the total, and `ok` when none failed.
 */
export async function runCheck(
  planned: readonly PlannedPhase[],
  options: RunCheckOptions = {},
): Promise<CheckReport> {
  const clock = options.clock ?? systemClock;
  const runner = options.runner ?? runCommand;
  const bail = options.bail ?? true;
  const concurrency = options.concurrency ?? availableParallelism();
  const startMs = clock.nowMs();
  const phases: PhaseResult[] = [];
  let failedAlready = false;
  for (const phase of planned) {
    if (options.only && !options.only.includes(phase.id)) continue;
    const budgetMs = PHASE_BUDGETS_MS[phase.id];
    const base = { id: phase.id, title: phase.title };
    let result: PhaseResult;
    if (phase.skipReason !== undefined) {
      result = { ...base, status: 'skipped', durationMs: 0, reason: phase.skipReason };
    } else if (failedAlready && bail) {
      result = {
        ...base,
        status: 'skipped',
        durationMs: 0,
        reason: 'not run: an earlier phase failed (--no-bail runs every phase)',
      };
    } else {
      options.onPhaseStart?.(phase);
      const phaseStart = clock.nowMs();
      // Type-checking projects are independent, so they share the cores; other phases run one
      // command after another.
      const runs = await runAll(
        phase.commands,
        runner,
        phase.id === 'typecheck' ? concurrency : 1,
        options.signal,
      );
      const durationMs = clock.nowMs() - phaseStart;
      const failures = runs.filter((run) => run.result.exitCode !== 0);
      result = {
        ...base,
        status: failures.length === 0 ? 'passed' : 'failed',
        durationMs,
        ...(phase.note !== undefined && { reason: phase.note }),
        ...(failures.length > 0 && {
          failure: failures.map((f) => firstLines(f.command, f.result.output)).join('\n'),
        }),
        ...(budgetMs !== undefined && { budgetMs, overBudget: durationMs > budgetMs }),
      };
      if (failures.length > 0) failedAlready = true;
    }
    phases.push(result);
    options.onPhaseEnd?.(result);
  }
  return {
    ok: phases.every((p) => p.status !== 'failed'),
    phases,
    totalMs: clock.nowMs() - startMs,
  };
}
