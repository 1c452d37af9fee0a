import { formatDuration, measureAsync } from '@foundation/core';
import type { StepContext, StepGroup } from './steps/types.js';

/** The outcome of one step. */
export interface StepOutcome {
  readonly group: string;
  readonly step: string;
  readonly ok: boolean;
  readonly durationNs: number;
  readonly message: string;
}

/** Where the runner writes; the workflow passes `process.stdout.write`. */
export type Write = (text: string) => void;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; codeName?: unknown }).code;
    const name = (error as { codeName?: unknown }).codeName;
    return typeof code === 'number' && typeof name === 'string'
      ? `[${code} ${name}] ${error.message}`
      : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * Runs the groups' steps in order, printing each with its outcome and time. A failing step is
 * reported and the run goes on, so one run shows every failure; clean-ups run at the end in
 * reverse order. Returns every outcome.
 */
export async function runGroups(
  groups: readonly StepGroup[],
  write: Write,
): Promise<StepOutcome[]> {
  const cleanups: (() => unknown)[] = [];
  const outcomes: StepOutcome[] = [];
  let details: string[] = [];
  const context: StepContext = {
    shared: new Map(),
    detail: (line) => details.push(line),
    defer: (cleanup) => cleanups.push(cleanup),
  };
  try {
    for (const group of groups) {
      write(`\n${group.title}\n`);
      for (const step of group.steps) {
        details = [];
        let outcome: StepOutcome;
        try {
          const { result, durationNs } = await measureAsync(() => step.run(context));
          outcome = {
            group: group.title,
            step: step.name,
            ok: true,
            durationNs,
            message: result ?? '',
          };
        } catch (error) {
          outcome = {
            group: group.title,
            step: step.name,
            ok: false,
            durationNs: 0,
            message: describeError(error),
          };
        }
        outcomes.push(outcome);
        const mark = outcome.ok ? 'ok  ' : 'FAIL';
        const time = outcome.ok ? ` (${formatDuration(outcome.durationNs)})` : '';
        write(`  ${mark} ${step.name}${time}${outcome.message ? ` — ${outcome.message}` : ''}\n`);
        for (const line of details) write(`         ${line}\n`);
      }
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        write(`  clean-up failed: ${describeError(error)}\n`);
      }
    }
  }
  return outcomes;
}
