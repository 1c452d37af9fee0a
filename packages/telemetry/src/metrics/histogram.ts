import { inputError, receivedNumber } from '../codes.js';
import { checkBuckets, estimateQuantile } from './buckets.js';
import type { LabelValues, Labels } from './labels.js';
import { Metric, type MetricHost, type Series } from './metric.js';
import type { HistogramOptions, HistogramSeriesSnapshot, HistogramSnapshot } from './types.js';

/** Receives every value a histogram records, with the series' labels (the OpenTelemetry bridge). */
export type HistogramSink = (value: number, labels: Labels) => void;

/** What all series of one histogram share. */
interface HistogramShared {
  readonly metric: string;
  readonly bounds: Float64Array;
  readonly floor: number;
  sink: HistogramSink | undefined;
}

// Past this many buckets, a binary search beats the linear scan.
const LINEAR_SCAN_MAX = 16;

function bucketIndex(bounds: Float64Array, value: number): number {
  const n = bounds.length;
  if (n <= LINEAR_SCAN_MAX) {
    let i = 0;
    while (i < n && value > bounds[i]!) i++;
    return i;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value > bounds[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function badValue(metric: string, value: unknown): Error {
  const negative = typeof value === 'number' && value < 0 && Number.isFinite(value);
  return inputError(
    negative ? 'invalid_input' : 'type_mismatch',
    `${metric}.value`,
    negative
      ? 'negative values are refused (create the histogram with allowNegative)'
      : 'a histogram value must be a finite number',
    { received: receivedNumber(value) },
  );
}

/** One series of a {@link Histogram}: bucket counts, sum, count, min and max. */
export class HistogramSeries implements Series {
  /** The series' labels. */
  readonly labels: Labels;
  readonly #shared: HistogramShared;
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** @internal Created by {@link Histogram.labels}. */
  constructor(labels: Labels, shared: HistogramShared) {
    this.labels = labels;
    this.#shared = shared;
    this.#counts = new Float64Array(shared.bounds.length + 1);
  }

  /** Records one value: a finite number, and >= 0 unless the histogram allows negatives. */
  record(value: number): void {
    const shared = this.#shared;
    // `value - value` is 0 only for finite numbers.
    if (typeof value !== 'number' || !(value >= shared.floor) || value - value !== 0) {
      throw badValue(shared.metric, value);
    }
    this.#counts[bucketIndex(shared.bounds, value)]!++;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    if (shared.sink !== undefined) shared.sink(value, this.labels);
  }

  /** How many values were recorded. */
  get count(): number {
    return this.#count;
  }

  /** The `q` quantile (0 < q <= 1) estimated from the buckets; `NaN` while empty. */
  quantile(q: number): number {
    if (typeof q !== 'number' || !(q > 0 && q <= 1)) {
      throw inputError('invalid_input', `${this.#shared.metric}.quantile`, 'q must be in (0, 1]');
    }
    return estimateQuantile(
      this.#shared.bounds,
      this.#counts,
      this.#count,
      this.#min,
      this.#max,
      q,
    );
  }

  /** The series' current state. */
  snapshot(): HistogramSeriesSnapshot {
    const bounds = this.#shared.bounds;
    let cumulative = 0;
    const buckets = Array.from(this.#counts, (inBucket, i) => {
      cumulative += inBucket;
      return { le: i < bounds.length ? bounds[i]! : Infinity, count: cumulative };
    });
    const empty = this.#count === 0;
    return {
      labels: this.labels,
      count: this.#count,
      sum: this.#sum,
      min: empty ? Number.NaN : this.#min,
      max: empty ? Number.NaN : this.#max,
      buckets,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
    };
  }

  /** Zeroes the series. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
  }
}

/**
 * A distribution of values in explicit buckets, such as request durations, with percentiles
 * estimated from the buckets. Create it with the registry's `histogram`.
 */
export class Histogram extends Metric<HistogramSeries> {
  /** Always `histogram`. */
  readonly kind = 'histogram' as const;
  /** The bucket upper bounds (without `+Inf`). */
  readonly buckets: readonly number[];
  /** Whether values below zero are accepted. */
  readonly allowNegative: boolean;
  readonly #shared: HistogramShared;

  /** @internal Use `MetricsRegistry.histogram`. */
  constructor(name: string, options: HistogramOptions, host: MetricHost) {
    const allowNegative = options.allowNegative ?? false;
    if (typeof allowNegative !== 'boolean') {
      throw inputError('type_mismatch', 'allowNegative', 'allowNegative must be a boolean');
    }
    const buckets = checkBuckets(options.buckets, allowNegative);
    const shared: HistogramShared = {
      metric: name,
      // A private, unfrozen copy: V8 reads a frozen array of doubles several times slower.
      bounds: Float64Array.from(buckets),
      floor: allowNegative ? -Infinity : 0,
      sink: undefined,
    };
    super(name, options, host, ['le'], (labels) => new HistogramSeries(labels, shared));
    this.buckets = buckets;
    this.allowNegative = allowNegative;
    this.#shared = shared;
  }

  /** Records `value` in the histogram without labels. */
  record(value: number): void;
  /** Records `value` in the series `labels` selects. */
  record(labels: LabelValues, value: number): void;
  record(labelsOrValue: LabelValues | number, value?: number): void {
    if (typeof labelsOrValue === 'object') this.labels(labelsOrValue).record(value!);
    else this.defaultSeries().record(labelsOrValue);
  }

  /** @internal Sets (or, with undefined, removes) the receiver of every recorded value. */
  setSink(sink: HistogramSink | undefined): void {
    this.#shared.sink = sink;
  }

  /** The histogram's current state. */
  snapshot(): HistogramSnapshot {
    return {
      ...this.snapshotHeader(),
      kind: this.kind,
      bucketBounds: this.buckets,
      series: this.allSeries().map((s) => s.snapshot()),
    };
  }
}
