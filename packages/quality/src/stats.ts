/** A deterministic pseudo-random source in [0, 1) (mulberry32), so intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The median of a non-empty sample.
 *
 * @param sample - the measurements, in any order and any unit; not modified (a sorted copy is
 *   used)
 * @returns the middle value, or the mean of the two middle values for an even count, in the
 *   sample's unit; `NaN` for an empty sample
 */
export function median(sample: readonly number[]): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function resample(sample: readonly number[], random: () => number): number[] {
  const out = new Array<number>(sample.length);
  for (let i = 0; i < sample.length; i++) out[i] = sample[Math.floor(random() * sample.length)]!;
  return out;
}

/** The comparison of a fresh sample with a baseline sample. */
export interface Comparison {
  /** The relative change of the median: 0.1 is 10% slower, -0.1 is 10% faster. */
  readonly delta: number;
  /** The lower end of the bootstrap interval of {@link Comparison.delta}. */
  readonly low: number;
  /** The upper end of the bootstrap interval of {@link Comparison.delta}. */
  readonly high: number;
  /** True when the slowdown exceeds the allowed one and the interval lies wholly above 0. */
  readonly regression: boolean;
}

/** Options of {@link compareSamples}. */
export interface CompareOptions {
  /** The largest slowdown allowed, as a fraction (0.05 for 5%). */
  readonly maxRegression: number;
  /** The interval's confidence (default 0.95). */
  readonly confidence?: number;
  /** Bootstrap resamples (default 2000). */
  readonly resamples?: number;
  /** The seed of the resampling (default fixed, so results are reproducible). */
  readonly seed?: number;
}

/**
 * Compares two samples of a time (or a time ratio; larger is slower) by the relative change of
 * their medians, with a percentile bootstrap interval. A regression is called only when the
 * change exceeds `maxRegression` and the interval excludes 0, so noise alone is not flagged.
 *
 * @param baseline - the stored sample (at least 2 values)
 * @param fresh - the new sample (at least 2 values)
 * @param options - the allowed slowdown and the bootstrap settings
 * @returns the change, its interval and the verdict
 */
export function compareSamples(
  baseline: readonly number[],
  fresh: readonly number[],
  options: CompareOptions,
): Comparison {
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 2000;
  const random = seededRandom(options.seed ?? 0x5eed);
  const delta = median(fresh) / median(baseline) - 1;
  const deltas = new Array<number>(resamples);
  for (let i = 0; i < resamples; i++) {
    deltas[i] = median(resample(fresh, random)) / median(resample(baseline, random)) - 1;
  }
  deltas.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const low = deltas[Math.floor(tail * (resamples - 1))]!;
  const high = deltas[Math.ceil((1 - tail) * (resamples - 1))]!;
  return { delta, low, high, regression: delta > options.maxRegression && low > 0 };
}
