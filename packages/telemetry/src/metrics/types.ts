import type { Labels } from './labels.js';

/** The kinds of metric there are. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** The value of one counter or gauge series. */
export interface ValueSeriesSnapshot {
  /** The series' labels. */
  readonly labels: Labels;
  /** Its current value. */
  readonly value: number;
}

/** One histogram bucket in a snapshot: values `<= le` counted so far (cumulative). */
export interface BucketSnapshot {
  /** The bucket's upper bound; `Infinity` for the last. */
  readonly le: number;
  /** How many values were at most `le`. */
  readonly count: number;
}

/** The state of one histogram series. Percentiles are `NaN` while `count` is 0. */
export interface HistogramSeriesSnapshot {
  /** The series' labels. */
  readonly labels: Labels;
  /** How many values were recorded. */
  readonly count: number;
  /** Their sum. */
  readonly sum: number;
  /** The smallest recorded value (`NaN` when none). */
  readonly min: number;
  /** The largest recorded value (`NaN` when none). */
  readonly max: number;
  /** Cumulative bucket counts, the `+Inf` bucket last. */
  readonly buckets: readonly BucketSnapshot[];
  /** Median, estimated from the buckets. */
  readonly p50: number;
  /** 90th percentile, estimated from the buckets. */
  readonly p90: number;
  /** 99th percentile, estimated from the buckets. */
  readonly p99: number;
}

interface SnapshotBase<K extends MetricKind> {
  /** The metric's name. */
  readonly name: string;
  /** Its kind. */
  readonly kind: K;
  /** What it measures. */
  readonly help: string;
  /** The declared label names. */
  readonly labelNames: readonly string[];
  /** Updates that went to the overflow series because the label-combination cap was reached. */
  readonly overflowCount: number;
}

/** A counter's state. */
export interface CounterSnapshot extends SnapshotBase<'counter'> {
  /** One entry per series. */
  readonly series: readonly ValueSeriesSnapshot[];
}

/** A gauge's state. */
export interface GaugeSnapshot extends SnapshotBase<'gauge'> {
  /** One entry per series. */
  readonly series: readonly ValueSeriesSnapshot[];
}

/** A histogram's state. */
export interface HistogramSnapshot extends SnapshotBase<'histogram'> {
  /** The bucket upper bounds (without `+Inf`). */
  readonly bucketBounds: readonly number[];
  /** One entry per series. */
  readonly series: readonly HistogramSeriesSnapshot[];
}

/** The state of any metric. */
export type MetricSnapshot = CounterSnapshot | GaugeSnapshot | HistogramSnapshot;

/** What every metric definition has. */
export interface MetricOptions {
  /** What the metric measures (the Prometheus `# HELP` line). Default: the name. */
  readonly help?: string;
  /** The label names every update must give values for. Default none. */
  readonly labelNames?: readonly string[];
  /** Cap on label combinations; further ones go to one overflow series. Default: the registry's. */
  readonly maxSeries?: number;
}

/** What a histogram definition adds. */
export interface HistogramOptions extends MetricOptions {
  /** Bucket upper bounds, strictly increasing (`+Inf` is implicit). Default {@link DEFAULT_BUCKETS}. */
  readonly buckets?: readonly number[];
  /** Accept values below zero. Default false: a negative value is refused. */
  readonly allowNegative?: boolean;
}

/** A metric described as data, for {@link MetricsRegistry.metric}. */
export type MetricDefinition =
  | (MetricOptions & { readonly kind: 'counter'; readonly name: string })
  | (MetricOptions & { readonly kind: 'gauge'; readonly name: string })
  | (HistogramOptions & { readonly kind: 'histogram'; readonly name: string });
