import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { bridgeToOpenTelemetry, createTelemetry, defaultTelemetry } from '../src/index.js';

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
});
