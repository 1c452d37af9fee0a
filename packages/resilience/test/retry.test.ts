import { getEventListeners } from 'node:events';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constantBackoff,
  exponentialBackoff,
  linearBackoff,
  parseRetryAfter,
  retry,
  retryAfterHintMs,
  retryBudget,
} from '../src/index.js';
import { captureChannel, catchError, flush, rejection } from './helpers.js';

/** A function failing `failures` times, then returning 'done'. */
function flaky(failures: number, error: () => unknown = () => new Error('flaky')) {
  const attempts: number[] = [];
  const fn = ({ attempt }: { attempt: number }) => {
    attempts.push(attempt);
    if (attempts.length <= failures) throw error();
    return 'done';
  };
  return { fn, attempts };
}

const none = constantBackoff(0);

describe('retry', () => {
  it('retries a flaky call with the configured backoff, passing the attempt number', async () => {
    const clock = new ManualClock();
    const policy = retry({
      maxAttempts: 4,
      backoff: exponentialBackoff({ initialMs: 100, jitter: 'none' }),
      clock,
    });
    const { fn, attempts } = flaky(2);
    const result = policy.execute(fn);
    await flush();
    expect(attempts).toEqual([1]);
    await clock.advanceAsync(99);
    expect(attempts).toEqual([1]);
    await clock.advanceAsync(1);
    expect(attempts).toEqual([1, 2]);
    await clock.advanceAsync(200);
    await expect(result).resolves.toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(policy.maxAttempts).toBe(4);
  });

  it('rethrows the last error unchanged when attempts run out (default 3)', async () => {
    const policy = retry({ backoff: none, clock: new ManualClock() });
    let n = 0;
    const error = await rejection(
      policy.execute(() => {
        throw new Error(`fail ${++n}`);
      }),
    );
    expect((error as Error).message).toBe('fail 3');
  });

  it('does not retry FoundationErrors whose strategy is none, nor what retryOn refuses', async () => {
    const policy = retry({ backoff: none, retryOn: (e) => (e as Error).message !== 'fatal' });
    const invalid = flaky(5, () => new FoundationError('invalid_input'));
    await rejection(policy.execute(invalid.fn));
    expect(invalid.attempts).toEqual([1]);
    const fatal = flaky(5, () => new Error('fatal'));
    await rejection(policy.execute(fatal.fn));
    expect(fatal.attempts).toEqual([1]);
    const transient = flaky(1, () => new FoundationError('network_error'));
    await expect(policy.execute(transient.fn)).resolves.toBe('done');
  });

  it('retries on results and throws 5106 retries_exhausted when they stay bad', async () => {
    const policy = retry({
      maxAttempts: 3,
      backoff: none,
      retryOnResult: (value) => value === 'busy',
    });
    let n = 0;
    await expect(policy.execute(() => (++n < 3 ? 'busy' : 'ready'))).resolves.toBe('ready');
    const error = (await rejection(policy.execute(() => 'busy'))) as FoundationError;
    expect(error.code).toBe(5106);
    expect(error.context).toMatchObject({
      attempts: 3,
      stoppedBy: 'max_attempts',
      lastResult: 'busy',
    });
  });

  it('waits at least as long as a Retry-After hint', async () => {
    const clock = new ManualClock();
    const policy = retry({ backoff: constantBackoff(10), clock });
    const hinted = flaky(
      1,
      () => new FoundationError('service_unavailable', 'busy', { context: { retryAfterMs: 500 } }),
    );
    const result = policy.execute(hinted.fn);
    await clock.advanceAsync(499);
    expect(hinted.attempts).toHaveLength(1);
    await clock.advanceAsync(1);
    await expect(result).resolves.toBe('done');
  });

  it('gives up when the delay exceeds maxDelayMs or the deadline', async () => {
    const clock = new ManualClock();
    const capped = retry({ backoff: constantBackoff(10), maxDelayMs: 100, clock });
    const hinted = flaky(1, () => ({ retryAfterMs: 1_000, message: 'x' }));
    await rejection(capped.execute(hinted.fn));
    expect(hinted.attempts).toHaveLength(1);

    const deadline = retry({
      maxAttempts: 10,
      backoff: constantBackoff(100),
      deadlineMs: 250,
      clock,
    });
    const slow = flaky(9);
    const result = rejection(deadline.execute(slow.fn));
    await clock.advanceAsync(1_000);
    expect(((await result) as Error).message).toBe('flaky');
    expect(slow.attempts).toEqual([1, 2, 3]);
  });

  it('says why it stopped for result failures (deadline, budget, max delay)', async () => {
    const clock = new ManualClock();
    const busy = () => 'busy';
    const isBusy = (v: unknown) => v === 'busy';
    const deadline = retry({
      retryOnResult: isBusy,
      backoff: constantBackoff(100),
      deadlineMs: 50,
      clock,
    });
    expect(((await rejection(deadline.execute(busy))) as FoundationError).context.stoppedBy).toBe(
      'deadline',
    );
    const budget = retryBudget({ maxTokens: 1 });
    const budgeted = retry({ retryOnResult: isBusy, backoff: none, budget, maxAttempts: 5 });
    expect(((await rejection(budgeted.execute(busy))) as FoundationError).context).toMatchObject({
      stoppedBy: 'budget',
      attempts: 2,
    });
    const delay = retry({ retryOnResult: isBusy, backoff: constantBackoff(100), maxDelayMs: 50 });
    expect(((await rejection(delay.execute(busy))) as FoundationError).context.stoppedBy).toBe(
      'max_delay',
    );
  });

  it('a shared budget stops retries from multiplying an outage and successes refill it', async () => {
    const budget = retryBudget({ maxTokens: 2, tokensPerSuccess: 0.5 });
    const a = retry({ maxAttempts: 5, backoff: none, budget });
    const b = retry({ maxAttempts: 5, backoff: none, budget });
    const down = flaky(100);
    await rejection(a.execute(down.fn));
    await rejection(b.execute(down.fn));
    expect(down.attempts).toHaveLength(4); // 2 first attempts + 2 budgeted retries
    expect(budget.tokens).toBe(0);
    await a.execute(() => 1);
    await b.execute(() => 1);
    expect(budget.tokens).toBe(1);
    for (let i = 0; i < 10; i++) await a.execute(() => 1);
    expect(budget.tokens).toBe(2);
  });

  it('a sleep ends at once with 5105 when the caller aborts, leaving no listener', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = retry({ backoff: constantBackoff(10_000), clock });
    const result = rejection(policy.execute(flaky(5).fn, { signal: controller.signal }));
    await flush();
    controller.abort(new Error('user left'));
    const error = (await result) as FoundationError;
    expect(error.code).toBe(5105);
    expect((error.cause as Error).message).toBe('user left');
    expect(clock.pendingTimers()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('stops without sleeping when the signal aborted during an attempt', async () => {
    const controller = new AbortController();
    const policy = retry({ backoff: none, retryOn: () => true });
    let calls = 0;
    const error = await rejection(
      policy.execute(
        () => {
          calls++;
          controller.abort();
          throw new Error('failed while aborting');
        },
        { signal: controller.signal },
      ),
    );
    expect((error as Error).message).toBe('failed while aborting');
    expect(calls).toBe(1);

    const zeroDelay = retry({ backoff: none, retryOnResult: () => true });
    const other = new AbortController();
    const stopped = await rejection(
      zeroDelay.execute(
        () => {
          other.abort();
          return 'x';
        },
        { signal: other.signal },
      ),
    );
    expect((stopped as FoundationError).code).toBe(5105);
  });

  it('publishes each scheduled retry on foundation:resilience:retry', async () => {
    const policy = retry({ backoff: none });
    const messages = await captureChannel('foundation:resilience:retry', () =>
      policy.execute(flaky(2).fn),
    );
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ attempt: 1, delayMs: 0 });
    const results = await captureChannel('foundation:resilience:retry', () =>
      retry({ backoff: none, retryOnResult: (v) => v === 0 }).execute(({ attempt }) =>
        attempt === 1 ? 0 : 1,
      ),
    );
    expect(results).toEqual([{ attempt: 1, delayMs: 0, error: undefined }]);
  });

  it('refuses a backoff that returns a bad delay, keeping the error as cause', async () => {
    const policy = retry({ backoff: () => Number.NaN });
    const error = (await rejection(policy.execute(flaky(1).fn))) as FoundationError;
    expect(error.code).toBe(3204);
    expect((error.cause as Error).message).toBe('flaky');
    const results = retry({ backoff: () => -1, retryOnResult: () => true });
    expect(((await rejection(results.execute(() => 1))) as FoundationError).cause).toBeUndefined();
  });

  it('counts its own attempts inside an outer retry and supports Infinity attempts', async () => {
    const inner = retry({ maxAttempts: 2, backoff: none });
    const outer = retry({ maxAttempts: 2, backoff: none });
    const seen: number[] = [];
    await rejection(
      outer.execute((ctx) =>
        inner.execute(({ attempt }) => {
          seen.push(attempt);
          throw new Error('x');
        }, ctx),
      ),
    );
    expect(seen).toEqual([1, 2, 1, 2]);
    const forever = retry({ maxAttempts: Infinity, backoff: none });
    await expect(forever.execute(flaky(50).fn)).resolves.toBe('done');
  });

  it('executeResult gives a Result', async () => {
    const policy = retry({ backoff: none });
    await expect(policy.executeResult(flaky(1).fn)).resolves.toEqual({ ok: true, value: 'done' });
    const failed = await policy.executeResult(flaky(5).fn);
    expect(failed.ok).toBe(false);
  });

  it('refuses invalid options', () => {
    const cases: [Parameters<typeof retry>[0], string][] = [
      [{ maxAttempts: 0 }, 'maxAttempts'],
      [{ maxAttempts: 2.5 }, 'maxAttempts'],
      [{ maxAttempts: Number.NaN }, 'maxAttempts'],
      [{ backoff: 5 as never }, 'backoff'],
      [{ retryOn: {} as never }, 'retryOn'],
      [{ retryOnResult: 'x' as never }, 'retryOnResult'],
      [{ deadlineMs: 0 }, 'deadlineMs'],
      [{ budget: {} as never }, 'budget'],
      [{ maxDelayMs: -1 }, 'maxDelayMs'],
      [{ clock: 1 as never }, 'clock'],
    ];
    for (const [options, path] of cases) {
      expect(catchError(() => retry(options)).context.path).toBe(path);
    }
    expect(catchError(() => retryBudget({ maxTokens: 0 })).context.path).toBe('maxTokens');
    expect(catchError(() => retryBudget({ tokensPerSuccess: -1 })).context.path).toBe(
      'tokensPerSuccess',
    );
  });
});

