import { getEventListeners } from 'node:events';
import { ManualClock, type Result } from '@foundation/core';
import { FoundationError, getErrorCode } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import {
  breakerRegistry,
  bulkhead,
  callWithBreaker,
  circuitBreaker,
  consecutive,
  constantBackoff,
  defaultBreakerRegistry,
  failureReason,
  fallback,
  pipeline,
  rateLimiter,
  ResilienceErrors,
  retry,
  timeout,
  type ExecuteOptions,
  type Operation,
  type Policy,
} from '../src/index.js';
import { captureChannel, catchError, flush, rejection } from './helpers.js';

describe('pipeline', () => {
  it('composes outer to inner: retry around breaker around timeout', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trip: consecutive(2), openMs: 1_000, clock });
    const policy = pipeline(
      retry({ maxAttempts: 3, backoff: constantBackoff(0), clock }),
      breaker,
      timeout(100, { clock }),
    );
    const attempts: number[] = [];
    const result = rejection(
      policy.execute(({ attempt, signal }) => {
        attempts.push(attempt);
        expect(signal).toBeInstanceOf(AbortSignal);
        throw new Error('down');
      }),
    );
    const error = (await result) as FoundationError;
    // Two failures open the breaker; the third attempt is refused by it (5101, not retryable now).
    expect(attempts).toEqual([1, 2]);
    expect(error.code).toBe(5101);
    expect(breaker.state).toBe('open');
  });

  it('a timeout inside a breaker counts as a failure', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trip: consecutive(1), clock });
    const policy = pipeline(breaker, timeout(10, { clock, strategy: 'aggressive' }));
    const result = rejection(policy.execute(() => new Promise(() => undefined)));
    await clock.advanceAsync(10);
    expect(((await result) as FoundationError).code).toBe(5104);
    expect(breaker.state).toBe('open');
  });

  it('a breaker inside a timeout counts the timed-out call as a failure, not an abort', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trip: consecutive(1), clock });
    const policy = pipeline(timeout(10, { clock }), breaker);
    const result = rejection(
      policy.execute(
        ({ signal }) =>
          new Promise((_, reject) => {
            signal!.addEventListener('abort', () => {
              reject(new Error('cut'));
            });
          }),
      ),
    );
    await clock.advanceAsync(10);
    expect(((await result) as FoundationError).code).toBe(5104);
    expect(breaker.state).toBe('open');
  });

  it('executeResult of a pipeline and its fallback typing', async () => {
    const breaker = circuitBreaker({ trip: consecutive(1) });
    breaker.isolate();
    const safe = pipeline(fallback('default' as const), breaker);
    await expect(safe.execute(() => 42)).resolves.toBe('default');
    const raw = pipeline(breaker);
    const refused = await raw.executeResult(() => 1);
    expect(!refused.ok && (refused.error as FoundationError).code).toBe(5101);
  });

  it('works with a policy written by a user', async () => {
    const log: string[] = [];
    const logging: Policy = {
      async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
        log.push('before');
        const value = await fn({ signal: options?.signal, attempt: options?.attempt ?? 1 });
        log.push('after');
        return value;
      },
      async executeResult<T>(
        fn: Operation<T>,
        options?: ExecuteOptions,
      ): Promise<Result<T, unknown>> {
        return { ok: true, value: await this.execute(fn, options) };
      },
    };
    const policy = pipeline(retry(), logging, bulkhead({ concurrency: 1 }));
    await expect(policy.execute(() => 'v')).resolves.toBe('v');
    await expect(policy.executeResult(() => 'w')).resolves.toEqual({ ok: true, value: 'w' });
    expect(log).toEqual(['before', 'after', 'before', 'after']);
  });

  it('refuses an empty list or a non-policy', () => {
    expect(catchError(() => pipeline()).context.path).toBe('policies');
    expect(catchError(() => pipeline(retry(), {} as never)).context.path).toBe('policies[1]');
    expect(catchError(() => pipeline(null as never)).context.path).toBe('policies[0]');
  });

  it('leaves no listener on the caller signal after many calls of every policy', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policies: Policy<unknown>[] = [
      retry({ clock, backoff: constantBackoff(0) }),
      circuitBreaker({ clock }),
      timeout(1_000, { clock }),
      timeout(1_000, { clock, strategy: 'aggressive' }),
      bulkhead({ concurrency: 2, queue: 10_000 }),
      rateLimiter({ rate: 1e9, burst: 1e9, clock }),
      fallback(0),
      pipeline(
        retry({ clock, backoff: constantBackoff(0) }),
        circuitBreaker({ clock }),
        timeout(1_000, { clock }),
      ),
    ];
    for (const policy of policies) {
      await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          policy
            .execute(
              async ({ signal }) => {
                expect(signal?.aborted).not.toBe(true);
                await flush();
                if (i % 3 === 0) throw new Error('odd');
                return i;
              },
              { signal: controller.signal },
            )
            .catch(() => -1),
        ),
      );
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    }
  });
});

