import type { CheckReport, PhaseResult } from '../check/run-check.js';
import type { Finding } from '../suggest/rules.js';
import type { CliIo } from './io.js';
import { painter } from './io.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One line for a phase as it ends.
 *
 * @param result - The phase that ended.
 * @param io - Decides whether colours are used.
 * @returns The line: status, phase, time, budget (within or over) and the note.
 */
export function phaseLine(result: PhaseResult, io: CliIo): string {
  const paint = painter(io);
  const status =
    result.status === 'passed'
      ? paint('green', 'passed ')
      : result.status === 'failed'
        ? paint('red', 'FAILED ')
        : paint('yellow', 'skipped');
  const budget =
    result.budgetMs === undefined || result.status === 'skipped'
      ? ''
      : ` (budget ${seconds(result.budgetMs)}: ${result.overBudget === true ? paint('red', 'over') : 'within'})`;
  const reason = result.reason === undefined ? '' : paint('dim', ` — ${result.reason}`);
  return `${status} ${result.id.padEnd(9)} ${seconds(result.durationMs).padStart(8)}${budget}${reason}\n`;
}

/**
 * The summary table: phase, status, time, the first lines of what failed, and the total.
 *
 * @param report - The check report.
 * @param io - Decides whether colours are used.
 * @returns The table, the failures and the verdict line with the total time.
 */
export function checkSummary(report: CheckReport, io: CliIo): string {
  const paint = painter(io);
  const rows = report.phases.map((p) => [p.id, p.status, seconds(p.durationMs), p.reason ?? '']);
  const header = ['phase', 'status', 'time', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    '',
    paint('bold', line(header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const phase of report.phases) {
    if (phase.failure === undefined) continue;
    out.push(
      '',
      paint('red', `${phase.id} failed:`),
      ...phase.failure.split('\n').map((l) => `  ${l}`),
    );
  }
  const verdict = report.ok ? paint('green', 'check passed') : paint('red', 'check failed');
  out.push('', `${verdict} in ${seconds(report.totalMs)}`, '');
  return out.join('\n');
}

/**
 * Findings as `file:line:col severity rule message` lines, each with its suggestion.
 *
 * @param findings - What `suggest` found.
 * @param io - Decides whether colours are used.
 * @returns Two lines per finding, then the count.
 */
export function findingLines(findings: readonly Finding[], io: CliIo): string {
  const paint = painter(io);
  const lines = findings.map((f) => {
    const severity =
      f.severity === 'error'
        ? paint('red', f.severity)
        : f.severity === 'warning'
          ? paint('yellow', f.severity)
          : f.severity;
    return `${f.file}:${f.line}:${f.column} ${severity} ${f.rule}: ${f.message}\n    fix: ${f.suggestion}`;
  });
  const count = `${findings.length} finding${findings.length === 1 ? '' : 's'}`;
  return `${[...lines, count].join('\n')}\n`;
}
