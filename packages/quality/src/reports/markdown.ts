import type { GateStatus, QualityReport } from '../model.js';
import { evidenceLocation, formatMs } from './format.js';

const ICON: Record<GateStatus, string> = {
  passed: '✅ pass',
  failed: '❌ fail',
  skipped: '⚠️ skipped',
};

/** Escapes text for one Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Escapes inline text (outside code) so it cannot open markup. */
function inline(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * The Markdown report, for a pull-request comment: the verdict, a table of gates and, per
 * gate that did not pass, its evidence in a collapsed section.
 *
 * @param report - the report to render
 * @param options - `evidenceLines`: evidence shown per gate (default 20)
 * @returns the Markdown text
 */
export function renderMarkdown(
  report: QualityReport,
  options: { readonly evidenceLines?: number } = {},
): string {
  const limit = options.evidenceLines ?? 20;
  const { passed, failed, skipped } = report.summary;
  const out = [
    `## Quality gates: ${report.verdict === 'passed' ? '✅ passed' : '❌ failed'}`,
    '',
    `${passed} passed, ${failed} failed, ${skipped} skipped${skipped > 0 ? ' (skipped is not passed)' : ''} in ${formatMs(report.durationMs)}.`,
    '',
    '| gate | status | measured | threshold | time |',
    '| --- | --- | --- | --- | --- |',
    ...report.gates.map(
      (g) =>
        `| ${cell(g.name)} | ${ICON[g.status]} | ${cell(g.measured)} | ${cell(g.threshold)} | ${formatMs(g.durationMs)} |`,
    ),
  ];
  for (const gate of report.gates) {
    if (gate.status === 'passed' || gate.evidence.length === 0) continue;
    out.push(
      '',
      `<details><summary>${inline(gate.name)}: ${inline(gate.reason ?? gate.status)}</summary>`,
      '',
    );
    for (const evidence of gate.evidence.slice(0, limit)) {
      const at = evidenceLocation(evidence);
      out.push(`- ${at === '' ? '' : `\`${at.replace(/`/g, "'")}\` `}${inline(evidence.message)}`);
      if (evidence.excerpt !== undefined)
        out.push(
          '',
          fenced(
            evidence.excerpt,
            evidence.excerpt.startsWith('===') || evidence.excerpt.includes('\n@@') ? 'diff' : '',
          ),
          '',
        );
    }
    if (gate.evidence.length > limit)
      out.push(`- … ${gate.evidence.length - limit} more in the JSON report`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
