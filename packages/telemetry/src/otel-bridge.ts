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

/** An observable instrument as the bridge uses it; OpenTelemetry's observables fit it. */
type ObservableInstrument = ReturnType<
  ReturnType<Parameters<typeof bridgeToOpenTelemetry>[0]['getMeter']>['createObservableCounter']
>;

/**
 * Exports a telemetry instance's metrics to an OpenTelemetry `MeterProvider` (the optional
 * peer `@opentelemetry/api`; this package never loads it itself). Counters and gauges become
 * observable instruments read at each collection, so our hot path pays nothing; histograms
 * become OpenTelemetry histograms with the same explicit buckets, fed every value recorded
 * from now on. Metrics created later are exported too.
 *
 * @param meterProvider - an `@opentelemetry/api` `MeterProvider` (for example the SDK's). Its
 *   type is spelled out here, as the few methods the bridge calls, rather than imported: this
 *   package's declarations then never name `@opentelemetry/api`, so TypeScript users who do not
 *   install the optional peer still compile with `skipLibCheck: false`.
 * @param options - `telemetry`, whose metrics to export (default the default instance), and
 *   `meterName` (default `@foundation/telemetry`)
 * @returns the running export; call `stop` (or dispose it) to detach it from the provider
 */
export function bridgeToOpenTelemetry(
  meterProvider: {
    /** Returns the meter the instruments are created on. */
    getMeter(name: string): {
      /** Creates the histogram a Foundation histogram forwards each value to. */
      createHistogram(
        name: string,
        options: { description: string; advice: { explicitBucketBoundaries: number[] } },
      ): {
        /** Records one value with the labels of its series. */
        record(value: number, attributes: Readonly<Record<string, string>>): void;
      };
      /** Creates the observable counter a Foundation counter is read through. */
      createObservableCounter(
        name: string,
        options: { description: string },
      ): {
        /** Adds the callback that reports every series at a collection. */
        addCallback(
          callback: (result: {
            /** Reports one series' value with its labels. */
            observe(value: number, attributes: Readonly<Record<string, string>>): void;
          }) => void,
        ): void;
        /** Removes a callback added with `addCallback`. */
        removeCallback(
          callback: (result: {
            /** Reports one series' value with its labels. */
            observe(value: number, attributes: Readonly<Record<string, string>>): void;
          }) => void,
        ): void;
      };
      /** Creates the observable gauge a Foundation gauge is read through. */
      createObservableGauge(
        name: string,
        options: { description: string },
      ): {
        /** Adds the callback that reports every series at a collection. */
        addCallback(
          callback: (result: {
            /** Reports one series' value with its labels. */
            observe(value: number, attributes: Readonly<Record<string, string>>): void;
          }) => void,
        ): void;
        /** Removes a callback added with `addCallback`. */
        removeCallback(
          callback: (result: {
            /** Reports one series' value with its labels. */
            observe(value: number, attributes: Readonly<Record<string, string>>): void;
          }) => void,
        ): void;
      };
    };
  },
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
    const observable: ObservableInstrument =
      metric.kind === 'counter'
        ? meter.createObservableCounter(metric.name, { description })
        : meter.createObservableGauge(metric.name, { description });
    const observe: Parameters<ObservableInstrument['addCallback']>[0] = (result) => {
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
