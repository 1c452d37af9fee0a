import type { Result } from '@foundation/core';
import { describe, expectTypeOf, it } from 'vitest';
import { circuitBreaker, fallback, pipeline, retry, timeout, type Policy } from '../src/index.js';

describe('policy types', () => {
  it('execute keeps the function type; a fallback adds its own', () => {
    expectTypeOf(retry().execute(() => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(circuitBreaker().execute(async () => 'x')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(fallback('none' as const)).toEqualTypeOf<Policy<'none'>>();
    expectTypeOf(fallback(() => 0)).toEqualTypeOf<Policy<number>>();
    const safe = pipeline(fallback(null), retry(), timeout(10));
    expectTypeOf(safe.execute(() => 1)).toEqualTypeOf<Promise<number | null>>();
    expectTypeOf(safe.executeResult(() => 1)).toEqualTypeOf<
      Promise<Result<number | null, unknown>>
    >();
  });
});
