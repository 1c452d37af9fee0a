import { invalidOption } from './errors.js';
import {
  nonNegative,
  oneOf,
  optionalFunction,
  optionsObject,
  positive,
  type KnownOptions,
} from './validate.js';

/**
 * A backoff: the delay in milliseconds before retry number `retry` (1 for the first retry),
 * given the delay used before the previous one (0 before the first). Used by `retry` between
 * attempts and by `circuitBreaker` for growing open periods. Any function of this shape is a
 * custom backoff.
 */
export type Backoff = (retry: number, previousDelayMs: number) => number;

/**
 * How a delay is randomised so that many clients do not retry in step: `none` keeps it,
 * `full` picks in [0, d], `equal` in [d/2, d], `decorrelated` in [initial, 3 · previous]
 * (AWS's "decorrelated jitter"), always capped at `maxMs`.
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/** Options shared by the built-in backoffs. */
export interface JitterOptions {
  /** How the delay is randomised. Default `none` for constant and linear, `full` for exponential. */
  readonly jitter?: Jitter;
  /** The random source, returning [0, 1). Default `Math.random`; pass a seeded one in tests. */
  readonly random?: () => number;
}

/** Options of {@link linearBackoff}. */
export interface LinearBackoffOptions extends JitterOptions {
  /** The first delay. Default 100 ms. */
  readonly initialMs?: number;
  /** Added for each further retry. Default `initialMs`. */
  readonly stepMs?: number;
  /** The largest delay. Default 30 000 ms. */
  readonly maxMs?: number;
}

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions extends JitterOptions {
  /** The first delay (before jitter). Default 100 ms. */
  readonly initialMs?: number;
  /** The growth factor per retry, >= 1. Default 2. */
  readonly factor?: number;
  /** The largest delay. Default 30 000 ms. */
  readonly maxMs?: number;
}

const JITTERS: readonly Jitter[] = ['none', 'full', 'equal', 'decorrelated'];
const JITTER_OPTIONS: KnownOptions<JitterOptions> = { jitter: true, random: true };
const LINEAR_OPTIONS: KnownOptions<LinearBackoffOptions> = {
  ...JITTER_OPTIONS,
  initialMs: true,
  stepMs: true,
  maxMs: true,
};
const EXPONENTIAL_OPTIONS: KnownOptions<ExponentialBackoffOptions> = {
  ...JITTER_OPTIONS,
  initialMs: true,
  factor: true,
  maxMs: true,
};

/** Randomises `nominalMs` the way `jitter` says, keeping the result within [0, maxMs]. */
function jittered(
  jitter: Jitter,
  random: () => number,
  nominalMs: number,
  initialMs: number,
  previousMs: number,
  maxMs: number,
): number {
  switch (jitter) {
    case 'none':
      return Math.min(nominalMs, maxMs);
    case 'full':
      return Math.min(nominalMs, maxMs) * random();
    case 'equal': {
      const capped = Math.min(nominalMs, maxMs);
      return capped / 2 + (capped / 2) * random();
    }
    case 'decorrelated': {
      const low = Math.min(initialMs, maxMs);
      const high = Math.min(Math.max(low, 3 * (previousMs > 0 ? previousMs : initialMs)), maxMs);
      return low + (high - low) * random();
    }
  }
}

function jitterOf(options: JitterOptions, fallback: Jitter): [Jitter, () => number] {
  const jitter = options.jitter === undefined ? fallback : oneOf('jitter', options.jitter, JITTERS);
  const random = optionalFunction('random', options.random) ?? Math.random;
  return [jitter, random];
}

/**
 * The same delay before every retry.
 *
 * @param delayMs - the delay before each retry, in milliseconds (>= 0); also the cap of the
 *   jittered delay
 * @param options - the jitter (default `none`) and the random source (default `Math.random`)
 * @returns a {@link Backoff} returning `delayMs`, randomised by the jitter
 * @throws FoundationError 3204 for a negative or non-finite delay.
 */
export function constantBackoff(delayMs: number, options: JitterOptions = {}): Backoff {
  nonNegative('delayMs', delayMs);
  const [jitter, random] = jitterOf(optionsObject('options', options, JITTER_OPTIONS), 'none');
  return (_retry, previousMs) => jittered(jitter, random, delayMs, delayMs, previousMs, delayMs);
}

/**
 * A delay growing by `stepMs` per retry: initial, initial + step, …, capped at `maxMs`.
 *
 * @param options - `initialMs` (default 100), `stepMs` (default `initialMs`), `maxMs` (default
 *   30 000), the jitter (default `none`) and the random source; all in milliseconds
 * @returns a {@link Backoff} returning `initialMs + stepMs · (retry − 1)` capped at `maxMs`,
 *   randomised by the jitter
 * @throws FoundationError 3204 for negative or non-finite numbers, or `maxMs` < `initialMs`.
 */
export function linearBackoff(options: LinearBackoffOptions = {}): Backoff {
  const o = optionsObject('options', options, LINEAR_OPTIONS);
  const initialMs = nonNegative('initialMs', o.initialMs ?? 100);
  const stepMs = nonNegative('stepMs', o.stepMs ?? initialMs);
  const maxMs = cap(o.maxMs, initialMs);
  const [jitter, random] = jitterOf(o, 'none');
  return (retry, previousMs) =>
    jittered(jitter, random, initialMs + stepMs * (retry - 1), initialMs, previousMs, maxMs);
}

/**
 * A delay multiplied by `factor` per retry: initial · factor^(retry−1), capped at `maxMs`, with
 * full jitter by default.
 *
 * @param options - `initialMs` (default 100), `factor` (default 2), `maxMs` (default 30 000),
 *   the jitter (default `full`) and the random source; times in milliseconds
 * @returns a {@link Backoff} returning `initialMs · factor^(retry − 1)` capped at `maxMs`,
 *   randomised by the jitter (by default anywhere in [0, that delay])
 * @throws FoundationError 3204 for negative or non-finite numbers, `factor` < 1, or `maxMs` <
 *   `initialMs`.
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  const o = optionsObject('options', options, EXPONENTIAL_OPTIONS);
  const initialMs = nonNegative('initialMs', o.initialMs ?? 100);
  const factor = positive('factor', o.factor ?? 2);
  if (factor < 1) throw invalidOption('factor', 'must be >= 1', factor);
  const maxMs = cap(o.maxMs, initialMs);
  const [jitter, random] = jitterOf(o, 'full');
  return (retry, previousMs) => {
    // 0 · Infinity is NaN: a zero initial delay stays zero however many retries.
    const nominalMs = initialMs === 0 ? 0 : initialMs * factor ** (retry - 1);
    return jittered(jitter, random, nominalMs, initialMs, previousMs, maxMs);
  };
}

function cap(maxMs: number | undefined, initialMs: number): number {
  const value = nonNegative('maxMs', maxMs ?? Math.max(30_000, initialMs));
  if (value < initialMs) throw invalidOption('maxMs', 'must be >= initialMs', value);
  return value;
}
