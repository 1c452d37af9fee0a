import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE, toPrometheusText } from '../src/index.js';

/**
 * A checker for the Prometheus text exposition format 0.0.4, written from the format's rules:
 * line syntax, names, label syntax and escapes, one HELP/TYPE per family before its samples,
 * families contiguous, no duplicate series, histogram buckets cumulative with a final +Inf
 * equal to _count, and a trailing newline.
 */
function checkExposition(text: string): { families: Map<string, string>; samples: number } {
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
  const VALUE = '(?:[-+]?(?:\\d+\\.?\\d*(?:[eE][-+]?\\d+)?|\\.\\d+(?:[eE][-+]?\\d+)?)|[-+]Inf|NaN)';
  const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
  const sampleLine = new RegExp(
    `^(${NAME})(\\{(?:${LABEL}=${LABEL_VALUE}(?:,${LABEL}=${LABEL_VALUE})*)?\\})? (${VALUE})$`,
  );
  const helpLine = new RegExp(`^# HELP (${NAME}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
  const typeLine = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
  if (text !== '') expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, string>();
  const closed = new Set<string>();
  const seriesSeen = new Set<string>();
  const helpSeen = new Set<string>();
  let current: string | undefined;
  let samples = 0;
  const buckets = new Map<string, { le: number; count: number }[]>();
  const counts = new Map<string, number>();
  const familyOf = (name: string): string => {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && families.get(base) === 'histogram') return base;
    }
    return name;
  };
  for (const line of text.split('\n').slice(0, -1)) {
    const help = helpLine.exec(line);
    const type = typeLine.exec(line);
    if (help) {
      expect(helpSeen.has(help[1]!), `second HELP for ${help[1]}`).toBe(false);
      helpSeen.add(help[1]!);
      continue;
    }
    if (type) {
      const name = type[1]!;
      expect(families.has(name), `second TYPE for ${name}`).toBe(false);
      if (current !== undefined) closed.add(current);
      families.set(name, type[2]!);
      current = name;
      continue;
    }
    const sample = sampleLine.exec(line);
    expect(sample, `malformed line: ${line}`).not.toBeNull();
    const [, name, labelText = '', value] = sample!;
    const family = familyOf(name!);
    expect(family, `sample ${name} outside its family`).toBe(current);
    expect(closed.has(family)).toBe(false);
    const labels = labelText.slice(1, -1);
    const pairs = labels === '' ? [] : labels.match(new RegExp(`${LABEL}=${LABEL_VALUE}`, 'g'))!;
    const names = pairs.map((p) => p.slice(0, p.indexOf('=')));
    expect(new Set(names).size, `duplicate label in ${line}`).toBe(names.length);
    const key = `${name}|${[...pairs].sort().join(',')}`;
    expect(seriesSeen.has(key), `duplicate series ${key}`).toBe(false);
    seriesSeen.add(key);
    samples++;
    if (families.get(family) === 'histogram') {
      const others = pairs
        .filter((p) => !p.startsWith('le='))
        .sort()
        .join(',');
      const seriesKey = `${family}|${others}`;
      if (name!.endsWith('_bucket')) {
        const le = pairs.find((p) => p.startsWith('le='));
        expect(le, 'bucket without le').toBeDefined();
        const bound = le!.slice(4, -1);
        const list = buckets.get(seriesKey) ?? [];
        list.push({ le: bound === '+Inf' ? Infinity : Number(bound), count: Number(value) });
        buckets.set(seriesKey, list);
      }
      if (name!.endsWith('_count')) counts.set(seriesKey, Number(value));
    }
  }
  for (const [key, list] of buckets) {
    for (let i = 1; i < list.length; i++) {
      expect(list[i]!.le).toBeGreaterThan(list[i - 1]!.le);
      expect(list[i]!.count).toBeGreaterThanOrEqual(list[i - 1]!.count);
    }
    expect(list.at(-1)!.le).toBe(Infinity);
    expect(list.at(-1)!.count).toBe(counts.get(key));
  }
  return { families, samples };
}

describe('Prometheus text exposition', () => {
  it('writes counters, gauges and histograms a Prometheus server can scrape', () => {
    const registry = new MetricsRegistry();
    registry
      .counter('http_requests_total', { help: 'Requests', labelNames: ['method', 'code'] })
      .inc({ method: 'GET', code: 200 }, 3);
    registry.gauge('temperature_celsius', { help: 'Temp\nwith a \\ backslash' }).set(-4.5);
    const h = registry.histogram('latency_seconds', {
      help: 'Latency',
      buckets: [0.1, 1],
      labelNames: ['route'],
    });
    h.record({ route: '/a"b\\c\nd' }, 0.05);
    h.record({ route: '/a"b\\c\nd' }, 5);
    registry.counter('unused_total', { labelNames: ['x'] });
    const text = registry.toPrometheus();
    const { families, samples } = checkExposition(text);
    expect([...families]).toEqual([
      ['http_requests_total', 'counter'],
      ['temperature_celsius', 'gauge'],
      ['latency_seconds', 'histogram'],
      ['unused_total', 'counter'],
    ]);
    expect(samples).toBe(1 + 1 + 3 + 2);
    expect(text).toContain('http_requests_total{method="GET",code="200"} 3\n');
    expect(text).toContain('# HELP temperature_celsius Temp\\nwith a \\\\ backslash\n');
    expect(text).toContain('temperature_celsius -4.5\n');
    expect(text).toContain('latency_seconds_bucket{route="/a\\"b\\\\c\\nd",le="0.1"} 1\n');
    expect(text).toContain('latency_seconds_bucket{route="/a\\"b\\\\c\\nd",le="+Inf"} 2\n');
    expect(text).toContain('latency_seconds_sum{route="/a\\"b\\\\c\\nd"} 5.05\n');
    expect(text).toContain('latency_seconds_count{route="/a\\"b\\\\c\\nd"} 2\n');
    expect(PROMETHEUS_CONTENT_TYPE).toMatch(/version=0\.0\.4/);
  });

  it('formats special values and an empty registry', () => {
    expect(toPrometheusText([])).toBe('');
    const text = toPrometheusText([
      {
        name: 'g',
        kind: 'gauge',
        help: 'g',
        labelNames: [],
        overflowCount: 0,
        series: [
          { labels: { k: 'nan' }, value: Number.NaN },
          { labels: { k: 'inf' }, value: Infinity },
          { labels: { k: 'ninf' }, value: -Infinity },
          { labels: { k: 'big' }, value: 1e21 },
        ],
      },
    ]);
    checkExposition(text);
    expect(text).toContain('g{k="nan"} NaN');
    expect(text).toContain('g{k="inf"} +Inf');
    expect(text).toContain('g{k="ninf"} -Inf');
  });

  it('stays valid for any label values and recorded values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.string({ unit: 'binary' }), fc.double({ min: 0, max: 1e6, noNaN: true })),
          {
            maxLength: 20,
          },
        ),
        (entries) => {
          const registry = new MetricsRegistry({ maxSeriesPerMetric: 5 });
          const c = registry.counter('c_total', { labelNames: ['v'] });
          const h = registry.histogram('h_seconds', { labelNames: ['v'], buckets: [1, 10, 100] });
          for (const [label, value] of entries) {
            c.inc({ v: label }, value);
            h.record({ v: label }, value);
          }
          checkExposition(registry.toPrometheus());
        },
      ),
      { numRuns: 100 },
    );
  });
});
