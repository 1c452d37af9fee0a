import { systemClock, type Clock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { inputError, TelemetryErrorCodes } from '../codes.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';
import type { LabelValues } from './labels.js';
import type { MetricHost } from './metric.js';
import { toPrometheusText } from './prometheus.js';
import type { HistogramOptions, MetricDefinition, MetricOptions, MetricSnapshot } from './types.js';

/** Any metric the registry holds. */
export type AnyMetric = Counter | Gauge | Histogram;

/** Options for {@link MetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** The clock for uptime. Default `systemClock`. */
  readonly clock?: Clock;
  /** Cap on label combinations per metric unless the metric sets its own. Default 1000. */
  readonly maxSeriesPerMetric?: number;
  /** Told once per metric, the first time an update goes to its overflow series. */
  readonly onOverflow?: (metric: string, labels: LabelValues) => void;
}

/** Everything the registry holds, as {@link MetricsRegistry.getMetrics} returns it. */
export interface MetricsSnapshot {
  /** Milliseconds since the registry was created. */
  readonly uptimeMs: number;
  /** Wall-clock time of the snapshot, epoch milliseconds. */
  readonly timestampMs: number;
  /** Every metric, in creation order. */
  readonly metrics: readonly MetricSnapshot[];
}

function exposedNames(metric: AnyMetric): string[] {
  const { name } = metric;
  return metric.kind === 'histogram'
    ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]
    : [name];
}

function sameDefinition(a: AnyMetric, b: AnyMetric): boolean {
  if (a.kind !== b.kind || a.labelNames.join() !== b.labelNames.join()) return false;
  if (a.kind === 'histogram' && b.kind === 'histogram') {
    return a.allowNegative === b.allowNegative && a.buckets.join() === b.buckets.join();
  }
  return true;
}

function describe(metric: AnyMetric): string {
  const buckets = metric.kind === 'histogram' ? ` buckets [${metric.buckets.join(', ')}]` : '';
  return `${metric.kind} '${metric.name}' with labels [${metric.labelNames.join(', ')}]${buckets}`;
}

