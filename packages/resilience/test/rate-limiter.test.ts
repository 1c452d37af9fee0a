import { getEventListeners } from 'node:events';
import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elixirScopeRateLimits } from '../src/examples/index.js';
import { memoryRateLimitStore, rateLimiter } from '../src/index.js';
import { captureChannel, catchError, flush, rejection } from './helpers.js';

/** Max cost admitted in any window, checked over every pair of admission times. */
function assertWithinBucket(
  admissions: readonly { atMs: number; cost: number }[],
  burst: number,
  ratePerMs: number,
): void {
  for (let i = 0; i < admissions.length; i++) {
    let sum = 0;
    for (let j = i; j < admissions.length; j++) {
      sum += admissions[j]!.cost;
      const elapsed = admissions[j]!.atMs - admissions[i]!.atMs;
      expect(sum).toBeLessThanOrEqual(burst + ratePerMs * elapsed + 1e-9);
    }
  }
}

describe('rateLimiter.check', () => {
  it('allows a burst, then refuses with the ms until a token is back', () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 10, per: 1_000, burst: 3, clock });
    expect([1, 2, 3].map(() => limiter.check().allowed)).toEqual([true, true, true]);
    expect(limiter.check()).toEqual({ allowed: false, retryAfterMs: 100 });
    clock.advance(40);
    expect(limiter.check()).toEqual({ allowed: false, retryAfterMs: 60 });
    clock.advance(60);
    expect(limiter.check().allowed).toBe(true);
  });

  it('refills continuously: a steady caller at the rate is never starved', () => {
    const clock = new ManualClock();
    // The seed's whole-second refill would refuse every one of these calls.
    const limiter = rateLimiter({ rate: 2, per: 1_000, burst: 1, clock });
    limiter.check();
    for (let i = 0; i < 20; i++) {
      clock.advance(500);
      expect(limiter.check().allowed).toBe(true);
    }
    expect(limiter.available()).toBeCloseTo(0, 9);
    clock.advance(250);
    expect(limiter.available()).toBeCloseTo(0.5, 9);
  });

  it('handles fractional rates and costs, and a cost above the burst never passes', () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 0.5, per: 1_000, clock });
    expect(limiter.check('', 0.5).allowed).toBe(true);
    expect(limiter.check('', 0.75)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(limiter.check('', 2)).toEqual({ allowed: false, retryAfterMs: Infinity });
    expect(limiter.rate).toBe(0.5);
  });

  it('keeps keys independent and refuses keys unless keyed', () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 1, per: 1_000, burst: 2, keyed: true, clock });
    expect(limiter.check('alice').allowed).toBe(true);
    expect(limiter.check('alice').allowed).toBe(true);
    expect(limiter.check('alice').allowed).toBe(false);
    expect(limiter.check('bob').allowed).toBe(true);
    limiter.reset('alice');
    expect(limiter.check('alice').allowed).toBe(true);
    limiter.reset();
    expect(limiter.available('bob')).toBe(2);
    const single = rateLimiter({ rate: 1 });
    expect(catchError(() => single.check('alice')).context).toMatchObject({
      path: 'key',
      rule: 'keys need the keyed option',
    });
  });

  it('refuses forbidden keys, non-string keys and bad costs', () => {
    const limiter = rateLimiter({ rate: 1, keyed: { maxKeys: 10 } });
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(catchError(() => limiter.check(key)).context.path).toBe('key');
    }
    for (const key of [5, null, {}]) {
      expect(catchError(() => limiter.check(key as never)).context.rule).toBe('must be a string');
    }
    expect(catchError(() => limiter.available({} as never)).code).toBe(3204);
    expect(
      catchError(() => {
        limiter.reset('__proto__');
      }).code,
    ).toBe(3204);
    for (const cost of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as never]) {
      expect(catchError(() => limiter.check('a', cost)).context.path).toBe('cost');
    }
  });

  it('publishes refusals on foundation:resilience:rate-limit', async () => {
    const limiter = rateLimiter({ rate: 1, burst: 1, keyed: true, clock: new ManualClock() });
    const messages = await captureChannel('foundation:resilience:rate-limit', () => {
      limiter.check('k');
      limiter.check('k');
    });
    expect(messages).toEqual([{ event: 'limited', key: 'k', cost: 1, retryAfterMs: 1_000 }]);
  });

  it('ships the ElixirScope limits as an example, from the examples entry', () => {
    const clock = new ManualClock();
    const api = rateLimiter({ ...elixirScopeRateLimits.api_calls, clock });
    const files = rateLimiter({ ...elixirScopeRateLimits.file_operations, clock });
    let apiAllowed = 0;
    let fileAllowed = 0;
    for (let i = 0; i < 200; i++) {
      if (api.check().allowed) apiAllowed++;
      if (files.check().allowed) fileAllowed++;
    }
    expect(apiAllowed).toBe(100);
    expect(fileAllowed).toBe(10);
    expect(elixirScopeRateLimits.db_queries).toEqual({ rate: 500, per: 60_000 });
  });
});

