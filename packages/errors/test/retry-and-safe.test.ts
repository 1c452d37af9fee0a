import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FoundationError,
  isForbiddenKey,
  isRetryable,
  retryDelayMs,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  safeInspect,
  safeStringify,
  shouldEscalate,
  toJsonSafe,
} from '../src/index.js';

describe('retryDelayMs', () => {
  const exponential = new FoundationError('service_unavailable');
  const fixed = new FoundationError('initialization_failed');
  const none = new FoundationError('config_not_found');

  it('follows min(1000 * 2^attempt, 30000) for exponential backoff', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((n) => retryDelayMs(exponential, n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(RETRY_BASE_DELAY_MS).toBe(1000);
    expect(RETRY_MAX_DELAY_MS).toBe(30_000);
  });

  it('backs a timeout off exponentially, 1, 2, 4, 8 s up to 30 s', () => {
    const timedOut = new FoundationError('timeout');
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(timedOut, n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });

  it('treats negative, fractional, NaN and infinite attempts as the nearest valid one', () => {
    expect(retryDelayMs(exponential, -3)).toBe(1000);
    expect(retryDelayMs(exponential, 2.9)).toBe(4000);
    expect(retryDelayMs(exponential, Number.NaN)).toBe(1000);
    expect(retryDelayMs(exponential, -Infinity)).toBe(1000);
    expect(retryDelayMs(exponential, Infinity)).toBe(30_000);
    expect(retryDelayMs(exponential, Number.MAX_SAFE_INTEGER)).toBe(30_000);
  });

  it('gives 1000 for fixed delay, Infinity for none and for anything that is not a FoundationError', () => {
    expect(retryDelayMs(fixed, 0)).toBe(1000);
    expect(retryDelayMs(fixed, 50)).toBe(1000);
    expect(retryDelayMs(none, 0)).toBe(Infinity);
    expect(retryDelayMs(new Error('plain'), 0)).toBe(Infinity);
    expect(retryDelayMs(undefined, 0)).toBe(Infinity);
  });

  it('gives 0 for immediate retries', () => {
    const immediate = new FoundationError({
      code: 99_002,
      name: 'busy_retry_now',
      category: 'app',
      subcategory: 'x',
      severity: 'low',
      retry: 'immediate',
      description: 'Busy',
    });
    expect(retryDelayMs(immediate, 10)).toBe(0);
    expect(isRetryable(immediate)).toBe(true);
  });
});

describe('isRetryable and shouldEscalate', () => {
  it('follow the retry strategy and severity of the code', () => {
    expect(isRetryable(new FoundationError('network_error'))).toBe(true);
    expect(isRetryable(new FoundationError('timeout'))).toBe(true);
    expect(isRetryable(new FoundationError('invalid_input'))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(shouldEscalate(new FoundationError('internal_error'))).toBe(true); // critical
    expect(shouldEscalate(new FoundationError('service_unavailable'))).toBe(true); // high
    expect(shouldEscalate(new FoundationError('timeout'))).toBe(false); // medium
    expect(shouldEscalate(new FoundationError('type_mismatch'))).toBe(false); // low
    expect(shouldEscalate('critical')).toBe(false);
  });
});

describe('isForbiddenKey', () => {
  it('is true exactly for the keys that reach a prototype', () => {
    expect(['__proto__', 'constructor', 'prototype'].map(isForbiddenKey)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['proto', '__proto', 'Constructor', ''].some(isForbiddenKey)).toBe(false);
  });

  it('agrees with the list for any string, including look-alikes of the same length', () => {
    const forbidden = ['__proto__', 'constructor', 'prototype'];
    const lookAlike = fc
      .constantFrom(...forbidden)
      .chain((word) =>
        fc.nat({ max: word.length - 1 }).map((i) => word.slice(0, i) + '_' + word.slice(i + 1)),
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), lookAlike, fc.constantFrom(...forbidden)), (key) => {
        expect(isForbiddenKey(key)).toBe(forbidden.includes(key));
      }),
    );
  });
});

