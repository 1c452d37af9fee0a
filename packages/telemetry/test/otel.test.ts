import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FoundationError } from '@foundation/errors';
import {
  bridgeToOpenTelemetry,
  collectProcessMetrics,
  createTelemetry,
  defaultTelemetry,
  TELEMETRY_VERSION,
} from '../src/index.js';

class TestReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function points(metrics: ResourceMetrics, name: string): { attributes: unknown; value: unknown }[] {
  const found = metrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === name);
  return (found?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
}

describe('OpenTelemetry bridge', () => {
  it('exports counters, gauges and histograms (with our buckets) to a MeterProvider', async () => {
    const t = createTelemetry();
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const requests = t.metrics.counter('requests_total', {
      help: 'Requests',
      labelNames: ['route'],
    });
    requests.inc({ route: '/a' }, 2);
    const bridge = bridgeToOpenTelemetry(provider, { telemetry: t, meterName: 'test' });
    const depth = t.metrics.gauge('queue_depth');
    depth.set(7);
    const latency = t.metrics.histogram('latency_seconds', {
      buckets: [0.1, 1],
      labelNames: ['route'],
    });
    latency.record({ route: '/a' }, 0.05);
    latency.record({ route: '/a' }, 0.5);
    const { resourceMetrics } = await reader.collect();
    expect(points(resourceMetrics, 'requests_total')).toEqual([
      { attributes: { route: '/a' }, value: 2 },
    ]);
    expect(points(resourceMetrics, 'queue_depth')).toEqual([{ attributes: {}, value: 7 }]);
    const [hist] = points(resourceMetrics, 'latency_seconds');
    expect(hist!.attributes).toEqual({ route: '/a' });
    expect(hist!.value).toMatchObject({
      count: 2,
      buckets: { boundaries: [0.1, 1], counts: [1, 1, 0] },
    });
    bridge.stop();
    bridge[Symbol.dispose]();
    latency.record({ route: '/a' }, 0.5);
    requests.inc({ route: '/a' });
    const after = await reader.collect();
    // The SDK keeps reporting its last cumulative points; nothing new reaches it.
    expect(points(after.resourceMetrics, 'requests_total')).toEqual([
      { attributes: { route: '/a' }, value: 2 },
    ]);
    expect(points(after.resourceMetrics, 'latency_seconds')[0]!.value).toMatchObject({ count: 2 });
    expect(latency.labels({ route: '/a' }).count).toBe(3);
    await provider.shutdown();
  });

  it('uses the default instance when none is given', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    defaultTelemetry.metrics.counter('otel_default_total').inc();
    using _bridge = bridgeToOpenTelemetry(provider);
    const { resourceMetrics } = await reader.collect();
    expect(points(resourceMetrics, 'otel_default_total')).toEqual([{ attributes: {}, value: 1 }]);
    await provider.shutdown();
  });

  it('passes units, names the scope with the package version, and uses semantic-convention names', async () => {
    const t = createTelemetry();
    const processMetrics = collectProcessMetrics({ telemetry: t });
    const duration = t.metrics.histogram('http_server_request_duration_seconds', {
      labelNames: ['http_route', 'http_request_method', 'http_response_status_code'],
      buckets: [0.1, 1],
    });
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const bridge = bridgeToOpenTelemetry(provider, { telemetry: t });
    duration.record(
      { http_route: '/a', http_request_method: 'GET', http_response_status_code: '200' },
      0.2,
    );
    duration.record(
      { http_route: '/a', http_request_method: 'GET', http_response_status_code: '' },
      0.3,
    );
    t.metrics.counter('jobs_total').inc();
    const { resourceMetrics } = await reader.collect();
    const [scope] = resourceMetrics.scopeMetrics;
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(TELEMETRY_VERSION).toBe(version);
    expect(scope!.scope).toMatchObject({ name: '@foundation/telemetry', version });
    const descriptor = (name: string) =>
      scope!.metrics.find((metric) => metric.descriptor.name === name)?.descriptor;
    expect(descriptor('http.server.request.duration')).toMatchObject({ unit: 's' });
    expect(descriptor('process.memory.usage')).toMatchObject({ unit: 'By' });
    expect(descriptor('nodejs.eventloop.delay.p99')).toMatchObject({ unit: 's' });
    expect(descriptor('v8js.memory.heap.used')).toMatchObject({ unit: 'By' });
    expect(descriptor('jobs_total')).toMatchObject({ unit: '1' });
    expect(descriptor('process_cpu_seconds_total')).toMatchObject({ unit: 's' });
    expect(descriptor('process_resident_memory_bytes')).toBeUndefined();
    expect(
      points(resourceMetrics, 'http.server.request.duration').map((p) => p.attributes),
    ).toEqual([
      { 'http.route': '/a', 'http.request.method': 'GET', 'http.response.status_code': '200' },
      // No response was sent: the status attribute is left unset, not empty.
      { 'http.route': '/a', 'http.request.method': 'GET' },
    ]);
    const cpu = points(resourceMetrics, 'process.cpu.time');
    expect(cpu.map((p) => p.attributes)).toEqual([
      { 'cpu.mode': 'user' },
      { 'cpu.mode': 'system' },
    ]);
    expect(cpu.every((p) => typeof p.value === 'number' && p.value >= 0)).toBe(true);
    expect(
      points(resourceMetrics, 'v8js.memory.heap.used').some(
        (p) => (p.attributes as Record<string, string>)['v8js.heap.space.name'] === 'new',
      ),
    ).toBe(true);
    bridge.stop();
    processMetrics.stop();
    await provider.shutdown();
  });

  it("keeps Foundation's names when asked, and refuses a bad provider or naming", async () => {
    const t = createTelemetry();
    t.metrics.gauge('process_resident_memory_bytes').set(5);
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    using _bridge = bridgeToOpenTelemetry(provider, { telemetry: t, naming: 'foundation' });
    const { resourceMetrics } = await reader.collect();
    expect(points(resourceMetrics, 'process_resident_memory_bytes')).toEqual([
      { attributes: {}, value: 5 },
    ]);
    for (const [provider_, options] of [
      [{}, {}],
      [provider, { naming: 'otel' }],
      [provider, { meter: 'x' }],
    ] as const) {
      let caught: unknown;
      try {
        bridgeToOpenTelemetry(provider_ as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(FoundationError.is(caught)).toBe(true);
    }
    await provider.shutdown();
  });

  it('does not export histogram values recorded before the bridge (counters are read whole)', async () => {
    const t = createTelemetry();
    const latency = t.metrics.histogram('early_seconds', { buckets: [1] });
    const early = t.metrics.counter('early_total');
    latency.record(0.5);
    early.inc(3);
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    using _bridge = bridgeToOpenTelemetry(provider, { telemetry: t });
    latency.record(0.5);
    const { resourceMetrics } = await reader.collect();
    expect(points(resourceMetrics, 'early_seconds')[0]!.value).toMatchObject({ count: 1 });
    expect(latency.labels({}).count).toBe(2);
    expect(points(resourceMetrics, 'early_total')).toEqual([{ attributes: {}, value: 3 }]);
    await provider.shutdown();
  });
});