/**
 * Holds counters, gauges and histograms by name. Asking for a metric that exists returns it
 * when the definition matches and refuses it (`telemetry_metric_conflict`) when it does not,
 * so two modules can share a metric by declaring it alike.
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, AnyMetric>();
  readonly #exposed = new Map<string, AnyMetric>();
  readonly #listeners = new Set<(metric: AnyMetric) => void>();
  readonly #collectors = new Set<() => void>();
  readonly #clock: Clock;
  readonly #startedMs: number;
  readonly #host: MetricHost;

  /** Creates an empty registry. */
  constructor(options: MetricsRegistryOptions = {}) {
    const maxSeries = options.maxSeriesPerMetric ?? 1000;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
      throw inputError('invalid_input', 'maxSeriesPerMetric', 'must be an integer >= 1');
    }
    this.#clock = options.clock ?? systemClock;
    this.#startedMs = this.#clock.nowMs();
    this.#host = { maxSeries, onOverflow: options.onOverflow ?? (() => undefined) };
  }

  /** Gets or creates a counter. */
  counter(name: string, options: MetricOptions = {}): Counter {
    return this.metric({ ...options, kind: 'counter', name });
  }

  /** Gets or creates a gauge. */
  gauge(name: string, options: MetricOptions = {}): Gauge {
    return this.metric({ ...options, kind: 'gauge', name });
  }

  /** Gets or creates a histogram with explicit buckets. */
  histogram(name: string, options: HistogramOptions = {}): Histogram {
    return this.metric({ ...options, kind: 'histogram', name });
  }

  /**
   * Gets or creates the metric a definition describes (for definitions held as data). An
   * unknown `kind` is refused with `invalid_input`.
   */
  metric(definition: MetricDefinition & { readonly kind: 'counter' }): Counter;
  /** Gets or creates a gauge from its definition. */
  metric(definition: MetricDefinition & { readonly kind: 'gauge' }): Gauge;
  /** Gets or creates a histogram from its definition. */
  metric(definition: MetricDefinition & { readonly kind: 'histogram' }): Histogram;
  /** Gets or creates any metric from its definition. */
  metric(definition: MetricDefinition): AnyMetric;
  metric(definition: MetricDefinition): AnyMetric {
    const candidate = this.#build(definition);
    const existing = this.#metrics.get(candidate.name);
    if (existing && sameDefinition(existing, candidate)) return existing;
    const clash =
      existing ??
      exposedNames(candidate)
        .map((n) => this.#exposed.get(n))
        .find(Boolean);
    if (clash) {
      throw new FoundationError(
        TelemetryErrorCodes.telemetry_metric_conflict,
        `cannot create ${describe(candidate)}: ${describe(clash)} exists`,
        { context: { path: 'name', rule: 'one definition per metric name', name: candidate.name } },
      );
    }
    this.#metrics.set(candidate.name, candidate);
    for (const name of exposedNames(candidate)) this.#exposed.set(name, candidate);
    for (const listener of this.#listeners) listener(candidate);
    return candidate;
  }

  /** The metric named `name`, or undefined. */
  get(name: string): AnyMetric | undefined {
    return this.#metrics.get(name);
  }

  /** Every metric, in creation order. */
  list(): AnyMetric[] {
    return [...this.#metrics.values()];
  }

  /** Calls `listener` with every metric created from now on; returns the unsubscribe function. */
  onMetricCreated(listener: (metric: AnyMetric) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Calls `collector` whenever the metrics are read (`getMetrics`, `getMetricsFor`,
   * `toPrometheus`, an OpenTelemetry collection), so metrics that mirror a reading (memory,
   * CPU time) are fresh at every scrape. A collector that throws is skipped for that read.
   *
   * @param collector - updates its metrics from a fresh reading; called synchronously
   * @returns the function that removes the collector
   */
  onCollect(collector: () => void): () => void {
    this.#collectors.add(collector);
    return () => {
      this.#collectors.delete(collector);
    };
  }

  /** Runs the collectors added with {@link MetricsRegistry.onCollect}; the reads call it themselves. */
  collect(): void {
    for (const collector of this.#collectors) {
      try {
        collector();
      } catch {
        // A failed reading leaves that collector's metrics at their last values.
      }
    }
  }

  /** Uptime and the state of every metric (the seed's `get_metrics`). */
  getMetrics(): MetricsSnapshot {
    this.collect();
    return {
      uptimeMs: this.#clock.nowMs() - this.#startedMs,
      timestampMs: this.#clock.wallMs(),
      metrics: this.list().map((m) => m.snapshot()),
    };
  }

  /** The state of the metrics whose name starts with `prefix`. */
  getMetricsFor(prefix: string): MetricSnapshot[] {
    if (typeof prefix !== 'string') {
      throw inputError('type_mismatch', 'prefix', 'prefix must be a string');
    }
    this.collect();
    return this.list()
      .filter((m) => m.name.startsWith(prefix))
      .map((m) => m.snapshot());
  }

  /** Zeroes every metric; they stay registered and bound series stay valid. */
  resetMetrics(): void {
    for (const metric of this.#metrics.values()) metric.reset();
  }

  /** Every metric in the Prometheus text exposition format, ready to serve at `/metrics`. */
  toPrometheus(): string {
    this.collect();
    return toPrometheusText(this.list().map((m) => m.snapshot()));
  }

  #build(definition: MetricDefinition): AnyMetric {
    if (typeof definition !== 'object' || (definition as unknown) === null) {
      throw inputError('invalid_input', 'definition', 'a metric definition must be an object');
    }
    const kind: unknown = definition.kind;
    switch (kind) {
      case 'counter':
        return new Counter(definition.name, definition, this.#host);
      case 'gauge':
        return new Gauge(definition.name, definition, this.#host);
      case 'histogram':
        return new Histogram(definition.name, definition, this.#host);
      default:
        throw inputError(
          'invalid_input',
          'kind',
          "kind must be 'counter', 'gauge' or 'histogram'",
          {
            received: typeof kind === 'string' ? kind : typeof kind,
          },
        );
    }
  }
}
