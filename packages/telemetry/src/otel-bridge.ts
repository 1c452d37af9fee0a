import type { MeterProvider, ObservableResult } from '@opentelemetry/api';
import { defaultTelemetry } from './default-instance.js';
import type { AnyMetric } from './metrics/registry.js';
import type { Telemetry } from './telemetry.js';

/** Options for {@link bridgeToOpenTelemetry}. */
export interface OpenTelemetryBridgeOptions {
  /** Whose metrics to export. Default: the default telemetry instance. */
  readonly telemetry?: Telemetry;
  /** The meter's name. Default `@foundation/telemetry`. */
  readonly meterName?: string;
}

/** A running OpenTelemetry export; `stop` detaches it. */
export interface OpenTelemetryBridge {
  /** Stops exporting (observable callbacks removed, histograms no longer forwarded). */
  stop(): void;
  /** Same as `stop`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * Exports a telemetry instance's metrics to an OpenTelemetry `MeterProvider` (the optional
 * peer `@opentelemetry/api`; this package never loads it itself). Counters and gauges become
 * observable instruments read at each collection, so our hot path pays nothing; histograms
 * become OpenTelemetry histograms with the same explicit buckets, fed every value recorded
 * from now on. Metrics created later are exported too.
 */
export function bridgeToOpenTelemetry(
  meterProvider: MeterProvider,
  options: OpenTelemetryBridgeOptions = {},
): OpenTelemetryBridge {
  const { metrics } = options.telemetry ?? defaultTelemetry;
  const meter = meterProvider.getMeter(options.meterName ?? '@foundation/telemetry');
  const cleanups: (() => void)[] = [];

  const exportMetric = (metric: AnyMetric): void => {
    const description = metric.help;
    if (metric.kind === 'histogram') {
      const histogram = meter.createHistogram(metric.name, {
        description,
        advice: { explicitBucketBoundaries: [...metric.buckets] },
      });
      metric.setSink((value, labels) => {
        histogram.record(value, labels);
      });
      cleanups.push(() => {
        metric.setSink(undefined);
      });
      return;
    }
    const observable =
      metric.kind === 'counter'
        ? meter.createObservableCounter(metric.name, { description })
        : meter.createObservableGauge(metric.name, { description });
    const observe = (result: ObservableResult): void => {
      for (const series of metric.allSeries()) result.observe(series.value, series.labels);
    };
    observable.addCallback(observe);
    cleanups.push(() => {
      observable.removeCallback(observe);
    });
  };

  for (const metric of metrics.list()) exportMetric(metric);
  cleanups.push(metrics.onMetricCreated(exportMetric));
  const stop = (): void => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  return { stop, [Symbol.dispose]: stop };
}
