import type { Chart } from '../model.js';

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const ROW = 22;
const LABEL_WIDTH = 260;
const PLOT_WIDTH = 320;
const VALUE_WIDTH = 120;

/**
 * A chart as a small horizontal bar chart in inline SVG: one bar per entry (green within its
 * limit, red beyond), the interval as a whisker, the limit as a dashed line.
 *
 * @param chart - the chart to draw
 * @returns the `<svg>` element's markup
 */
export function renderChartSvg(chart: Chart): string {
  const values = chart.bars.flatMap((b) => [b.value, b.low ?? b.value, b.high ?? b.value]);
  if (chart.limit !== undefined) values.push(chart.limit);
  const min = Math.min(0, ...values);
  const max = Math.max(0, ...values);
  const span = max - min === 0 ? 1 : max - min;
  const x = (v: number): number => LABEL_WIDTH + ((v - min) / span) * PLOT_WIDTH;
  const height = chart.bars.length * ROW + 10;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeHtml(chart.title)}</title>`,
    `<line x1="${x(0)}" y1="0" x2="${x(0)}" y2="${height}" stroke="#999"/>`,
  ];
  chart.bars.forEach((bar, i) => {
    const y = 5 + i * ROW;
    const from = Math.min(x(0), x(bar.value));
    const barWidth = Math.max(1, Math.abs(x(bar.value) - x(0)));
    parts.push(
      `<text x="${LABEL_WIDTH - 6}" y="${y + 14}" text-anchor="end" font-size="12">${escapeHtml(bar.label)}</text>`,
      `<rect x="${from.toFixed(1)}" y="${y + 3}" width="${barWidth.toFixed(1)}" height="${ROW - 8}" fill="${bar.ok ? '#2e9d57' : '#d1382f'}"><title>${escapeHtml(`${bar.label}: ${bar.value.toFixed(1)}${chart.unit}`)}</title></rect>`,
    );
    if (bar.low !== undefined && bar.high !== undefined) {
      const mid = y + ROW / 2 - 1;
      parts.push(
        `<line class="interval" x1="${x(bar.low).toFixed(1)}" y1="${mid}" x2="${x(bar.high).toFixed(1)}" y2="${mid}" stroke="#222" stroke-width="1.5"/>`,
      );
    }
    parts.push(
      `<text x="${LABEL_WIDTH + PLOT_WIDTH + 6}" y="${y + 14}" font-size="12">${escapeHtml(`${bar.value.toFixed(1)}${chart.unit}`)}</text>`,
    );
  });
  if (chart.limit !== undefined) {
    parts.push(
      `<line class="limit" x1="${x(chart.limit).toFixed(1)}" y1="0" x2="${x(chart.limit).toFixed(1)}" y2="${height}" stroke="#444" stroke-dasharray="4 3"/>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
