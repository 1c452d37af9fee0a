import { ManualClock } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import { circuitBreaker, consecutive, rateLimiter, retry } from '../src/index.js';
import { captureChannel, rejection } from './helpers.js';

const CHANNEL = 'foundation:resilience:listener-error';
const classifierBug = new Error('classifier bug');
const throwing = (): boolean => {
  throw classifierBug;
};

describe('a predicate that throws', () => {
  it('breaker isFailure: the call counts as a failure and the caller gets its own error', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      name: 'svc',
      clock,
      trip: consecutive(2),
      openMs: 1_000,
      isFailure: throwing,
    });
    const own = new Error('own');
    const reports = await captureChannel(CHANNEL, async () => {
      expect(await rejection(breaker.execute(() => Promise.reject(own)))).toBe(own);
      expect(await rejection(breaker.execute(() => Promise.reject(own)))).toBe(own);
    });
    expect(breaker.state).toBe('open');
    expect(reports).toEqual([
      { source: 'svc', callback: 'isFailure', error: classifierBug },
      { source: 'svc', callback: 'isFailure', error: classifierBug },
    ]);
  });

  it('breaker isFailure: a half-open probe is settled at once, its slot not held', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      clock,
      trip: consecutive(1),
      openMs: 1_000,
      halfOpenProbes: 1,
      isFailure: throwing,
    });
    const own = new Error('own');
    await rejection(breaker.execute(() => Promise.reject(own)));
    clock.advance(1_000);
    expect(await rejection(breaker.execute(() => Promise.reject(own)))).toBe(own);
    // The probe failed and reopened the breaker, rather than waiting for probeTimeoutMs.
    expect(breaker.state).toBe('open');
    clock.advance(1_000);
    expect(await breaker.execute(() => 'recovered')).toBe('recovered');
    expect(breaker.state).toBe('closed');
  });

  it('retryOn: the error is not retried and reaches the caller unchanged', async () => {
    let calls = 0;
    const own = new Error('own');
    const policy = retry({ maxAttempts: 5, retryOn: throwing, clock: new ManualClock() });
    const reports = await captureChannel(CHANNEL, async () => {
      const error = await rejection(
        policy.execute(() => {
          calls++;
          throw own;
        }),
      );
      expect(error).toBe(own);
    });
    expect(calls).toBe(1);
    expect(reports).toEqual([{ source: 'retry', callback: 'retryOn', error: classifierBug }]);
  });

  it('retryOnResult: the value is returned as it is', async () => {
    let calls = 0;
    const policy = retry({ maxAttempts: 5, retryOnResult: throwing, clock: new ManualClock() });
    const reports = await captureChannel(CHANNEL, async () => {
      expect(await policy.execute(() => ++calls)).toBe(1);
    });
    expect(reports).toEqual([{ source: 'retry', callback: 'retryOnResult', error: classifierBug }]);
  });

  it('adaptive isFailure: the rate is lowered and the caller gets its own error', async () => {
    const limiter = rateLimiter({
      rate: 100,
      clock: new ManualClock(),
      adaptive: { minRate: 10, isFailure: throwing },
    });
    const own = new Error('own');
    const reports = await captureChannel(CHANNEL, async () => {
      expect(await rejection(limiter.execute(() => Promise.reject(own)))).toBe(own);
    });
    expect(limiter.rate).toBe(50);
    expect(reports).toEqual([
      { source: 'rate-limiter', callback: 'adaptive.isFailure', error: classifierBug },
    ]);
  });
});