describe('Retry-After hints', () => {
  const wallMs = Date.UTC(2026, 0, 1);

  it('reads FoundationError context, retryAfterMs properties and HTTP headers', () => {
    expect(
      retryAfterHintMs(
        new FoundationError('network_error', 'x', { context: { retryAfterMs: 5 } }),
        0,
      ),
    ).toBe(5);
    expect(retryAfterHintMs(new FoundationError('network_error'), 0)).toBeUndefined();
    expect(retryAfterHintMs({ retryAfterMs: 7 }, 0)).toBe(7);
    expect(retryAfterHintMs({ headers: { 'retry-after': '3' } }, 0)).toBe(3_000);
    expect(retryAfterHintMs({ headers: { 'Retry-After': '1' } }, 0)).toBe(1_000);
    expect(
      retryAfterHintMs({ response: { headers: new Headers({ 'Retry-After': '2' }) } }, 0),
    ).toBe(2_000);
    const date = new Date(wallMs + 4_000).toUTCString();
    expect(retryAfterHintMs({ headers: { 'retry-after': date } }, wallMs)).toBe(4_000);
    expect(parseRetryAfter(new Date(wallMs - 10_000).toUTCString(), wallMs)).toBe(0);
  });

  it('ignores junk and hostile input', () => {
    for (const value of [
      undefined,
      null,
      'text',
      42,
      { retryAfterMs: -1 },
      { retryAfterMs: Number.NaN },
      { headers: { 'retry-after': 'soon' } },
      { headers: { 'retry-after': 5 } },
      { headers: 'x' },
      { response: 'x' },
      { response: null },
      {
        get headers(): never {
          throw new Error('hostile');
        },
      },
    ]) {
      expect(retryAfterHintMs(value, wallMs)).toBeUndefined();
    }
  });
});

