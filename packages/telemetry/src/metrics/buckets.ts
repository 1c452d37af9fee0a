import { inputError } from '../codes.js';

/** prom-client's default buckets, in seconds: suited to request durations. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** The most buckets a histogram may have. */
export const MAX_BUCKETS = 512;

/**
 * `count` buckets starting at `start`, `width` apart.
 *
 * @param start - the first bucket's upper bound, finite (in the histogram's unit, such as
 *   seconds)
 * @param width - the distance between consecutive bounds, finite and > 0
 * @param count - how many bounds, an integer from 1 to {@link MAX_BUCKETS}
 * @returns a new array of increasing bucket upper bounds (`start`, `start + width`, …); the
 *   `+Inf` bucket is implicit
 * @throws FoundationError `invalid_input` for a bad count, a non-finite start, or a width that
 *   is not finite and > 0.
 */
export function linearBuckets(start: number, width: number, count: number): number[] {
  checkBucketCount(count);
  if (!Number.isFinite(start) || !Number.isFinite(width) || width <= 0) {
    throw inputError('invalid_input', 'width', 'start must be finite and width finite and > 0');
  }
  return Array.from({ length: count }, (_, i) => start + i * width);
}

/**
 * `count` buckets starting at `start`, each `factor` times the one before.
 *
 * @param start - the first bucket's upper bound, finite and > 0 (in the histogram's unit,
 *   such as seconds)
 * @param factor - what each bound is multiplied by to get the next, finite and > 1
 * @param count - how many bounds, an integer from 1 to {@link MAX_BUCKETS}
 * @returns a new array of increasing bucket upper bounds (`start`, `start · factor`, …); the
 *   `+Inf` bucket is implicit
 * @throws FoundationError `invalid_input` for a bad count, or a start or factor out of range.
 */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  checkBucketCount(count);
  if (!Number.isFinite(start) || start <= 0 || !Number.isFinite(factor) || factor <= 1) {
    throw inputError('invalid_input', 'factor', 'start must be > 0 and factor > 1 (both finite)');
  }
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

function checkBucketCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_BUCKETS) {
    throw inputError('invalid_input', 'count', `count must be an integer from 1 to ${MAX_BUCKETS}`);
  }
}

/**
 * Checks explicit bucket upper bounds: 1 to {@link MAX_BUCKETS} finite numbers in strictly
 * increasing order (the `+Inf` bucket is implicit). Returns a frozen copy.
 */
export function checkBuckets(buckets: unknown, allowNegative: boolean): readonly number[] {
  if (buckets === undefined) return DEFAULT_BUCKETS;
  if (!Array.isArray(buckets) || buckets.length === 0 || buckets.length > MAX_BUCKETS) {
    throw inputError(
      'invalid_input',
      'buckets',
      `buckets must be an array of 1 to ${MAX_BUCKETS} upper bounds`,
    );
  }
  buckets.forEach((bound: unknown, i) => {
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw inputError('type_mismatch', `buckets[${i}]`, 'a bucket bound must be a finite number');
    }
    if (i > 0 && bound <= (buckets[i - 1] as number)) {
      throw inputError('invalid_input', `buckets[${i}]`, 'bucket bounds must strictly increase');
    }
    if (!allowNegative && bound < 0) {
      throw inputError(
        'invalid_input',
        `buckets[${i}]`,
        'negative bounds need allowNegative, as values below zero are refused otherwise',
      );
    }
  });
  return Object.freeze([...(buckets as number[])]);
}

/**
 * Estimates the `q` quantile (0 < q <= 1) of the values a histogram counted, the way
 * Prometheus' `histogram_quantile` does — linear interpolation inside the bucket holding the
 * rank — but with the bucket narrowed to the observed min and max. The exact nearest-rank
 * quantile lies in that same bucket, so the error is at most the bucket's (narrowed) width.
 *
 * @param bounds - bucket upper bounds, increasing; the last bucket (`+Inf`) is implicit.
 * @param counts - per-bucket (not cumulative) counts, `bounds.length + 1` of them.
 * @param total - how many values were counted, the sum of `counts`; 0 gives `NaN`
 * @param min - the smallest value counted, which narrows the first bucket holding the rank
 * @param max - the largest value counted, which narrows the last one
 * @param q - the quantile wanted, 0 < q <= 1 (0.5 is the median, 0.99 the 99th percentile)
 * @returns the estimate, or `NaN` when nothing was counted.
 */
export function estimateQuantile(
  bounds: ArrayLike<number>,
  counts: ArrayLike<number>,
  total: number,
  min: number,
  max: number,
  q: number,
): number {
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let before = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i]!;
    if (before + inBucket >= rank) {
      const lower = i === 0 ? min : Math.max(bounds[i - 1]!, min);
      const upper = i < bounds.length ? Math.min(bounds[i]!, max) : max;
      return lower + ((upper - lower) * (rank - before)) / inBucket;
    }
    before += inBucket;
  }
  return max;
}
