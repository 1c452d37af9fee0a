import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  captureTelemetry,
  createTelemetry,
  DEFAULT_BUCKETS,
  estimateQuantile,
  exponentialBuckets,
  getMetrics,
  getMetricsFor,
  LABEL_OVERFLOW_EVENT,
  linearBuckets,
  MetricsRegistry,
  OVERFLOW_LABEL_VALUE,
  resetMetrics,
  defaultTelemetry,
  type MetricDefinition,
} from '../src/index.js';

function codeOf(fn: () => unknown): { codeName: string; path: unknown; rule: unknown } {
  try {
    fn();
  } catch (error) {
    if (!FoundationError.is(error)) throw error;
    return { codeName: error.codeName, path: error.context.path, rule: error.context.rule };
  }
  throw new Error('expected a FoundationError');
}

describe('counters', () => {
  it('count with and without labels, and bound series are the same series', () => {
    const registry = new MetricsRegistry();
    const plain = registry.counter('jobs_total', { help: 'Jobs' });
    plain.inc();
    plain.inc(2.5);
    const byRoute = registry.counter('requests_total', { labelNames: ['route', 'ok'] });
    byRoute.inc({ route: '/a', ok: true });
    const bound = byRoute.labels({ route: '/a', ok: true });
    bound.inc(3);
    byRoute.inc({ route: '/b', ok: false }, 2);
    expect(plain.labels({}).value).toBe(3.5);
    expect(bound.value).toBe(4);
    expect(byRoute.snapshot().series).toEqual([
      { labels: { route: '/a', ok: 'true' }, value: 4 },
      { labels: { route: '/b', ok: 'false' }, value: 2 },
    ]);
  });

  it('refuses decrements, non-numbers and bad label sets, leaving the value unchanged', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('c_total', { labelNames: ['route'] });
    const bound = c.labels({ route: '/' });
    bound.inc();
    expect(
      codeOf(() => {
        bound.inc(-1);
      }),
    ).toMatchObject({
      codeName: 'invalid_input',
      path: 'c_total.amount',
    });
    expect(
      codeOf(() => {
        bound.inc(Number.NaN);
      }).codeName,
    ).toBe('invalid_input');
    expect(
      codeOf(() => {
        bound.inc(Infinity);
      }).codeName,
    ).toBe('invalid_input');
    expect(
      codeOf(() => {
        bound.inc('1' as unknown as number);
      }).codeName,
    ).toBe('invalid_input');
    expect(
      codeOf(() => {
        c.inc();
      }).path,
    ).toBe('c_total.labels');
    expect(
      codeOf(() => {
        c.inc({});
      }).path,
    ).toBe('c_total.labels.route');
    expect(
      codeOf(() => {
        c.inc({ route: '/', extra: 'x' });
      }).path,
    ).toBe('c_total.labels.extra');
    expect(
      codeOf(() => {
        c.inc({ route: {} as unknown as string });
      }).codeName,
    ).toBe('type_mismatch');
    expect(
      codeOf(() => {
        c.inc(JSON.parse('{"route":"/","__proto__":"x"}'));
      }).codeName,
    ).toBe('invalid_input');
    expect(
      codeOf(() => {
        c.inc(null as unknown as number);
      }).path,
    ).toBe('c_total.labels');
    expect(bound.value).toBe(1);
    expect(c.snapshot().series).toHaveLength(1);
  });

  it('keeps label sets with separators apart (no key collisions)', () => {
    const c = new MetricsRegistry().counter('k_total', { labelNames: ['a', 'b'] });
    c.inc({ a: 'x1:', b: 'y' });
    c.inc({ a: 'x', b: '1:y' });
    expect(c.snapshot().series).toHaveLength(2);
  });

  it('never loses increments from interleaved async callers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 30,
        }),
        async (callers) => {
          const c = new MetricsRegistry().counter('hits_total', { labelNames: ['worker'] });
          await Promise.all(
            callers.map(async ([times, yields], worker) => {
              const bound = c.labels({ worker: worker % 3 });
              for (let i = 0; i < times; i++) {
                for (let y = 0; y < yields; y++) await Promise.resolve();
                if (i % 2 === 0) bound.inc();
                else c.inc({ worker: worker % 3 });
              }
            }),
          );
          const total = c.snapshot().series.reduce((sum, s) => sum + s.value, 0);
          expect(total).toBe(callers.reduce((sum, [times]) => sum + times, 0));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('gauges', () => {
  it('set, inc and dec, with and without labels', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge('queue_depth');
    g.set(10);
    g.inc();
    g.dec(4);
    g.inc(-2);
    expect(g.snapshot().series[0]!.value).toBe(5);
    const lg = registry.gauge('pool_size', { labelNames: ['pool'] });
    lg.set({ pool: 'db' }, 3);
    lg.inc({ pool: 'db' });
    lg.dec({ pool: 'db' }, 2);
    lg.dec({ pool: 'cache' });
    expect(lg.snapshot().series.map((s) => s.value)).toEqual([2, -1]);
    expect(
      codeOf(() => {
        g.set(Number.NaN);
      }),
    ).toMatchObject({
      codeName: 'type_mismatch',
      path: 'queue_depth.value',
    });
    expect(
      codeOf(() => {
        g.inc(Infinity);
      }).path,
    ).toBe('queue_depth.amount');
    expect(
      codeOf(() => {
        g.set('3' as unknown as number);
      }).codeName,
    ).toBe('type_mismatch');
    expect(g.snapshot().series[0]!.value).toBe(5);
  });
});