describe('backoff', () => {
  it('constant, linear and exponential without jitter', () => {
    const constant = constantBackoff(50);
    expect([1, 2, 3].map((n) => constant(n, 0))).toEqual([50, 50, 50]);
    const linear = linearBackoff({ initialMs: 100, stepMs: 50, maxMs: 220 });
    expect([1, 2, 3, 4].map((n) => linear(n, 0))).toEqual([100, 150, 200, 220]);
    const exponential = exponentialBackoff({
      initialMs: 10,
      factor: 3,
      maxMs: 100,
      jitter: 'none',
    });
    expect([1, 2, 3, 4].map((n) => exponential(n, 0))).toEqual([10, 30, 90, 100]);
    const zero = exponentialBackoff({ initialMs: 0, maxMs: 0 });
    expect(zero(5_000, 0)).toBe(0);
    expect(linearBackoff()(2, 0)).toBe(200);
  });

  it('jitter stays within its bounds for every retry (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (initialMs, factor, extraMs, retryNumber, previousMs, r) => {
          const maxMs = initialMs + extraMs;
          const random = () => r;
          const nominal = Math.min(
            maxMs,
            initialMs === 0 ? 0 : initialMs * factor ** (retryNumber - 1),
          );
          const full = exponentialBackoff({ initialMs, factor, maxMs, random })(
            retryNumber,
            previousMs,
          );
          expect(full).toBeGreaterThanOrEqual(0);
          expect(full).toBeLessThanOrEqual(nominal);
          const equal = exponentialBackoff({ initialMs, factor, maxMs, jitter: 'equal', random })(
            retryNumber,
            previousMs,
          );
          expect(equal).toBeGreaterThanOrEqual(nominal / 2);
          expect(equal).toBeLessThanOrEqual(nominal);
          const decorrelated = exponentialBackoff({
            initialMs,
            factor,
            maxMs,
            jitter: 'decorrelated',
            random,
          })(retryNumber, previousMs);
          expect(decorrelated).toBeGreaterThanOrEqual(initialMs);
          expect(decorrelated).toBeLessThanOrEqual(
            Math.min(maxMs, Math.max(initialMs, 3 * (previousMs || initialMs))),
          );
          const linear = linearBackoff({ initialMs, maxMs, jitter: 'full', random })(
            retryNumber,
            0,
          );
          expect(linear).toBeGreaterThanOrEqual(0);
          expect(linear).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });

  it('decorrelated jitter grows from the previous delay', () => {
    const backoff = exponentialBackoff({
      initialMs: 100,
      maxMs: 10_000,
      jitter: 'decorrelated',
      random: () => 0.999,
    });
    const first = backoff(1, 0);
    expect(first).toBeCloseTo(299.8, 1);
    expect(backoff(2, first)).toBeCloseTo(100 + (3 * first - 100) * 0.999, 5);
    expect(constantBackoff(10, { jitter: 'equal', random: () => 0 })(1, 0)).toBe(5);
  });

  it('refuses invalid options', () => {
    expect(catchError(() => constantBackoff(-1)).context.path).toBe('delayMs');
    expect(catchError(() => constantBackoff(1, { jitter: 'wild' as never })).context.path).toBe(
      'jitter',
    );
    expect(catchError(() => constantBackoff(1, { random: 1 as never })).context.path).toBe(
      'random',
    );
    expect(catchError(() => linearBackoff({ stepMs: Number.POSITIVE_INFINITY })).context.path).toBe(
      'stepMs',
    );
    expect(catchError(() => exponentialBackoff({ factor: 0.5 })).context).toMatchObject({
      path: 'factor',
      rule: 'must be >= 1',
    });
    expect(catchError(() => exponentialBackoff({ initialMs: 100, maxMs: 50 })).context.path).toBe(
      'maxMs',
    );
    expect(catchError(() => exponentialBackoff(null as never)).code).toBe(3204);
  });
});
