import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSamples, lintScore, LINT_WEIGHTS, median } from '../src/index.js';

/** A noisy benchmark sample: `base * scale` times multiplicative noise of up to +-noise. */
function sample(
  random: () => number,
  n: number,
  base: number,
  scale: number,
  noise: number,
): number[] {
  return Array.from({ length: n }, () => base * scale * (1 + (random() * 2 - 1) * noise));
}

function randomFrom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

describe('compareSamples', () => {
  it('catches a true 10% regression under 3% noise', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.integer({ min: 10, max: 30 }),
        (seed, base, n) => {
          const random = randomFrom(seed);
          const baseline = sample(random, n, base, 1, 0.03);
          const fresh = sample(random, n, base, 1.1, 0.03);
          const result = compareSamples(baseline, fresh, { maxRegression: 0.05 });
          expect(result.regression).toBe(true);
          expect(result.low).toBeGreaterThan(0);
          expect(result.low).toBeLessThanOrEqual(result.delta);
          expect(result.delta).toBeLessThanOrEqual(result.high);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never flags noise too small to move a median by 5% (within +-2.4%)', () => {
    // Every value lies within base * (1 +- a), so no median ratio exceeds (1 + a) / (1 - a),
    // which stays under 1.05 for a < 0.05 / 2.05: pure noise that small can never be flagged.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.integer({ min: 2, max: 30 }),
        fc.double({ min: 0, max: 0.024, noNaN: true }),
        (seed, base, n, noise) => {
          const random = randomFrom(seed);
          const result = compareSamples(
            sample(random, n, base, 1, noise),
            sample(random, n, base, 1, noise),
            { maxRegression: 0.05 },
          );
          expect(result.regression).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('flags pure noise up to +-5% less often than its significance level allows', () => {
    // Larger noise can move two small samples' medians apart by more than 5% by chance (all 8
    // baseline rounds fast, all 8 fresh ones slow): the interval then lies above zero too, so
    // the guarantee is a rate. The one-sided error of a 95% interval is 2.5%; over 400 trials at
    // the hardest corner (5 to 8 rounds, the full 5% noise) the flagged share stays below it.
    const trials = 400;
    let flagged = 0;
    for (let trial = 1; trial <= trials; trial++) {
      const random = randomFrom(trial * 2_654_435_761);
      const n = 5 + (trial % 4);
      const result = compareSamples(
        sample(random, n, 10, 1, 0.05),
        sample(random, n, 10, 1, 0.05),
        { maxRegression: 0.05 },
      );
      if (result.regression) flagged++;
    }
    expect(flagged / trials).toBeLessThan(0.025);
  });

  it('does not flag a speed-up, and is reproducible for the same seed', () => {
    const random = randomFrom(7);
    const baseline = sample(random, 12, 10, 1, 0.02);
    const faster = sample(random, 12, 10, 0.8, 0.02);
    const result = compareSamples(baseline, faster, {
      maxRegression: 0.05,
      confidence: 0.9,
      resamples: 500,
      seed: 3,
    });
    expect(result.regression).toBe(false);
    expect(result.delta).toBeLessThan(-0.1);
    expect(
      compareSamples(baseline, faster, {
        maxRegression: 0.05,
        confidence: 0.9,
        resamples: 500,
        seed: 3,
      }),
    ).toEqual(result);
  });

  it('needs both: a large but insignificant change is not a regression', () => {
    // Two overlapping samples whose medians differ by 10% but whose spread is far wider.
    const baseline = [1, 5, 10, 20, 30];
    const fresh = [1, 5, 11, 20, 30];
    const result = compareSamples(baseline, fresh, { maxRegression: 0.05 });
    expect(result.delta).toBeCloseTo(0.1, 10);
    expect(result.low).toBeLessThanOrEqual(0);
    expect(result.regression).toBe(false);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }),
        (values) => {
          const m = median(values);
          expect(values.filter((v) => v < m).length).toBeLessThanOrEqual(values.length / 2);
          expect(values.filter((v) => v > m).length).toBeLessThanOrEqual(values.length / 2);
        },
      ),
    );
  });
});

describe('lintScore', () => {
  it('is 100 minus weighted findings per 1000 lines', () => {
    expect(lintScore({ fatal: 0, errors: 1, warnings: 0, lines: 1000 })).toBe(95);
    expect(lintScore({ fatal: 0, errors: 0, warnings: 3, lines: 1000 })).toBe(97);
    expect(lintScore({ fatal: 1, errors: 0, warnings: 0, lines: 2000 })).toBe(95);
    expect(lintScore({ fatal: 0, errors: 0, warnings: 0, lines: 0 })).toBe(100);
    expect(lintScore({ fatal: 0, errors: 1, warnings: 0, lines: 0 })).toBe(0);
    expect(LINT_WEIGHTS).toEqual({ fatal: 10, error: 5, warning: 1 });
  });

  it('stays in [0, 100], never rises with more findings, never falls with more clean lines', () => {
    const counts = fc.record({
      fatal: fc.nat(50),
      errors: fc.nat(500),
      warnings: fc.nat(500),
      lines: fc.nat(100_000),
    });
    fc.assert(
      fc.property(counts, fc.nat(20), fc.nat(5000), (c, more, extraLines) => {
        const score = lintScore(c);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(lintScore({ ...c, errors: c.errors + more })).toBeLessThanOrEqual(score);
        expect(lintScore({ ...c, warnings: c.warnings + more })).toBeLessThanOrEqual(score);
        if (c.lines > 0)
          expect(lintScore({ ...c, lines: c.lines + extraLines })).toBeGreaterThanOrEqual(score);
      }),
    );
  });
});
