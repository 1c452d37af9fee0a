import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import {
  circuitBreaker,
  consecutive,
  exponentialBackoff,
  fallback,
  pipeline,
  rateLimiter,
  retry,
} from '@foundation/resilience';
import { elixirScopeRateLimits as seedRateLimits } from '@foundation/resilience/examples';
import type { StepGroup } from './types.js';

function codeOf(error: unknown): string {
  return FoundationError.is(error) ? `${error.code} ${error.codeName}` : String(error);
}

/** The resilience steps: breaker, retry, rate limiter and fallback, on a manual clock. */
export const resilienceSteps: StepGroup = {
  title: 'Resilience',
  steps: [
    {
      name: 'circuit breaker opens, rejects fast, recovers through half-open',
      run: async (ctx) => {
        const clock = new ManualClock();
        const breaker = circuitBreaker({
          name: 'ai_provider',
          trip: consecutive(3),
          openMs: 5_000,
          clock,
        });
        const states: string[] = [];
        breaker.onStateChange(({ from, to }) => states.push(`${from}→${to}`));
        let calls = 0;
        const down = () => {
          calls++;
          return Promise.reject(new Error('provider down'));
        };
        for (let i = 0; i < 3; i++) await breaker.execute(down).catch(() => undefined);
        const refused = await breaker.executeResult(down);
        if (refused.ok || !FoundationError.is(refused.error) || refused.error.code !== 5101) {
          throw new Error('the open breaker did not refuse');
        }
        if (calls !== 3) throw new Error(`the open breaker let a call through (${calls})`);
        ctx.detail(
          `refused with ${codeOf(refused.error)}, retry after ${String(refused.error.context.retryAfterMs)} ms`,
        );
        clock.advance(5_000);
        const answer = await breaker.execute(() => 'recovered');
        if (breaker.state !== 'closed') throw new Error(`breaker is ${breaker.state}`);
        return `${states.join(', ')}; probe answered '${answer}'`;
      },
    },
    {
      name: 'a flaky call succeeds on retry',
      run: async () => {
        const clock = new ManualClock();
        const policy = retry({
          maxAttempts: 4,
          backoff: exponentialBackoff({ initialMs: 100, jitter: 'none' }),
          clock,
        });
        let attempts = 0;
        const result = policy.execute(({ attempt }) => {
          attempts = attempt;
          if (attempt < 3) throw new FoundationError('network_error', 'connection reset');
          return 'payload';
        });
        await clock.advanceAsync(300);
        const value = await result;
        return `'${value}' after ${attempts} attempts (waits 100 + 200 ms, on a manual clock)`;
      },
    },
    {
      name: 'keyed rate limiter allows a burst, then refuses with a retry-after',
      run: async (ctx) => {
        const clock = new ManualClock();
        const limiter = rateLimiter({ rate: 5, per: 1_000, burst: 3, keyed: true, clock });
        const alice = Array.from({ length: 5 }, () => limiter.check('alice'));
        const allowed = alice.filter((d) => d.allowed).length;
        const refused = alice.find((d) => !d.allowed);
        if (allowed !== 3 || !refused) throw new Error(`burst of 3 not enforced (${allowed})`);
        if (!limiter.check('bob').allowed) throw new Error('keys are not independent');
        const error = await limiter.acquire('alice', { maxWaitMs: 10 }).catch((e: unknown) => e);
        ctx.detail(`acquire without waiting long enough: ${codeOf(error)}`);
        const api = rateLimiter({ ...seedRateLimits.api_calls, clock });
        let apiAllowed = 0;
        for (let i = 0; i < 150; i++) if (api.check().allowed) apiAllowed++;
        ctx.detail(`seed api_calls limit (100 per 60 s): ${apiAllowed} of 150 allowed at once`);
        return `alice: ${allowed} allowed, then retry after ${refused.retryAfterMs} ms; bob unaffected`;
      },
    },
    {
      name: 'fallback serves a default when the breaker is open',
      run: async () => {
        const breaker = circuitBreaker({ name: 'catalog' });
        breaker.isolate();
        const safe = pipeline(
          fallback(({ reason }) => ({ items: [] as string[], degraded: reason })),
          breaker,
        );
        const page = await safe.execute(() => ({ items: ['live'], degraded: 'no' }));
        if (page.degraded !== 'open') throw new Error('fallback did not serve the default');
        return `served ${JSON.stringify(page)}`;
      },
    },
  ],
};
