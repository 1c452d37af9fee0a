import type { GateResult, GateStatus, QualityReport } from '../model.js';
import { evidenceLocation, formatMs } from './format.js';
import { escapeHtml, renderChartSvg } from './svg.js';

const STATUS_TEXT: Record<GateStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem}.verdict{display:inline-block;padding:.2rem .7rem;border-radius:4px;color:#fff;font-weight:600}
.v-passed{background:#2e9d57}.v-failed{background:#d1382f}.meta{color:#666;margin:.3rem 0 1.2rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
.s-passed{color:#2e9d57;font-weight:600}.s-failed{color:#d1382f;font-weight:600}.s-skipped{color:#b26b00;font-weight:600}
details{margin:.2rem 0}summary{cursor:pointer}pre{background:#f5f5f7;padding:.5rem;overflow:auto;font-size:12px}
ul.evidence{margin:.3rem 0 .3rem 1rem;padding:0}code{font-size:12px}section.charts h2{font-size:1.1rem}
`;

function evidenceList(gate: GateResult): string {
  if (gate.evidence.length === 0) return '<span class="none">no evidence</span>';
  const items = gate.evidence.map((e) => {
    const at = evidenceLocation(e);
    return `<li>${at === '' ? '' : `<code>${escapeHtml(at)}</code> `}${escapeHtml(e.message)}${
      e.excerpt === undefined ? '' : `<pre>${escapeHtml(e.excerpt)}</pre>`
    }</li>`;
  });
  return `<details${gate.status === 'failed' ? ' open' : ''}><summary>${gate.evidence.length} item${
    gate.evidence.length === 1 ? '' : 's'
  }</summary><ul class="evidence">${items.join('')}</ul></details>`;
}

/**
 * The HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing loaded
 * from the network) with the verdict, a row per gate with its evidence expandable, and every
 * gate's charts (coverage per package, benchmark changes with their intervals).
 *
 * @param report - the report to render
 * @returns the HTML document
 */
export function renderHtml(report: QualityReport): string {
  const { passed, failed, skipped } = report.summary;
  const rows = report.gates.map(
    (g) =>
      `<tr class="gate" data-gate="${escapeHtml(g.name)}" data-status="${g.status}"><td>${escapeHtml(g.name)}</td><td class="s-${g.status}">${
        STATUS_TEXT[g.status]
      }${g.reason === undefined ? '' : `<br><small>${escapeHtml(g.reason)}</small>`}</td><td>${escapeHtml(g.measured)}</td><td>${escapeHtml(
        g.threshold,
      )}</td><td>${formatMs(g.durationMs)}</td><td>${evidenceList(g)}</td></tr>`,
  );
  const charts = report.gates.flatMap((g) =>
    (g.charts ?? []).map(
      (c) =>
        `<figure data-gate="${escapeHtml(g.name)}"><h2>${escapeHtml(c.title)}</h2>${renderChartSvg(c)}</figure>`,
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Quality gates: ${report.verdict}</title><style>${STYLE}</style></head>
<body><h1>Quality gates <span class="verdict v-${report.verdict}" id="verdict">${report.verdict}</span></h1>
<p class="meta">${passed} passed, ${failed} failed, ${skipped} skipped${
    skipped > 0 ? ' (skipped is not passed)' : ''
  } · ${formatMs(report.durationMs)} · ${escapeHtml(report.startedAt)} · ${escapeHtml(report.rootDir)}</p>
<table id="gates"><thead><tr><th>gate</th><th>status</th><th>measured</th><th>threshold</th><th>time</th><th>evidence</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${charts.length > 0 ? `<section class="charts">${charts.join('\n')}</section>` : ''}
</body></html>
`;
}
