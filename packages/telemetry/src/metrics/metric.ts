import { inputError } from '../codes.js';
import {
  checkLabelNames,
  checkMetricName,
  labelRecord,
  overflowLabels,
  seriesKey,
  type LabelValues,
  type Labels,
} from './labels.js';
import type { MetricKind, MetricOptions } from './types.js';

/** @internal What a metric needs from the registry that owns it. */
export interface MetricHost {
  /** The cap on label combinations when the metric does not set one. */
  readonly maxSeries: number;
  /** Told once per metric, the first time an update goes to the overflow series. */
  readonly onOverflow: (metric: string, labels: LabelValues) => void;
}

/** @internal Every series can be zeroed in place, so bound series stay valid across resets. */
export interface Series {
  /** The series' labels. */
  readonly labels: Labels;
  /** Zeroes the series. */
  reset(): void;
}

/**
 * What counters, gauges and histograms share: a name, help, declared labels, and the series
 * (one per label combination, capped, with an overflow series past the cap).
 */
export abstract class Metric<S extends Series> {
  /** The metric's kind. */
  abstract readonly kind: MetricKind;
  /** The metric's name (a valid Prometheus name). */
  readonly name: string;
  /** What it measures. */
  readonly help: string;
  /** The label names every update must give. */
  readonly labelNames: readonly string[];
  /** The cap on label combinations. */
  readonly maxSeries: number;
  readonly #host: MetricHost;
  readonly #names: string[];
  readonly #createSeries: (labels: Labels) => S;
  readonly #series = new Map<string, S>();
  #overflow: S | undefined;
  #overflowCount = 0;
  /** The only series of a metric without labels (undefined when it has labels). */
  protected readonly unlabeled: S | undefined;

  /** @internal Use the registry's `counter`, `gauge` or `histogram`. */
  constructor(
    name: string,
    options: MetricOptions,
    host: MetricHost,
    reservedLabels: readonly string[],
    createSeries: (labels: Labels) => S,
  ) {
    this.name = checkMetricName(name);
    if (options.help !== undefined && typeof options.help !== 'string') {
      throw inputError('type_mismatch', 'help', 'help must be a string');
    }
    this.help = options.help ?? name;
    const labelNames = checkLabelNames(options.labelNames, reservedLabels);
    // The hot path reads a private unfrozen copy: V8 reads frozen arrays more slowly.
    this.#names = labelNames;
    this.labelNames = Object.freeze([...labelNames]);
    const maxSeries = options.maxSeries ?? host.maxSeries;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
      throw inputError('invalid_input', 'maxSeries', 'maxSeries must be an integer >= 1');
    }
    this.maxSeries = maxSeries;
    this.#host = host;
    this.#createSeries = createSeries;
    if (this.labelNames.length === 0) {
      this.unlabeled = createSeries(Object.freeze({}));
      this.#series.set('', this.unlabeled);
    }
  }

  /**
   * The series for one label combination, created on first use. Keep the result to update it
   * in hot paths: an update on a bound series is a few property writes. Past `maxSeries`
   * combinations, new ones share one overflow series (every label `__overflow__`).
   */
  labels(values: LabelValues): S {
    const key = seriesKey(this.#names, values, this.name);
    return this.#series.get(key) ?? this.#add(key, values);
  }

  /** @internal Every series, the overflow series last. */
  allSeries(): S[] {
    const list = [...this.#series.values()];
    if (this.#overflow) list.push(this.#overflow);
    return list;
  }

  /** Updates that went to the overflow series since creation or the last reset. */
  get overflowCount(): number {
    return this.#overflowCount;
  }

  /** The fields every metric's snapshot starts with. */
  protected snapshotHeader(): {
    name: string;
    help: string;
    labelNames: readonly string[];
    overflowCount: number;
  } {
    return {
      name: this.name,
      help: this.help,
      labelNames: this.labelNames,
      overflowCount: this.#overflowCount,
    };
  }

  /** Zeroes every series (they stay registered, and bound series stay valid). */
  reset(): void {
    for (const series of this.allSeries()) series.reset();
    this.#overflowCount = 0;
  }

  /** The series an update without labels goes to; refused when labels are declared. */
  protected defaultSeries(): S {
    if (this.unlabeled) return this.unlabeled;
    throw inputError('invalid_input', `${this.name}.labels`, 'labels are required', {
      declared: this.labelNames,
    });
  }

  #add(key: string, values: LabelValues): S {
    if (this.#series.size >= this.maxSeries) {
      this.#overflowCount++;
      if (!this.#overflow) {
        this.#overflow = this.#createSeries(overflowLabels(this.labelNames));
        this.#host.onOverflow(this.name, values);
      }
      return this.#overflow;
    }
    const series = this.#createSeries(labelRecord(this.labelNames, values));
    this.#series.set(key, series);
    return series;
  }
}