describe('fallback', () => {
  it('serves a value, or what a function returns knowing why the call failed', async () => {
    await expect(
      fallback('cached').execute(() => {
        throw new Error('x');
      }),
    ).resolves.toBe('cached');
    const reasons: string[] = [];
    const policy = fallback(async ({ reason }) => {
      reasons.push(reason);
      return `default (${reason})`;
    });
    const clock = new ManualClock();
    const open = circuitBreaker({ clock });
    open.isolate();
    const full = bulkhead({ concurrency: 1 });
    const hold = full.execute(() => new Promise<void>(() => undefined));
    const limiter = rateLimiter({ rate: 1, burst: 1, clock });
    limiter.check();
    const slow = timeout(5, { clock, strategy: 'aggressive' });
    await expect(pipeline(policy, open).execute(() => 'x')).resolves.toBe('default (open)');
    await expect(pipeline(policy, full).execute(() => 'x')).resolves.toBe('default (rejected)');
    await expect(pipeline(policy, limiter).execute(() => 'x')).resolves.toBe('default (throttled)');
    const timedOut = pipeline(policy, slow).execute(() => new Promise(() => undefined));
    await clock.advanceAsync(5);
    await expect(timedOut).resolves.toBe('default (timeout)');
    await expect(
      policy.execute(() => {
        throw new Error('own');
      }),
    ).resolves.toBe('default (error)');
    expect(reasons).toEqual(['open', 'rejected', 'throttled', 'timeout', 'error']);
    void hold;
    await expect(policy.execute(() => 'fine')).resolves.toBe('fine');
  });

  it("never replaces the caller's own abort, and `when` limits what it replaces", async () => {
    const policy = fallback('d', { when: (e) => (e as Error).message === 'soft' });
    expect(
      (
        (await rejection(
          policy.execute(() => 1, { signal: AbortSignal.abort() }),
        )) as FoundationError
      ).code,
    ).toBe(5105);
    const hard = new Error('hard');
    expect(
      await rejection(
        policy.execute(() => {
          throw hard;
        }),
      ),
    ).toBe(hard);
    const soft = await policy.executeResult(() => {
      throw new Error('soft');
    });
    expect(soft).toEqual({ ok: true, value: 'd' });
    const inner = fallback('x');
    const abortedInside = await rejection(
      inner.execute(() => {
        throw new FoundationError(ResilienceErrors.aborted);
      }),
    );
    expect((abortedInside as FoundationError).code).toBe(5105);
    expect(catchError(() => fallback(1, { when: 2 as never })).context.path).toBe('when');
  });

  it('classifies errors and publishes on foundation:resilience:fallback', async () => {
    expect(failureReason(new FoundationError('timeout'))).toBe('timeout');
    expect(failureReason(new FoundationError('network_error'))).toBe('error');
    expect(failureReason('x')).toBe('error');
    const error = new Error('x');
    const messages = await captureChannel('foundation:resilience:fallback', () =>
      fallback(0).execute(() => {
        throw error;
      }),
    );
    expect(messages).toEqual([{ reason: 'error', error }]);
  });
});

describe('callWithBreaker and the registry', () => {
  it("is the seed's call_with_breaker: a Result, with circuit_open once the service's breaker opens", async () => {
    const registry = breakerRegistry({ defaults: { trip: consecutive(2) } });
    const down = () => Promise.reject(new Error('ai provider down'));
    const first = await callWithBreaker('ai', down, { registry });
    expect(!first.ok && (first.error as Error).message).toBe('ai provider down');
    await callWithBreaker('ai', down, { registry });
    const refused = await callWithBreaker('ai', down, { registry });
    expect(!refused.ok && (refused.error as FoundationError).codeName).toBe('circuit_open');
    await expect(callWithBreaker('other', () => 'fine', { registry })).resolves.toEqual({
      ok: true,
      value: 'fine',
    });
    expect(registry.names()).toEqual(['ai', 'other']);
    expect(registry.get('ai').state).toBe('open');
    expect(registry.has('ai')).toBe(true);
    expect(registry.delete('ai')).toBe(true);
    expect(registry.has('ai')).toBe(false);
  });

  it('uses the default registry and per-call breaker options the first time', async () => {
    const name = `svc-${Math.random()}`;
    await callWithBreaker(name, () => 1, { breaker: { trip: consecutive(1) } });
    expect(defaultBreakerRegistry.get(name).name).toBe(name);
    const aborted = await callWithBreaker(name, () => 1, { signal: AbortSignal.abort() });
    expect(!aborted.ok && (aborted.error as FoundationError).code).toBe(5105);
    defaultBreakerRegistry.delete(name);
  });

  it('refuses bad names and a full registry as Results', async () => {
    const registry = breakerRegistry({ maxBreakers: 1 });
    for (const name of ['', '__proto__', 7 as never]) {
      const result = await callWithBreaker(name, () => 1, { registry });
      expect(!result.ok && (result.error as FoundationError).code).toBe(3204);
    }
    await callWithBreaker('one', () => 1, { registry });
    const full = await callWithBreaker('two', () => 1, { registry });
    expect(!full.ok && (full.error as FoundationError).code).toBe(2201);
    expect(catchError(() => breakerRegistry({ maxBreakers: 0 })).context.path).toBe('maxBreakers');
  });
});

describe('error codes', () => {
  it('registers the 51xx codes with their retry strategies', () => {
    expect(Object.values(ResilienceErrors).map((c) => [c.code, c.name, c.retry])).toEqual([
      [5101, 'circuit_open', 'fixed_delay'],
      [5102, 'rate_limited', 'fixed_delay'],
      [5103, 'bulkhead_full', 'exponential_backoff'],
      [5104, 'timed_out', 'exponential_backoff'],
      [5105, 'aborted', 'none'],
      [5106, 'retries_exhausted', 'none'],
    ]);
    expect(getErrorCode(5101)?.category).toBe('resilience');
    const error = catchError(() => retry({ maxAttempts: {} as never }));
    expect(error.context).toEqual({
      path: 'maxAttempts',
      rule: 'must be an integer >= 1',
      value: '[object]',
    });
    const long = catchError(() => timeout(10, { strategy: 'x'.repeat(500) as never }));
    expect(String(long.context.value).length).toBeLessThan(110);
  });
});
