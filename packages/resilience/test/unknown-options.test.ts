import { ManualClock } from '@foundation/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  breakerRegistry,
  bulkhead,
  callWithBreaker,
  circuitBreaker,
  constantBackoff,
  exponentialBackoff,
  fallback,
  linearBackoff,
  memoryRateLimitStore,
  rateLimiter,
  retry,
  retryBudget,
  timeout,
} from '../src/index.js';
import { boom, catchError } from './helpers.js';

// Every options-taking entry point, with options that are valid without the extra key.
const entryPoints: Record<string, (options: Record<string, unknown>) => unknown> = {
  retry: (o) => retry(o),
  retryBudget: (o) => retryBudget(o),
  timeout: (o) => timeout(100, o),
  bulkhead: (o) => bulkhead({ concurrency: 1, ...o }),
  fallback: (o) => fallback(() => 1, o),
  circuitBreaker: (o) => circuitBreaker(o),
  breakerRegistry: (o) => breakerRegistry(o),
  'breakerRegistry defaults': (o) => breakerRegistry({ defaults: o }),
  rateLimiter: (o) => rateLimiter({ rate: 1, ...o }),
  'rateLimiter keyed': (o) => rateLimiter({ rate: 1, keyed: o }),
  'rateLimiter adaptive': (o) => rateLimiter({ rate: 1, adaptive: { minRate: 1, ...o } }),
  memoryRateLimitStore: (o) => memoryRateLimitStore(o),
  constantBackoff: (o) => constantBackoff(1, o),
  linearBackoff: (o) => linearBackoff(o),
  exponentialBackoff: (o) => exponentialBackoff(o),
};

describe('unknown options are refused with the list of known ones', () => {
  it('refuses a misspelt option at every entry point, naming it and listing the known ones', () => {
    for (const [name, make] of Object.entries(entryPoints)) {
      expect(() => make({}), name).not.toThrow();
      const error = catchError(() => make({ maxAtempts: 3 }));
      expect(error.code, name).toBe(3204);
      expect(String(error.context.path), name).toMatch(/(^|\.)maxAtempts$/);
      expect(error.message, name).toMatch(
        /is not a known option \(known: [a-zA-Z]+(, [a-zA-Z]+)*\)/,
      );
    }
  });

  it('refuses any key outside the known list, prototype-polluting keys included', () => {
    const key = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(entryPoints)), key, (name, extra) => {
        const make = entryPoints[name]!;
        const known = knownOf(() => make({ zzUnknown: 1 }));
        fc.pre(!known.includes(extra));
        const options = JSON.parse(`{${JSON.stringify(extra)}: 1}`) as Record<string, unknown>;
        const error = catchError(() => make(options));
        expect(error.code).toBe(3204);
        expect(String(error.context.path).endsWith(extra)).toBe(true);
      }),
    );
  });

  it('refuses unknown options of acquire and callWithBreaker', async () => {
    const limiter = rateLimiter({ rate: 1, clock: new ManualClock() });
    await expect(limiter.acquire('default', { timeoutMs: 5 } as never)).rejects.toMatchObject({
      code: 3204,
      context: { path: 'timeoutMs' },
    });
    const result = await callWithBreaker('svc', () => 1, {
      registry: breakerRegistry(),
      threshold: 3,
    } as never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({
      code: 3204,
      context: { path: 'threshold' },
    });
  });
});

function knownOf(fn: () => unknown): string[] {
  const match = /known: ([^)]*)\)/.exec(catchError(fn).message);
  return match ? match[1]!.split(', ') : [];
}

describe("callWithBreaker takes the seed's failureThreshold and recoveryTimeMs", () => {
  it('opens after failureThreshold failures and probes after recoveryTimeMs', async () => {
    const clock = new ManualClock();
    const registry = breakerRegistry({ defaults: { clock } });
    const options = { registry, failureThreshold: 2, recoveryTimeMs: 5_000 };
    await callWithBreaker('seed', boom, options);
    expect(registry.get('seed').state).toBe('closed');
    await callWithBreaker('seed', boom, options);
    expect(registry.get('seed').state).toBe('open');
    const refused = await callWithBreaker('seed', () => 'ok', options);
    expect(!refused.ok && refused.error).toMatchObject({ code: 5101 });
    clock.advance(4_999);
    expect(registry.get('seed').state).toBe('open');
    clock.advance(1);
    await expect(callWithBreaker('seed', () => 'ok', options)).resolves.toEqual({
      ok: true,
      value: 'ok',
    });
    expect(registry.get('seed').state).toBe('closed');
  });

  it('refuses bad values and clashes with the breaker options, making no breaker', async () => {
    const registry = breakerRegistry();
    const cases: [Record<string, unknown>, string][] = [
      [{ failureThreshold: 0 }, 'failureThreshold'],
      [{ failureThreshold: 1.5 }, 'failureThreshold'],
      [{ recoveryTimeMs: -1 }, 'recoveryTimeMs'],
      [{ recoveryTimeMs: '5s' }, 'recoveryTimeMs'],
      [
        { failureThreshold: 2, breaker: { trip: { kind: 'consecutive', failures: 3 } } },
        'failureThreshold',
      ],
      [{ recoveryTimeMs: 10, breaker: { openMs: 20 } }, 'recoveryTimeMs'],
      [{ breaker: { name: 'x' } }, 'breaker.name'],
    ];
    for (const [options, path] of cases) {
      const result = await callWithBreaker('bad', () => 1, { registry, ...options });
      expect(!result.ok && result.error, path).toMatchObject({ code: 3204, context: { path } });
    }
    expect(registry.names()).toEqual([]);
  });
});