describe('rateLimiter properties', () => {
  const op = fc.record({
    advanceMs: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 50 }),
      fc.double({ min: 0, max: 500, noNaN: true }),
    ),
    key: fc.constantFrom('a', 'b', 'c'),
    cost: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 3, noNaN: true })),
  });
  const config = fc.record({
    rate: fc.double({ min: 0.1, max: 100, noNaN: true }),
    per: fc.constantFrom(1, 100, 1_000, 60_000),
    burst: fc.double({ min: 1, max: 20, noNaN: true }),
  });

  it('never admits more than burst + rate · elapsed in any interval (any call pattern)', () => {
    fc.assert(
      fc.property(config, fc.array(op, { maxLength: 150 }), ({ rate, per, burst }, ops) => {
        const clock = new ManualClock();
        const limiter = rateLimiter({ rate, per, burst, keyed: true, clock });
        const admitted = new Map<string, { atMs: number; cost: number }[]>();
        for (const { advanceMs, key, cost } of ops) {
          clock.advance(advanceMs);
          if (limiter.check(key, cost).allowed) {
            const list = admitted.get(key) ?? [];
            list.push({ atMs: clock.nowMs(), cost });
            admitted.set(key, list);
          }
        }
        for (const list of admitted.values()) assertWithinBucket(list, burst, rate / per);
      }),
    );
  });

  it('keys are independent: a key decides the same alone or interleaved with others', () => {
    fc.assert(
      fc.property(config, fc.array(op, { maxLength: 100 }), ({ rate, per, burst }, ops) => {
        const clock = new ManualClock();
        const shared = rateLimiter({ rate, per, burst, keyed: true, clock });
        const alone = new Map(
          ['a', 'b', 'c'].map((k) => [k, rateLimiter({ rate, per, burst, keyed: true, clock })]),
        );
        for (const { advanceMs, key, cost } of ops) {
          clock.advance(advanceMs);
          expect(shared.check(key, cost)).toEqual(alone.get(key)!.check(key, cost));
        }
      }),
    );
  });

  it('concurrent acquirers together never exceed the bucket either', async () => {
    await fc.assert(
      fc.asyncProperty(
        config,
        fc.array(
          fc.record({
            startMs: fc.integer({ min: 0, max: 2_000 }),
            cost: fc.constantFrom(0.5, 1, 2),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        async ({ rate, per, burst }, callers) => {
          const clock = new ManualClock();
          const limiter = rateLimiter({ rate, per, burst, clock });
          const admissions: { atMs: number; cost: number }[] = [];
          const all = callers.map(async ({ startMs, cost }) => {
            await clock.sleep(startMs);
            try {
              await limiter.acquire('', { cost, maxWaitMs: 500 });
              admissions.push({ atMs: clock.nowMs(), cost });
            } catch (error) {
              expect((error as FoundationError).code).toBe(5102);
            }
          });
          await clock.runAllAsync();
          await Promise.all(all);
          admissions.sort((x, y) => x.atMs - y.atMs);
          assertWithinBucket(admissions, burst, rate / per);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('rateLimiter.acquire', () => {
  it('waits for a token within maxWaitMs', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 10, burst: 1, clock });
    await limiter.acquire();
    const waiting = limiter.acquire(undefined, { maxWaitMs: 200 });
    let done = false;
    void waiting.then(() => (done = true));
    await clock.advanceAsync(99);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    expect(done).toBe(true);
  });

  it('refuses at once with 5102 and a retry-after when the wait would be too long', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 1, burst: 1, keyed: true, clock });
    await limiter.acquire('k');
    const error = (await rejection(limiter.acquire('k', { maxWaitMs: 10 }))) as FoundationError;
    expect(error.code).toBe(5102);
    expect(error.context).toEqual({ key: 'k', cost: 1, retryAfterMs: 1_000, rate: 1, per: 1_000 });
    expect(clock.pendingTimers()).toBe(0);
    const never = (await rejection(
      limiter.acquire('k', { cost: 5, maxWaitMs: 1e9 }),
    )) as FoundationError;
    expect(never.context.retryAfterMs).toBeUndefined();
  });

  it('ends a wait at once with 5105 when the signal aborts, leaving no listener', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 1, burst: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = rejection(limiter.acquire('', { signal: controller.signal, maxWaitMs: 5_000 }));
    await flush();
    controller.abort();
    expect(((await waiting) as FoundationError).code).toBe(5105);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pendingTimers()).toBe(0);
    const already = await rejection(limiter.acquire('', { signal: AbortSignal.abort() }));
    expect((already as FoundationError).code).toBe(5105);
    expect(catchError(() => limiter.check('', -1)).code).toBe(3204);
    expect(
      (await rejection(limiter.acquire('', { maxWaitMs: -1 }))) as FoundationError,
    ).toMatchObject({
      code: 3204,
    });
  });
});