describe('toJsonSafe', () => {
  it('passes JSON values and replaces the rest with readable stand-ins', () => {
    const fn = function named(): void {};
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const value = {
      s: 'x',
      n: 1.5,
      b: true,
      nil: null,
      skip: undefined,
      nan: Number.NaN,
      inf: -Infinity,
      big: 12n,
      sym: Symbol('tag'),
      fn,
      anon: (
        () => () =>
          undefined
      )(),
      date: new Date(0),
      bad: new Date(Number.NaN),
      error: new TypeError('nope'),
      map: new Map<unknown, unknown>([['k', 1]]),
      set: new Set([1, 2]),
      bytes: new Uint8Array(3),
      list: [1, undefined, () => 0],
      url: new URL('https://example.com/a'),
      cyclic,
    };
    expect(toJsonSafe(value)).toEqual({
      s: 'x',
      n: 1.5,
      b: true,
      nil: null,
      nan: 'NaN',
      inf: '-Infinity',
      big: '12n',
      sym: 'Symbol(tag)',
      fn: '[Function named]',
      anon: '[Function anonymous]',
      date: '1970-01-01T00:00:00.000Z',
      bad: 'Invalid Date',
      error: { name: 'TypeError', message: 'nope' },
      map: [['k', 1]],
      set: [1, 2],
      bytes: '[Uint8Array 3 bytes]',
      list: [1, null, '[Function anonymous]'],
      url: 'https://example.com/a',
      cyclic: { a: 1, self: '[Circular]' },
    });
    expect(toJsonSafe(undefined)).toBeUndefined();
  });

  it('drops prototype keys, cuts at maxDepth and never throws', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}') as unknown;
    expect(toJsonSafe(parsed)).toEqual({ ok: 1 });
    expect(toJsonSafe({ a: { b: { c: 1 } } }, 2)).toEqual({ a: { b: '[Truncated]' } });
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    expect(toJsonSafe({ hostile })).toEqual({ hostile: '[Unreadable]' });
    const badJson = {
      toJSON(): never {
        throw new Error('toJSON');
      },
    };
    expect(toJsonSafe(badJson)).toBe('[Unreadable]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('safeInspect and safeStringify', () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      ownKeys() {
        throw new Error('trap');
      },
    },
  );

  it('never throw', () => {
    const evil = {
      [inspect.custom]: () => {
        throw new Error('custom');
      },
    };
    expect(safeInspect(evil)).toBe('[uninspectable: custom]');
    expect(safeInspect({ a: 1 })).toBe('{ a: 1 }');
    const throwsString = {
      [inspect.custom]: () => {
        throw 'str' as unknown as Error;
      },
    };
    expect(safeInspect(throwsString)).toBe('[uninspectable: unknown]');
    expect(() => safeInspect(hostile)).not.toThrow();
    expect(safeStringify(hostile)).toBe('"[Unreadable]"');
  });

  it('stringify errors losslessly and other values safely', () => {
    const error = new FoundationError('timeout', 'slow', { context: { n: 1n } });
    const parsed = JSON.parse(safeStringify(error)) as Record<string, unknown>;
    expect(parsed).toMatchObject({ kind: 'foundation', code: 4301, context: { n: '1n' } });
    expect(safeStringify({ n: 2n, list: [1] }, 2)).toBe(
      '{\n  "n": "2n",\n  "list": [\n    1\n  ]\n}',
    );
    expect(safeStringify(undefined)).toBe('null');
    const plainWithBigInt = Object.assign(new Error('x'), { big: 3n });
    expect(() => JSON.stringify(plainWithBigInt)).toThrow();
    expect(JSON.parse(safeStringify(plainWithBigInt))).toMatchObject({ props: { big: '3n' } });
  });

  it('JSON.stringify of a FoundationError never throws, whatever its context holds', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = new FoundationError('timeout', 'x', {
      context: { cyclic, big: 1n, hostile },
      cause: Object.assign(new Error('c'), { big: 2n }),
    });
    expect(() => JSON.stringify(error)).not.toThrow();
  });
});
