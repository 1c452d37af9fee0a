import { inputError, receivedNumber } from '../codes.js';
import type { LabelValues, Labels } from './labels.js';
import { Metric, type MetricHost, type Series } from './metric.js';
import type { GaugeSnapshot, MetricOptions } from './types.js';

/** One series of a {@link Gauge}: a value that goes up and down. */
export class GaugeSeries implements Series {
  /** The series' labels. */
  readonly labels: Labels;
  readonly #metric: string;
  #value = 0;

  /** @internal Created by {@link Gauge.labels}. */
  constructor(labels: Labels, metric: string) {
    this.labels = labels;
    this.#metric = metric;
  }

  /** The current value. */
  get value(): number {
    return this.#value;
  }

  /** Sets the value: a finite number. */
  set(value: number): void {
    this.#value = this.#check(value, 'value');
  }

  /** Adds `amount` (default 1; may be negative). */
  inc(amount = 1): void {
    this.#value += this.#check(amount, 'amount');
  }

  /** Subtracts `amount` (default 1). */
  dec(amount = 1): void {
    this.#value -= this.#check(amount, 'amount');
  }

  /** Zeroes the series. */
  reset(): void {
    this.#value = 0;
  }

  #check(value: number, what: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw inputError(
        'type_mismatch',
        `${this.#metric}.${what}`,
        `a gauge ${what} must be a finite number`,
        {
          received: receivedNumber(value),
        },
      );
    }
    return value;
  }
}

/** A value that goes up and down, such as queue depth. Create it with the registry's `gauge`. */
export class Gauge extends Metric<GaugeSeries> {
  /** Always `gauge`. */
  readonly kind = 'gauge' as const;

  /** @internal Use `MetricsRegistry.gauge`. */
  constructor(name: string, options: MetricOptions, host: MetricHost) {
    super(name, options, host, [], (labels) => new GaugeSeries(labels, name));
  }

  /** Sets the gauge without labels. */
  set(value: number): void;
  /** Sets the series `labels` selects. */
  set(labels: LabelValues, value: number): void;
  set(labelsOrValue: LabelValues | number, value?: number): void {
    if (typeof labelsOrValue === 'object') this.labels(labelsOrValue).set(value!);
    else this.defaultSeries().set(labelsOrValue);
  }

  /** Adds `amount` (default 1) to the gauge without labels. */
  inc(amount?: number): void;
  /** Adds `amount` (default 1) to the series `labels` selects. */
  inc(labels: LabelValues, amount?: number): void;
  inc(labelsOrAmount?: LabelValues | number, amount?: number): void {
    if (typeof labelsOrAmount === 'object') this.labels(labelsOrAmount).inc(amount);
    else this.defaultSeries().inc(labelsOrAmount);
  }

  /** Subtracts `amount` (default 1) from the gauge without labels. */
  dec(amount?: number): void;
  /** Subtracts `amount` (default 1) from the series `labels` selects. */
  dec(labels: LabelValues, amount?: number): void;
  dec(labelsOrAmount?: LabelValues | number, amount?: number): void {
    if (typeof labelsOrAmount === 'object') this.labels(labelsOrAmount).dec(amount);
    else this.defaultSeries().dec(labelsOrAmount);
  }

  /** The gauge's current state. */
  snapshot(): GaugeSnapshot {
    return {
      ...this.snapshotHeader(),
      kind: this.kind,
      series: this.allSeries().map((s) => ({ labels: s.labels, value: s.value })),
    };
  }
}
