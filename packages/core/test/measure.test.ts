import { describe, expect, it } from 'vitest';
import { InvalidInputError, ManualClock, measure, measureAsync } from '../src/index.js';

describe('measure', () => {
  it('returns the result and the monotonic duration in ns from the given clock', () => {
    const clock = new ManualClock();
    const measured = measure(() => {
      clock.advance(2.5);
      return 'done';
    }, clock);
    expect(measured).toEqual({ result: 'done', durationNs: 2_500_000 });
  });

  it('lets an error thrown by fn propagate unchanged', () => {
    const failure = new Error('boom');
    expect(() =>
      measure(() => {
        throw failure;
      }, new ManualClock()),
    ).toThrow(failure);
  });

  it('uses the system clock by default', () => {
    const { result, durationNs } = measure(() => 21 * 2);
    expect(result).toBe(42);
    expect(Number.isInteger(durationNs)).toBe(true);
    expect(durationNs).toBeGreaterThanOrEqual(0);
    expect(durationNs).toBeLessThan(1e9);
  });
});

describe('measureAsync', () => {
  it('measures until the promise settles, driven by a ManualClock', async () => {
    const clock = new ManualClock();
    const pending = measureAsync(async () => {
      await clock.sleep(40);
      await clock.sleep(60);
      return 7;
    }, clock);
    await clock.advanceAsync(100);
    expect(await pending).toEqual({ result: 7, durationNs: 100_000_000 });
  });

  it('accepts a synchronous fn', async () => {
    const clock = new ManualClock();
    expect(await measureAsync(() => 'sync', clock)).toEqual({ result: 'sync', durationNs: 0 });
  });

  it('propagates a rejection unchanged', async () => {
    const failure = new Error('nope');
    await expect(measureAsync(() => Promise.reject(failure), new ManualClock())).rejects.toBe(
      failure,
    );
  });

  it('uses the system clock by default', async () => {
    const { result, durationNs } = await measureAsync(async () => 'x');
    expect(result).toBe('x');
    expect(durationNs).toBeGreaterThanOrEqual(0);
  });
});

describe('measure refuses what it cannot run', () => {
  it('names fn when it is not a function', async () => {
    expect(() => measure(5 as unknown as () => number)).toThrow(
      new InvalidInputError('measure', 'fn', 'must be a function', 5),
    );
    await expect(measureAsync(null as unknown as () => number)).rejects.toMatchObject({
      code: 3204,
      path: 'fn',
    });
  });
});
