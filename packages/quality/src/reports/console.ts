import type { GateStatus, QualityReport } from '../model.js';
import type { LevelsReport } from '../levels.js';
import { evidenceLocation, formatMs } from './format.js';

/** Options of the console renderers. */
export interface ConsoleOptions {
  /** Use ANSI colours (the CLI turns them on for a TTY). */
  readonly color?: boolean;
  /** Evidence lines shown per failed or skipped gate (default 10). */
  readonly evidenceLines?: number;
}

const COLORS = { passed: '32', failed: '31', skipped: '33', dim: '2', bold: '1' } as const;

function paint(text: string, code: string, on: boolean): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

const LABEL: Record<GateStatus, string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) =>
    r
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The console summary: a table of gates (status, measured, threshold, time), then the
 * evidence of every gate that failed or was skipped, then the verdict.
 *
 * @param report - the report to render
 * @param options - colours and how much evidence to show
 * @returns the text, lines separated by `\n`
 */
export function renderConsole(report: QualityReport, options: ConsoleOptions = {}): string {
  const color = options.color ?? false;
  const limit = options.evidenceLines ?? 10;
  const rows = [
    ['gate', 'status', 'measured', 'threshold', 'time'],
    ...report.gates.map((g) => [
      g.name,
      LABEL[g.status],
      g.measured,
      g.threshold,
      formatMs(g.durationMs),
    ]),
  ];
  const lines = table(rows).map((line, i) => {
    if (i === 0) return paint(line, COLORS.bold, color);
    const status = report.gates[i - 1]!.status;
    return line.replace(LABEL[status], paint(LABEL[status], COLORS[status], color));
  });
  for (const gate of report.gates) {
    if (gate.status === 'passed') continue;
    lines.push(
      '',
      paint(`${gate.name}: ${gate.reason ?? gate.status}`, COLORS[gate.status], color),
    );
    for (const evidence of gate.evidence.slice(0, limit)) {
      const at = evidenceLocation(evidence);
      lines.push(`  - ${at === '' ? '' : `${at}: `}${evidence.message}`);
      if (evidence.excerpt !== undefined) {
        for (const line of evidence.excerpt.split('\n').slice(0, 20))
          lines.push(paint(`      ${line}`, COLORS.dim, color));
      }
    }
    if (gate.evidence.length > limit)
      lines.push(`  ... ${gate.evidence.length - limit} more (see the JSON report)`);
  }
  const { passed, failed, skipped } = report.summary;
  const verdict = report.verdict === 'passed' ? 'PASSED' : 'FAILED';
  lines.push(
    '',
    `${paint(verdict, report.verdict === 'passed' ? COLORS.passed : COLORS.failed, color)}: ${passed} passed, ${failed} failed, ${skipped} skipped${
      skipped > 0 ? ' (skipped gates are not counted as passed)' : ''
    } in ${formatMs(report.durationMs)}`,
  );
  return lines.join('\n');
}

/**
 * The console summary of a test-levels run.
 *
 * @param report - the levels report
 * @param options - colours
 * @returns the text
 */
export function renderLevelsConsole(report: LevelsReport, options: ConsoleOptions = {}): string {
  const color = options.color ?? false;
  const rows = [
    ['level', 'status', 'time', 'command'],
    ...report.levels.map((l) => [l.name, LABEL[l.status], formatMs(l.durationMs), l.command]),
  ];
  const lines = table(rows).map((line, i) => {
    if (i === 0) return paint(line, COLORS.bold, color);
    const status = report.levels[i - 1]!.status;
    return line.replace(LABEL[status], paint(LABEL[status], COLORS[status], color));
  });
  for (const level of report.levels) {
    if (level.outputTail === undefined) continue;
    lines.push(
      '',
      paint(`${level.name} failed (exit ${String(level.exitCode)}):`, COLORS.failed, color),
    );
    for (const line of level.outputTail.split('\n')) lines.push(`  ${line}`);
  }
  const count = (s: GateStatus) => report.levels.filter((l) => l.status === s).length;
  lines.push(
    '',
    `${paint(report.verdict === 'passed' ? 'PASSED' : 'FAILED', COLORS[report.verdict], color)}: ${count('passed')} passed, ${count(
      'failed',
    )} failed, ${count('skipped')} skipped in ${formatMs(report.durationMs)}`,
  );
  return lines.join('\n');
}