describe('rateLimiter as a policy', () => {
  it('execute takes a token or refuses with 5102; executeResult refuses without throwing', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 1, burst: 2, clock });
    await expect(limiter.execute(() => 'a')).resolves.toBe('a');
    await expect(limiter.executeResult(() => 'b')).resolves.toEqual({ ok: true, value: 'b' });
    expect(((await rejection(limiter.execute(() => 'c'))) as FoundationError).code).toBe(5102);
    const refused = await limiter.executeResult(() => 'd');
    expect(!refused.ok && (refused.error as FoundationError).context.retryAfterMs).toBe(1_000);
  });

  it('execute can wait up to maxWaitMs, honouring the signal', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 10, burst: 1, maxWaitMs: 150, clock });
    await limiter.execute(() => 1);
    const waiting = limiter.execute(({ attempt }) => attempt);
    await clock.advanceAsync(100);
    await expect(waiting).resolves.toBe(1);
    const controller = new AbortController();
    const aborted = rejection(limiter.execute(() => 1, { signal: controller.signal }));
    await flush();
    controller.abort();
    expect(((await aborted) as FoundationError).code).toBe(5105);
    await clock.advanceAsync(100);
    await expect(limiter.executeResult(() => 'r')).resolves.toEqual({ ok: true, value: 'r' });
  });
});