describe('histograms', () => {
  it('counts values into explicit buckets with sum, count, min, max and percentiles', () => {
    const h = new MetricsRegistry().histogram('latency_seconds', { buckets: [0.1, 0.5, 1] });
    for (const v of [0.05, 0.2, 0.3, 0.7, 2]) h.record(v);
    const [series] = h.snapshot().series;
    expect(series!.count).toBe(5);
    expect(series!.sum).toBeCloseTo(3.25);
    expect(series!.min).toBe(0.05);
    expect(series!.max).toBe(2);
    expect(series!.buckets).toEqual([
      { le: 0.1, count: 1 },
      { le: 0.5, count: 3 },
      { le: 1, count: 4 },
      { le: Infinity, count: 5 },
    ]);
    expect(series!.p50).toBeGreaterThan(0.1);
    expect(series!.p50).toBeLessThanOrEqual(0.5);
    expect(series!.p99).toBeGreaterThan(1);
    expect(series!.p99).toBeLessThanOrEqual(2);
    expect(h.snapshot().bucketBounds).toEqual([0.1, 0.5, 1]);
  });

  it('uses the default buckets and reports NaN percentiles while empty', () => {
    const h = new MetricsRegistry().histogram('empty_seconds');
    expect(h.buckets).toEqual(DEFAULT_BUCKETS);
    const [series] = h.snapshot().series;
    expect(series!.count).toBe(0);
    expect(series!.p50).toBeNaN();
    expect(series!.min).toBeNaN();
    expect(series!.max).toBeNaN();
  });

  it('refuses negative values unless allowed, and non-finite values always', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('size_bytes', { buckets: [10, 100] });
    expect(
      codeOf(() => {
        h.record(-1);
      }),
    ).toMatchObject({
      codeName: 'invalid_input',
      path: 'size_bytes.value',
    });
    expect(
      codeOf(() => {
        h.record(Number.NaN);
      }).codeName,
    ).toBe('type_mismatch');
    expect(
      codeOf(() => {
        h.record(Infinity);
      }).codeName,
    ).toBe('type_mismatch');
    expect(
      codeOf(() => {
        h.record('5' as unknown as number);
      }).codeName,
    ).toBe('type_mismatch');
    expect(h.snapshot().series[0]!.count).toBe(0);
    const signed = registry.histogram('delta', {
      buckets: [-10, 0, 10],
      allowNegative: true,
      labelNames: ['k'],
    });
    signed.record({ k: 'a' }, -5);
    expect(
      codeOf(() => {
        signed.record({ k: 'a' }, -Infinity);
      }).codeName,
    ).toBe('type_mismatch');
    expect(signed.labels({ k: 'a' }).count).toBe(1);
    expect(signed.labels({ k: 'a' }).quantile(0.5)).toBe(-5);
    expect(codeOf(() => signed.labels({ k: 'a' }).quantile(0)).path).toBe('delta.quantile');
  });

  it('refuses bad bucket definitions', () => {
    const registry = new MetricsRegistry();
    expect(codeOf(() => registry.histogram('a', { buckets: [] })).path).toBe('buckets');
    expect(codeOf(() => registry.histogram('a', { buckets: [1, 1] })).path).toBe('buckets[1]');
    expect(codeOf(() => registry.histogram('a', { buckets: [1, Infinity] })).path).toBe(
      'buckets[1]',
    );
    expect(codeOf(() => registry.histogram('a', { buckets: [-1, 1] })).path).toBe('buckets[0]');
    expect(
      codeOf(() => registry.histogram('a', { allowNegative: 'yes' as unknown as boolean })).path,
    ).toBe('allowNegative');
    expect(codeOf(() => registry.histogram('a', { labelNames: ['le'] })).path).toBe(
      'labelNames[0]',
    );
    expect(registry.list()).toEqual([]);
  });

  it('uses a binary search over many buckets with the same result as a scan', () => {
    const registry = new MetricsRegistry();
    const bounds = linearBuckets(1, 1, 40);
    const h = registry.histogram('many', { buckets: bounds });
    for (const v of [0, 1, 1.5, 20, 40, 41]) h.record(v);
    const cumulative = h.snapshot().series[0]!.buckets;
    expect(cumulative[0]!.count).toBe(2);
    expect(cumulative[1]!.count).toBe(3);
    expect(cumulative[19]!.count).toBe(4);
    expect(cumulative[39]!.count).toBe(5);
    expect(cumulative[40]!.count).toBe(6);
  });

  it('estimates percentiles within the bucket error of the exact percentile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9, 0.99),
        (values, q) => {
          const bounds = exponentialBuckets(1, 2, 10);
          const h = new MetricsRegistry().histogram('p', { buckets: bounds });
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
          const estimate = h.labels({}).quantile(q);
          // The bucket holding the exact value, narrowed to the observed range.
          const i = bounds.findIndex((b) => exact <= b);
          const lower = Math.max(i <= 0 ? sorted[0]! : bounds[i - 1]!, sorted[0]!);
          const upper = i === -1 ? sorted.at(-1)! : Math.min(bounds[i]!, sorted.at(-1)!);
          expect(estimate).toBeGreaterThanOrEqual(lower - 1e-9);
          expect(estimate).toBeLessThanOrEqual(upper + 1e-9);
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(upper - lower + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('estimateQuantile is NaN for no values', () => {
    expect(estimateQuantile([1], [0, 0], 0, Infinity, -Infinity, 0.5)).toBeNaN();
  });

  it('bucket helpers build and check their input', () => {
    expect(linearBuckets(0, 5, 3)).toEqual([0, 5, 10]);
    expect(exponentialBuckets(1, 10, 3)).toEqual([1, 10, 100]);
    expect(codeOf(() => linearBuckets(0, 0, 3)).path).toBe('width');
    expect(codeOf(() => exponentialBuckets(1, 1, 3)).path).toBe('factor');
    expect(codeOf(() => exponentialBuckets(1, 2, 0)).path).toBe('count');
    expect(codeOf(() => linearBuckets(0, 1, 1.5)).path).toBe('count');
  });
});

describe('label cap and overflow', () => {
  it('sends combinations past the cap to one overflow series and reports it once', () => {
    const t = createTelemetry({ maxSeriesPerMetric: 2 });
    using capture = captureTelemetry([LABEL_OVERFLOW_EVENT], { telemetry: t });
    const published: unknown[] = [];
    const onOverflow = (m: unknown): void => {
      published.push(m);
    };
    subscribe('foundation:telemetry:label-overflow', onOverflow);
    try {
      const c = t.metrics.counter('users_total', { labelNames: ['user'] });
      for (const user of ['a', 'b', 'c', 'd', 'c']) c.inc({ user });
      c.inc({ user: 'a' });
      const snapshot = c.snapshot();
      expect(snapshot.series.map((s) => [s.labels.user, s.value])).toEqual([
        ['a', 2],
        ['b', 1],
        [OVERFLOW_LABEL_VALUE, 3],
      ]);
      expect(snapshot.overflowCount).toBe(3);
      expect(capture.events).toHaveLength(1);
      expect(capture.events[0]!.metadata).toMatchObject({ metric: 'users_total' });
      expect(published).toHaveLength(1);
      const h = t.metrics.histogram('h', { labelNames: ['k'], maxSeries: 1 });
      h.record({ k: 'x' }, 1);
      h.record({ k: 'y' }, 1);
      expect(h.snapshot().series.map((s) => s.labels.k)).toEqual(['x', OVERFLOW_LABEL_VALUE]);
      t.metrics.resetMetrics();
      expect(c.snapshot().overflowCount).toBe(0);
    } finally {
      unsubscribe('foundation:telemetry:label-overflow', onOverflow);
    }
  });
});

describe('registry', () => {
  it('returns the same metric for the same definition and refuses a conflicting one', () => {
    const registry = new MetricsRegistry();
    const a = registry.counter('x_total', { labelNames: ['k'] });
    expect(registry.counter('x_total', { labelNames: ['k'], help: 'other help' })).toBe(a);
    const conflict = codeOf(() => registry.gauge('x_total', { labelNames: ['k'] }));
    expect(conflict.codeName).toBe('telemetry_metric_conflict');
    expect(codeOf(() => registry.counter('x_total')).codeName).toBe('telemetry_metric_conflict');
    const h = registry.histogram('lat', { buckets: [1, 2] });
    expect(registry.histogram('lat', { buckets: [1, 2] })).toBe(h);
    expect(codeOf(() => registry.histogram('lat', { buckets: [1, 3] })).codeName).toBe(
      'telemetry_metric_conflict',
    );
    // Names a histogram exposes are taken too.
    expect(codeOf(() => registry.counter('lat_count')).codeName).toBe('telemetry_metric_conflict');
    expect(registry.get('lat')).toBe(h);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('creates metrics from data and refuses unknown kinds and bad names', () => {
    const registry = new MetricsRegistry();
    const defs: MetricDefinition[] = [
      { kind: 'counter', name: 'a_total' },
      { kind: 'gauge', name: 'b' },
      { kind: 'histogram', name: 'c', buckets: [1] },
    ];
    expect(defs.map((d) => registry.metric(d).kind)).toEqual(['counter', 'gauge', 'histogram']);
    expect(
      codeOf(() => registry.metric({ kind: 'summary', name: 'd' } as unknown as MetricDefinition)),
    ).toMatchObject({
      codeName: 'invalid_input',
      path: 'kind',
    });
    expect(codeOf(() => registry.metric(null as unknown as MetricDefinition)).path).toBe(
      'definition',
    );
    expect(codeOf(() => registry.counter('bad name')).path).toBe('name');
    expect(codeOf(() => registry.counter('9lives')).path).toBe('name');
    expect(codeOf(() => registry.counter('ok', { help: 5 as unknown as string })).path).toBe(
      'help',
    );
    expect(
      codeOf(() => registry.counter('ok', { labelNames: 'k' as unknown as string[] })).path,
    ).toBe('labelNames');
    expect(codeOf(() => registry.counter('ok', { labelNames: ['__x'] })).path).toBe(
      'labelNames[0]',
    );
    expect(codeOf(() => registry.counter('ok', { labelNames: ['constructor'] })).path).toBe(
      'labelNames[0]',
    );
    expect(codeOf(() => registry.counter('ok', { labelNames: ['a', 'a'] })).path).toBe(
      'labelNames[1]',
    );
    expect(codeOf(() => registry.counter('ok', { maxSeries: 0 })).path).toBe('maxSeries');
    expect(codeOf(() => new MetricsRegistry({ maxSeriesPerMetric: -1 })).path).toBe(
      'maxSeriesPerMetric',
    );
    expect(registry.list().map((m) => m.name)).toEqual(['a_total', 'b', 'c']);
  });

  it('getMetrics reports uptime from the clock; getMetricsFor filters; resetMetrics zeroes', () => {
    const clock = new ManualClock();
    const registry = new MetricsRegistry({ clock });
    const c = registry.counter('app_requests_total');
    const bound = c.labels({});
    registry.gauge('app_queue').set(4);
    registry.histogram('other_seconds').record(0.2);
    bound.inc(5);
    clock.advance(1500);
    const all = registry.getMetrics();
    expect(all.uptimeMs).toBe(1500);
    expect(all.timestampMs).toBe(clock.wallMs());
    expect(all.metrics.map((m) => m.name)).toEqual([
      'app_requests_total',
      'app_queue',
      'other_seconds',
    ]);
    expect(registry.getMetricsFor('app_').map((m) => m.name)).toEqual([
      'app_requests_total',
      'app_queue',
    ]);
    expect(codeOf(() => registry.getMetricsFor(3 as unknown as string)).path).toBe('prefix');
    registry.resetMetrics();
    expect(bound.value).toBe(0);
    bound.inc();
    expect(registry.getMetricsFor('app_requests')[0]).toMatchObject({ series: [{ value: 1 }] });
    expect(registry.getMetricsFor('other')[0]).toMatchObject({ series: [{ count: 0 }] });
  });

  it('the module-level functions read the default instance', () => {
    const c = defaultTelemetry.metrics.counter('module_level_total');
    c.inc(2);
    expect(getMetrics().metrics.some((m) => m.name === 'module_level_total')).toBe(true);
    expect(getMetricsFor('module_level')[0]).toMatchObject({ series: [{ value: 2 }] });
    resetMetrics();
    expect(getMetricsFor('module_level')[0]).toMatchObject({ series: [{ value: 0 }] });
  });

  it('onMetricCreated tells listeners about new metrics until unsubscribed', () => {
    const registry = new MetricsRegistry();
    const seen: string[] = [];
    const off = registry.onMetricCreated((m) => seen.push(m.name));
    registry.counter('one');
    registry.counter('one');
    off();
    registry.counter('two');
    expect(seen).toEqual(['one']);
  });
});
