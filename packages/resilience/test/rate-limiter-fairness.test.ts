import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryRateLimitStore, rateLimiter, type RateLimitStore } from '../src/index.js';
import { rejection } from './helpers.js';

/** The default store, counting how often a bucket is asked for tokens. */
function countingStore(): RateLimitStore & { takes: number } {
  const inner = memoryRateLimitStore();
  const store = {
    takes: 0,
    take: (...args: Parameters<RateLimitStore['take']>) => {
      store.takes++;
      return inner.take(...args);
    },
    peek: (...args: Parameters<RateLimitStore['peek']>) => inner.peek(...args),
    delete: (key: string) => inner.delete(key),
    clear: () => {
      inner.clear();
    },
    get size() {
      return inner.size;
    },
  };
  return store;
}

describe('rateLimiter.acquire under contention', () => {
  it('serves 100 waiters on one key in arrival order, one bucket take per grant', async () => {
    const clock = new ManualClock();
    const store = countingStore();
    const limiter = rateLimiter({ rate: 10, per: 1_000, burst: 1, keyed: true, store, clock });
    const order: number[] = [];
    const waits = Array.from({ length: 100 }, (_, i) =>
      limiter.acquire('k', { maxWaitMs: 60_000 }).then(() => order.push(i)),
    );
    expect(clock.pendingTimers()).toBe(1); // one wake-up scheduled for the whole queue
    await clock.advanceAsync(10_000);
    await Promise.all(waits);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // One take for each arrival that found no queue, then one per wake-up, each a grant.
    expect(store.takes).toBeLessThanOrEqual(100 + 2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses at once an acquire whose turn would come after its maxWaitMs, saying when', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 10, per: 1_000, burst: 1, keyed: true, clock });
    limiter.check('k');
    const first = limiter.acquire('k', { maxWaitMs: 1_000 }); // due at 100 ms
    const second = limiter.acquire('k', { maxWaitMs: 1_000 }); // due at 200 ms
    const late = (await rejection(limiter.acquire('k', { maxWaitMs: 250 }))) as FoundationError;
    expect(late.code).toBe(5102);
    expect(late.context.retryAfterMs).toBe(300);
    // A check does not jump the queue either.
    expect(limiter.check('k')).toEqual({ allowed: false, retryAfterMs: 300 });
    await clock.advanceAsync(200);
    await Promise.all([first, second]);
    expect(limiter.check('k').allowed).toBe(false);
    await clock.advanceAsync(100);
    expect(limiter.check('k').allowed).toBe(true);
  });

  it('passes the turn on when the head aborts, and leaves no timer or listener', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 10, per: 1_000, burst: 1, keyed: true, clock });
    limiter.check('k');
    const controller = new AbortController();
    const head = rejection(limiter.acquire('k', { maxWaitMs: 1_000, signal: controller.signal }));
    let servedAt = -1;
    const next = limiter.acquire('k', { maxWaitMs: 1_000 }).then(() => (servedAt = clock.nowMs()));
    await clock.advanceAsync(50);
    controller.abort();
    expect(((await head) as FoundationError).code).toBe(5105);
    await clock.advanceAsync(50);
    await next;
    expect(servedAt).toBe(100); // the aborted head's token went to the next in line
    expect(clock.pendingTimers()).toBe(0);
  });

  it('grants in arrival order and delivers the configured rate within 5%, for any arrivals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(20, 50, 100, 300, 1_000 / 3, 700),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 40 }),
        async (rate, burst, gaps) => {
          const clock = new ManualClock();
          const limiter = rateLimiter({ rate, per: 1_000, burst, keyed: true, clock });
          // Enough waiters to keep the key contended for the whole simulated second.
          const total = Math.ceil(rate * 1.3) + burst;
          const arrivals = Array.from({ length: total }, (_, i) => gaps[i % gaps.length]! % 4);
          const granted: { index: number; atMs: number }[] = [];
          const waits: Promise<unknown>[] = [];
          for (let index = 0; index < total; index++) {
            await clock.advanceAsync(arrivals[index]! / 100); // all arrive within the first 40 ms
            waits.push(
              limiter
                .acquire('k', { maxWaitMs: 60_000 })
                .then(() => granted.push({ index, atMs: clock.nowMs() })),
            );
          }
          await clock.advanceAsync(1_000 - clock.nowMs());
          expect(granted.map((g) => g.index)).toEqual(granted.map((_, i) => i));
          const delivered = granted.filter((g) => g.atMs <= 1_000).length - burst;
          expect(Math.abs(delivered - rate)).toBeLessThanOrEqual(rate * 0.05 + 1);
          await clock.advanceAsync(60_000);
          await Promise.all(waits);
        },
      ),
      { numRuns: 25 },
    );
  });
});
