import { formatBytes, formatDuration } from '@foundation/core';
import {
  captureTelemetry,
  createTelemetry,
  HANDLER_FAILURE_EVENT,
  PerformanceMonitor,
} from '@foundation/telemetry';
import type { StepGroup } from './types.js';

/** One isolated telemetry instance shared by the steps, so the workflow's numbers are its own. */
const telemetry = createTelemetry();

/** The telemetry steps: events, metrics, a failing handler, Prometheus output, the monitor. */
export const telemetrySteps: StepGroup = {
  title: 'Telemetry',
  steps: [
    {
      name: 'measureEvent around a function',
      run: () => {
        using capture = captureTelemetry([['dev_workflow', 'test', 'stop']], { telemetry });
        const result = telemetry.measureEvent(
          ['dev_workflow', 'test'],
          { step: 'telemetry' },
          () => {
            let sum = 0;
            for (let i = 0; i < 100_000; i++) sum += i;
            return sum > 0 ? 'telemetry_test' : 'unexpected';
          },
        );
        const stop = capture.events[0];
        if (result !== 'telemetry_test' || !stop) throw new Error('span did not complete');
        return `result ${result}; stop event after ${formatDuration(stop.measurements.durationNs ?? 0)}`;
      },
    },
    {
      name: 'metrics collected with uptime',
      run: (ctx) => {
        const requests = telemetry.metrics.counter('workflow_requests_total', {
          help: 'Requests served by the workflow',
          labelNames: ['route'],
        });
        const orders = requests.labels({ route: '/orders' });
        for (let i = 0; i < 3; i++) orders.inc();
        requests.inc({ route: '/health' });
        const metrics = telemetry.metrics.getMetrics();
        const served = telemetry.metrics.getMetricsFor('workflow_requests')[0];
        const total =
          served?.kind === 'counter' ? served.series.reduce((n, s) => n + s.value, 0) : 0;
        if (total !== 4) throw new Error(`expected 4 requests, counted ${total}`);
        ctx.detail(`metrics: ${metrics.metrics.map((m) => m.name).join(', ')}`);
        return `uptime ${metrics.uptimeMs.toFixed(1)}ms; ${total} requests over ${served?.series.length ?? 0} routes`;
      },
    },
    {
      name: 'histogram with percentiles',
      run: () => {
        const latency = telemetry.metrics.histogram('workflow_latency_seconds', {
          help: 'Simulated request latency',
          buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        });
        const values = Array.from({ length: 100 }, (_, i) => (i + 1) / 200);
        for (const value of values) latency.record(value);
        const [series] = latency.snapshot().series;
        if (series?.count !== values.length) throw new Error('histogram lost values');
        const exact = (q: number): string =>
          (values[Math.ceil(q * values.length) - 1] ?? 0).toFixed(3);
        return `count ${series.count}, p50 ${series.p50.toFixed(3)}s, p90 ${series.p90.toFixed(3)}s, p99 ${series.p99.toFixed(3)}s (exact ${exact(0.5)} / ${exact(0.9)} / ${exact(0.99)})`;
      },
    },
    {
      name: 'a throwing handler is detached and the caller carries on',
      run: () => {
        using failures = captureTelemetry([HANDLER_FAILURE_EVENT], { telemetry });
        let healthyCalls = 0;
        telemetry.attach('workflow-broken', ['workflow', 'tick'], () => {
          throw new Error('handler bug');
        });
        telemetry.attach('workflow-healthy', ['workflow', 'tick'], () => {
          healthyCalls++;
        });
        telemetry.execute(['workflow', 'tick'], { count: 1 });
        telemetry.execute(['workflow', 'tick'], { count: 1 });
        const left = telemetry.listHandlers(['workflow']).map((h) => h.id);
        telemetry.detach('workflow-healthy');
        if (
          left.includes('workflow-broken') ||
          healthyCalls !== 2 ||
          failures.events.length !== 1
        ) {
          throw new Error('the failing handler was not detached');
        }
        return `failure event for '${String(failures.events[0]?.metadata.handlerId)}'; healthy handler ran ${healthyCalls}x; left: ${left.join(', ')}`;
      },
    },
    {
      name: 'Prometheus output',
      run: (ctx) => {
        const text = telemetry.metrics.toPrometheus();
        const lines = text.trimEnd().split('\n');
        const samples = lines.filter((l) => !l.startsWith('#'));
        for (const line of lines.filter((l) => l.startsWith('workflow_requests_total')))
          ctx.detail(line);
        if (!text.includes('# TYPE workflow_latency_seconds histogram'))
          throw new Error('histogram missing');
        return `${lines.length} lines, ${samples.length} samples`;
      },
    },
    {
      name: "the performance monitor's last sample",
      run: async () => {
        await using monitor = new PerformanceMonitor({ telemetry, intervalMs: 1000 });
        monitor.start();
        await new Promise((resolve) => setImmediate(resolve));
        monitor.sampleNow();
        const sample = monitor.lastSample();
        if (!sample) throw new Error('no sample taken');
        return `heap ${formatBytes(sample.memory.heapUsedBytes)} of ${formatBytes(sample.memory.heapTotalBytes)}, rss ${formatBytes(sample.memory.rssBytes)}, loop p99 ${sample.eventLoop.delayP99Ms.toFixed(2)}ms, ${sample.activeHandles} handles; health ${monitor.health().status}`;
      },
    },
  ],
};