describe('rateLimiter adaptive mode', () => {
  it('halves the rate on failure or slow calls and climbs back additively, within bounds', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      rate: 100,
      burst: 1_000,
      clock,
      adaptive: { minRate: 20, increaseBy: 10, decreaseFactor: 0.5, slowMs: 50 },
    });
    await rejection(
      limiter.execute(() => {
        throw new Error('overloaded');
      }),
    );
    expect(limiter.rate).toBe(50);
    limiter.record({ ok: false });
    limiter.record({ ok: false });
    expect(limiter.rate).toBe(20);
    await limiter.execute(() => 'ok');
    expect(limiter.rate).toBe(30);
    const slow = limiter.execute(async () => {
      await clock.sleep(60);
    });
    await clock.advanceAsync(60);
    await slow;
    expect(limiter.rate).toBe(20);
    for (let i = 0; i < 20; i++) limiter.record({ ok: true, durationMs: 1 });
    expect(limiter.rate).toBe(100);
  });

  it('the lower rate really refills slower', () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 10, burst: 1, clock, adaptive: { minRate: 1 } });
    limiter.check();
    limiter.record({ ok: false });
    expect(limiter.check().retryAfterMs).toBe(200);
  });

  it("ignores the caller's abort and errors isFailure excludes; publishes rate changes", async () => {
    const limiter = rateLimiter({
      rate: 10,
      burst: 100,
      adaptive: { minRate: 1, isFailure: (e) => (e as Error).message !== 'not found' },
    });
    await rejection(
      limiter.execute(() => {
        throw new Error('not found');
      }),
    );
    await rejection(limiter.execute(() => 1, { signal: AbortSignal.abort() }));
    const controller = new AbortController();
    await rejection(
      limiter.execute(
        () => {
          controller.abort();
          throw new Error('cancelled');
        },
        { signal: controller.signal },
      ),
    );
    expect(limiter.rate).toBe(10);
    const messages = await captureChannel('foundation:resilience:rate-limit', () => {
      limiter.record({ ok: false });
    });
    expect(messages).toEqual([{ event: 'rate_changed', rate: 5, per: 1_000 }]);
    const plain = rateLimiter({ rate: 1 });
    plain.record({ ok: false });
    expect(plain.rate).toBe(1);
  });

  it('refuses invalid adaptive options', () => {
    const cases: [object, string][] = [
      [{ minRate: 0 }, 'adaptive.minRate'],
      [{ minRate: 20 }, 'adaptive.minRate'],
      [{ minRate: 1, maxRate: 5 }, 'adaptive.maxRate'],
      [{ minRate: 1, decreaseFactor: 1 }, 'adaptive.decreaseFactor'],
      [{ minRate: 1, increaseBy: -1 }, 'adaptive.increaseBy'],
      [{ minRate: 1, slowMs: 0 }, 'adaptive.slowMs'],
      [{ minRate: 1, isFailure: 1 }, 'adaptive.isFailure'],
    ];
    for (const [adaptive, path] of cases) {
      expect(
        catchError(() => rateLimiter({ rate: 10, adaptive: adaptive as never })).context.path,
      ).toBe(path);
    }
  });
});

