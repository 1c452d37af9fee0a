import type { Labels } from './labels.js';
import type { MetricSnapshot } from './types.js';

/** The content type of the Prometheus text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatLabels(labels: Labels, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function formatMetric(metric: MetricSnapshot, lines: string[]): void {
  lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`);
  lines.push(`# TYPE ${metric.name} ${metric.kind}`);
  if (metric.kind !== 'histogram') {
    for (const s of metric.series) {
      lines.push(`${metric.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
    }
    return;
  }
  for (const s of metric.series) {
    for (const bucket of s.buckets) {
      const le: readonly [string, string] = ['le', formatValue(bucket.le)];
      lines.push(`${metric.name}_bucket${formatLabels(s.labels, le)} ${bucket.count}`);
    }
    lines.push(`${metric.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
    lines.push(`${metric.name}_count${formatLabels(s.labels)} ${s.count}`);
  }
}

/**
 * Writes metric snapshots in the Prometheus text exposition format (version 0.0.4): one
 * `# HELP` and `# TYPE` line per metric, then its samples; histograms as cumulative
 * `_bucket{le=...}` samples ending in `+Inf`, then `_sum` and `_count`. Ends with a newline.
 *
 * @param metrics - the snapshots to write, such as `getMetrics().metrics`, in the order given
 * @returns the exposition text, served as `text/plain; version=0.0.4`; `''` when `metrics` is
 *   empty
 */
export function toPrometheusText(metrics: readonly MetricSnapshot[]): string {
  const lines: string[] = [];
  for (const metric of metrics) formatMetric(metric, lines);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
