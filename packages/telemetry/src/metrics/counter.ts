import { inputError, receivedNumber } from '../codes.js';
import type { LabelValues, Labels } from './labels.js';
import { Metric, type MetricHost, type Series } from './metric.js';
import type { CounterSnapshot, MetricOptions } from './types.js';

/** One series of a {@link Counter}: a value that only goes up (until a reset). */
export class CounterSeries implements Series {
  /** The series' labels. */
  readonly labels: Labels;
  readonly #metric: string;
  #value = 0;

  /** @internal Created by {@link Counter.labels}. */
  constructor(labels: Labels, metric: string) {
    this.labels = labels;
    this.#metric = metric;
  }

  /** The current value. */
  get value(): number {
    return this.#value;
  }

  /** Adds `amount` (default 1): a finite number >= 0. */
  inc(amount = 1): void {
    if (typeof amount !== 'number' || !(amount >= 0) || amount === Infinity) {
      throw inputError(
        'invalid_input',
        `${this.#metric}.amount`,
        'a counter only goes up by a finite amount >= 0',
        {
          received: receivedNumber(amount),
        },
      );
    }
    this.#value += amount;
  }

  /** Zeroes the series. */
  reset(): void {
    this.#value = 0;
  }
}

/** A value that only goes up, such as requests served. Create it with the registry's `counter`. */
export class Counter extends Metric<CounterSeries> {
  /** Always `counter`. */
  readonly kind = 'counter' as const;

  /** @internal Use `MetricsRegistry.counter`. */
  constructor(name: string, options: MetricOptions, host: MetricHost) {
    super(name, options, host, [], (labels) => new CounterSeries(labels, name));
  }

  /** Adds `amount` (default 1) to the counter without labels. */
  inc(amount?: number): void;
  /** Adds `amount` (default 1) to the series `labels` selects. */
  inc(labels: LabelValues, amount?: number): void;
  inc(labelsOrAmount?: LabelValues | number, amount?: number): void {
    if (typeof labelsOrAmount === 'object') this.labels(labelsOrAmount).inc(amount);
    else this.defaultSeries().inc(labelsOrAmount);
  }

  /** The counter's current state. */
  snapshot(): CounterSnapshot {
    return {
      ...this.snapshotHeader(),
      kind: this.kind,
      series: this.allSeries().map((s) => ({ labels: s.labels, value: s.value })),
    };
  }
}