describe('rateLimiter memory and options', () => {
  it('keeps at most maxKeys keys, dropping refilled (idle) keys first', () => {
    const clock = new ManualClock();
    const store = memoryRateLimitStore({ maxKeys: 100 });
    const limiter = rateLimiter({ rate: 1, burst: 1, keyed: true, store, clock });
    for (let i = 0; i < 1_000; i++) limiter.check(`k${i}`);
    expect(store.size).toBeLessThanOrEqual(100);
    clock.advance(1_000); // every bucket refilled: all idle
    limiter.check('fresh');
    expect(store.size).toBe(1);
    expect(store.delete('fresh')).toBe(true);
  });

  it('keeps a throttled key throttled however many new keys flood the store', () => {
    const clock = new ManualClock();
    const store = memoryRateLimitStore({ maxKeys: 1_000 });
    const limiter = rateLimiter({ rate: 1, per: 60_000, burst: 5, keyed: true, store, clock });
    for (let i = 0; i < 5; i++) expect(limiter.check('victim').allowed).toBe(true);
    expect(limiter.check('victim').allowed).toBe(false);
    for (let i = 0; i < 10_000; i++) limiter.check(`flood-${i}`);
    expect(store.size).toBeLessThanOrEqual(1_000);
    expect(limiter.available('victim')).toBeLessThan(1);
    expect(limiter.check('victim').allowed).toBe(false);
    clock.advance(60_000);
    expect(limiter.check('victim').allowed).toBe(true);
  });

  it('evicts the least recently used keys, not the oldest inserted', () => {
    const clock = new ManualClock();
    const store = memoryRateLimitStore({ maxKeys: 10 });
    const limiter = rateLimiter({ rate: 1, per: 60_000, burst: 3, keyed: true, store, clock });
    limiter.check('first'); // inserted first, and kept in use below
    for (let i = 0; i < 9; i++) {
      clock.advance(1);
      limiter.check(`other-${i}`);
    }
    clock.advance(1);
    limiter.check('first');
    clock.advance(1);
    limiter.check('newcomer'); // the store is full: the least recently used 10% go
    expect(store.size).toBeLessThanOrEqual(10);
    expect(store.delete('other-0')).toBe(false); // used longest ago: evicted
    expect(store.delete('first')).toBe(true); // inserted first but used recently: kept
    expect(store.delete('newcomer')).toBe(true);
  });

  it('never admits more than burst + rate × time per key, under any key flood (property)', () => {
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('take' as const),
          key: fc.integer({ min: 0, max: 2 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('flood' as const),
          count: fc.integer({ min: 1, max: 60 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.integer({ min: 1, max: 400 }),
        }),
      },
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 120 }),
        fc.integer({ min: 2, max: 30 }),
        (ops, maxKeys) => {
          const clock = new ManualClock();
          const store = memoryRateLimitStore({ maxKeys });
          const limiter = rateLimiter({ rate: 2, per: 1_000, burst: 3, keyed: true, store, clock });
          const admitted = new Map<number, { atMs: number; cost: number }[]>();
          let flooded = 0;
          for (const o of ops) {
            if (o.kind === 'advance') clock.advance(o.ms);
            else if (o.kind === 'flood') {
              for (let i = 0; i < o.count; i++) limiter.check(`flood-${flooded++}`);
            } else if (limiter.check(`key-${o.key}`).allowed) {
              const list = admitted.get(o.key) ?? [];
              list.push({ atMs: clock.nowMs(), cost: 1 });
              admitted.set(o.key, list);
            }
            expect(store.size).toBeLessThanOrEqual(maxKeys);
          }
          for (const list of admitted.values()) assertWithinBucket(list, 3, 2 / 1_000);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sweeps idle keys as calls arrive, with no timer', () => {
    const clock = new ManualClock();
    const store = memoryRateLimitStore();
    const limiter = rateLimiter({ rate: 10, burst: 10, keyed: true, store, clock });
    for (let i = 0; i < 50; i++) limiter.check(`user${i}`);
    limiter.check('busy');
    expect(store.size).toBe(51);
    clock.advance(1_000);
    limiter.check('busy');
    expect(store.size).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses invalid options', () => {
    const cases: [object, string][] = [
      [{ rate: 0 }, 'rate'],
      [{ rate: -5 }, 'rate'],
      [{ rate: Number.POSITIVE_INFINITY }, 'rate'],
      [{ rate: 1, per: 0 }, 'per'],
      [{ rate: 1, burst: 0 }, 'burst'],
      [{ rate: 1, keyed: 'yes' }, 'keyed'],
      [{ rate: 1, keyed: { maxKeys: 0 } }, 'maxKeys'],
      [{ rate: 1, store: {} }, 'store'],
      [{ rate: 1, maxWaitMs: -1 }, 'maxWaitMs'],
      [{}, 'rate'],
    ];
    for (const [options, path] of cases) {
      expect(catchError(() => rateLimiter(options as never)).context.path).toBe(path);
    }
    expect(catchError(() => memoryRateLimitStore({ maxKeys: 1.5 })).context.path).toBe('maxKeys');
  });
});
