import type { Labels, MetricSnapshot } from '@foundation/telemetry';

/** The content type of the OpenMetrics text format this module writes. */
export const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

// Units OpenMetrics names (its base units); a family whose name ends in `_<unit>` says so.
const UNITS = [
  'seconds',
  'bytes',
  'ratio',
  'meters',
  'grams',
  'volts',
  'amperes',
  'joules',
  'celsius',
];

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** A canonical `le` value: integers keep a `.0` (`1.0`, not `1`), as the specification asks. */
function formatBound(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return `${value}.0`;
  return formatNumber(value);
}

function formatLabels(labels: Labels, le?: string): string {
  let out = '';
  for (const [name, value] of Object.entries(labels)) {
    out += `${out === '' ? '' : ','}${name}="${escape(value)}"`;
  }
  if (le !== undefined) out += `${out === '' ? '' : ','}le="${le}"`;
  return out === '' ? '' : `{${out}}`;
}

function unitOf(family: string): string | undefined {
  return UNITS.find((unit) => family.endsWith(`_${unit}`));
}

function writeFamily(metric: MetricSnapshot, lines: string[]): void {
  // A counter's family name has no `_total`; its samples always do.
  const family =
    metric.kind === 'counter' && metric.name.endsWith('_total')
      ? metric.name.slice(0, -'_total'.length)
      : metric.name;
  lines.push(`# TYPE ${family} ${metric.kind}`);
  const unit = unitOf(family);
  if (unit !== undefined) lines.push(`# UNIT ${family} ${unit}`);
  lines.push(`# HELP ${family} ${escape(metric.help)}`);
  if (metric.kind === 'counter') {
    for (const s of metric.series) {
      lines.push(`${family}_total${formatLabels(s.labels)} ${formatNumber(s.value)}`);
    }
    return;
  }
  if (metric.kind === 'gauge') {
    for (const s of metric.series) {
      lines.push(`${family}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
    }
    return;
  }
  // With negative buckets (or values) the sum is no longer a counter, so it is left out.
  const negativeBounds = metric.bucketBounds.some((bound) => bound < 0);
  for (const s of metric.series) {
    for (const bucket of s.buckets) {
      lines.push(
        `${family}_bucket${formatLabels(s.labels, formatBound(bucket.le))} ${bucket.count}`,
      );
    }
    if (!negativeBounds && s.sum >= 0) {
      lines.push(`${family}_sum${formatLabels(s.labels)} ${formatNumber(s.sum)}`);
    }
    lines.push(`${family}_count${formatLabels(s.labels)} ${s.count}`);
  }
}

/**
 * Writes metric snapshots (from `@foundation/telemetry`'s `MetricsRegistry`) in the
 * OpenMetrics 1.0 text format: per family `# TYPE`, `# UNIT` (when the name ends in a base
 * unit such as `_seconds` or `_bytes`) and `# HELP`; counter samples end in `_total` (a
 * counter named `x_total` is the family `x`); histogram buckets carry canonical `le` values
 * and end in `+Inf`; the output ends with `# EOF`.
 *
 * @param metrics - the registry's snapshots, written in this order; an empty list gives just
 *   `# EOF`
 * @returns the exposition text, newline-terminated, to serve with
 *   {@link OPENMETRICS_CONTENT_TYPE}
 */
export function toOpenMetricsText(metrics: readonly MetricSnapshot[]): string {
  const lines: string[] = [];
  for (const metric of metrics) writeFamily(metric, lines);
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
