import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deserializeError,
  FoundationError,
  isForbiddenKey,
  listErrorCodes,
  retryDelayMs,
  RETRY_MAX_DELAY_MS,
  serializeError,
  toJsonSafe,
  type ErrorCode,
} from '../src/index.js';
import { asFoundation } from './support.js';

/** JSON text in, JSON data out: what a context looks like after any trip through JSON. */
function viaJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** True when a prototype key appears anywhere: those are dropped (and refused) by design. */
function hasForbiddenKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => isForbiddenKey(k) || hasForbiddenKey(v));
}

// fast-check biases strings towards '__proto__', 'constructor' and friends: good for the hostile
// properties below, filtered out here where lossless data is the point.
const key = fc.string({ maxLength: 8 }).filter((k) => !isForbiddenKey(k));
const jsonData = (maxDepth: number) =>
  fc.jsonValue({ maxDepth }).filter((value) => !hasForbiddenKey(value));
const context = fc.dictionary(key, jsonData(3), { maxKeys: 5 });

const registeredCode = fc.constantFrom(...listErrorCodes());
const unregisteredCode: fc.Arbitrary<ErrorCode> = fc.record({
  code: fc.integer({ min: 10_000, max: 2 ** 40 }),
  name: fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
  category: fc.string({ minLength: 1, maxLength: 8 }),
  subcategory: fc.string({ minLength: 1, maxLength: 8 }),
  severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
  retry: fc.constantFrom('none', 'immediate', 'fixed_delay', 'exponential_backoff'),
  description: fc.string({ maxLength: 20 }),
});
const code = fc.oneof(registeredCode, unregisteredCode);

const foundationError = fc
  .record({
    code,
    message: fc.string({ maxLength: 40 }),
    context,
    correlationId: fc.option(fc.uuid(), { nil: undefined }),
    timestampMs: fc.integer({ min: 0, max: 2 ** 45 }),
  })
  .map(
    ({ code: c, message, context: ctx, correlationId, timestampMs }) =>
      new FoundationError(c, message, {
        context: ctx,
        timestampMs,
        ...(correlationId !== undefined && { correlationId }),
      }),
  );

const plainError = fc
  .tuple(
    fc.constantFrom(Error, TypeError, RangeError),
    fc.string({ maxLength: 30 }),
    fc.option(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { nil: undefined }),
  )
  .map(([Class, message, errorCode]) => {
    const error = new Class(message);
    if (errorCode !== undefined) Object.assign(error, { code: errorCode });
    return error;
  });

/** Errors with cause chains and aggregates, a few levels deep. */
const anyError: fc.Arbitrary<Error> = fc.letrec<{ error: Error }>((tie) => ({
  error: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    foundationError,
    plainError,
    fc
      .tuple(foundationError, fc.oneof(tie('error'), jsonData(2)))
      .map(([outer, cause]) => Object.assign(outer, { cause }) as Error),
    fc
      .tuple(plainError, tie('error'))
      .map(([outer, cause]) => Object.assign(outer, { cause }) as Error),
    fc
      .tuple(fc.array(tie('error'), { maxLength: 3 }), fc.string({ maxLength: 10 }))
      .map(([errors, message]) => new AggregateError(errors, message)),
  ),
})).error;

/** What must survive a round trip, for comparison. */
function essence(value: unknown): unknown {
  if (!(value instanceof Error)) return viaJson(value ?? null);
  const base: Record<string, unknown> = {
    class: value.constructor.name,
    name: value.name,
    message: value.message,
    stack: value.stack,
    code: (value as { code?: unknown }).code,
  };
  if ('cause' in value) base.cause = essence(value.cause);
  if (value instanceof AggregateError) base.errors = (value.errors as unknown[]).map(essence);
  if (FoundationError.is(value)) {
    Object.assign(base, {
      codeName: value.codeName,
      category: value.category,
      subcategory: value.subcategory,
      severity: value.severity,
      retryStrategy: value.retryStrategy,
      context: viaJson(value.context),
      correlationId: value.correlationId,
      timestampMs: value.timestampMs,
      breadcrumbs: value.breadcrumbs,
    });
  }
  return base;
}

describe('property: the JSON round trip is lossless', () => {
  it('for arbitrary codes, messages, contexts, cause chains and aggregates', () => {
    fc.assert(
      fc.property(anyError, (error) => {
        const text = JSON.stringify(serializeError(error));
        const restored = deserializeError(text);
        expect(essence(restored)).toEqual(essence(error));
        // And again: a restored error serializes to the same data.
        expect(JSON.stringify(serializeError(restored))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('serializeError never throws and always gives JSON-safe data', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true }),
        (value) => {
          const data = serializeError(value);
          const text = JSON.stringify(data);
          // JSON-safe: the text parses back to data that prints the same.
          expect(JSON.stringify(viaJson(data))).toBe(text);
          expect(JSON.stringify(toJsonSafe(data))).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: retry delays stay in bounds', () => {
  const strategies = ['none', 'immediate', 'fixed_delay', 'exponential_backoff'] as const;
  const codeFor = Object.fromEntries(
    strategies.map((s) => [s, listErrorCodes().find((c) => c.retry === s)]),
  );
  // No built-in code retries immediately, so one is made up for the property.
  codeFor.immediate = {
    ...listErrorCodes()[0]!,
    name: 'retry_now',
    code: 99_001,
    retry: 'immediate',
  };
  const attempt = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE),
  );

  it('for any attempt number, including negative, NaN and huge', () => {
    fc.assert(
      fc.property(fc.constantFrom(...strategies), attempt, (strategy, n) => {
        const delay = retryDelayMs(new FoundationError(codeFor[strategy]!), n);
        expect(Number.isNaN(delay)).toBe(false);
        expect(delay).toBeGreaterThanOrEqual(0);
        if (strategy === 'none') expect(delay).toBe(Infinity);
        if (strategy === 'immediate') expect(delay).toBe(0);
        if (strategy === 'fixed_delay') expect(delay).toBe(1000);
        if (strategy === 'exponential_backoff') {
          expect(delay).toBeGreaterThanOrEqual(1000);
          expect(delay).toBeLessThanOrEqual(RETRY_MAX_DELAY_MS);
          const whole = Number.isFinite(n) ? Math.max(0, Math.floor(n)) : n > 0 ? 99 : 0;
          expect(delay).toBe(Math.min(1000 * 2 ** whole, 30_000));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('grows monotonically with the attempt for exponential backoff', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 100 }), (n) => {
        const error = new FoundationError('service_unavailable');
        expect(retryDelayMs(error, n + 1)).toBeGreaterThanOrEqual(retryDelayMs(error, n));
      }),
    );
  });
});

describe('property: hostile input to deserializeError', () => {
  function expectRefusalOrError(input: unknown, options?: { maxDepth?: number }): void {
    let result: Error | undefined;
    expect(() => {
      result = deserializeError(input, options);
    }).not.toThrow();
    expect(result).toBeInstanceOf(Error);
    if (FoundationError.is(result) && result.code === 3102 && result.correlationId === undefined) {
      expect(typeof result.context.path).toBe('string');
      expect(typeof result.context.rule).toBe('string');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  }

  it('random JSON values and texts never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.json(), fc.string()), (input) => {
        expectRefusalOrError(input);
      }),
      { numRuns: 500 },
    );
  });

  it('random JSON values are refused with 3102 naming path and rule', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        fc.pre(
          typeof input !== 'object' || input === null || Array.isArray(input) || !('v' in input),
        );
        const error = asFoundation(deserializeError(input));
        expect(error.code).toBe(3102);
        expect(error.context).toEqual({ path: expect.any(String), rule: expect.any(String) });
      }),
    );
  });

  it('prototype keys at any depth are refused and pollute nothing', () => {
    const forbidden = fc.constantFrom('__proto__', 'constructor', 'prototype');
    const pathToKey = fc.array(
      fc.oneof(
        key.map((k) => `o:${k}`),
        fc.nat(3).map((i) => `a:${i}`),
      ),
      {
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(fc.constant(valid()), pathToKey, forbidden, (base, path, bad) => {
        // Build the nesting as JSON text, so __proto__ arrives as an own key, as it would from the wire.
        let inner = `{${JSON.stringify(bad)}: {"polluted": true}}`;
        let expectedPath = `.${bad}`;
        for (const step of [...path].reverse()) {
          if (step.startsWith('o:')) {
            const k = step.slice(2);
            inner = `{${JSON.stringify(k)}: ${inner}}`;
            expectedPath = `.${k}${expectedPath}`;
          } else {
            const i = Number(step.slice(2));
            inner = `[${'null,'.repeat(i)}${inner}]`;
            expectedPath = `[${i}]${expectedPath}`;
          }
        }
        const text = JSON.stringify(base).replace(/}$/, () => `,"context":{"nested":${inner}}}`);
        const error = asFoundation(deserializeError(text));
        expect(error.code).toBe(3102);
        expect(error.context).toEqual({
          path: `$.context.nested${expectedPath}`,
          rule: 'forbidden key',
        });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('deep nesting is refused, never a stack overflow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 65, max: 50_000 }),
        fc.constantFrom('[', '{"a":'),
        (depth, open) => {
          const close = open === '[' ? ']' : '}';
          const text = `{"v":1,"value":${open.repeat(depth)}1${close.repeat(depth)}}`;
          const error = asFoundation(deserializeError(text));
          expect(error.code).toBe(3102);
          expect(error.context.rule).toBe('nested too deeply');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('mutated valid documents never throw and never pollute', () => {
    const mutation = fc.record({
      field: fc.constantFrom(
        'v',
        'kind',
        'name',
        'message',
        'code',
        'codeName',
        'severity',
        'retryStrategy',
        'context',
        'breadcrumbs',
        'cause',
        'errors',
        'props',
        'timestampMs',
        '__proto__',
        'constructor',
      ),
      value: fc.jsonValue({ maxDepth: 3 }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), (mutations) => {
        const doc = JSON.parse(JSON.stringify(valid())) as Record<string, unknown>;
        for (const { field, value } of mutations) {
          Object.defineProperty(doc, field, {
            value,
            enumerable: true,
            configurable: true,
            writable: true,
          });
        }
        expectRefusalOrError(JSON.stringify(doc));
        expectRefusalOrError(doc);
      }),
      { numRuns: 500 },
    );
  });
});

function valid(): unknown {
  return serializeError(
    new FoundationError('timeout', 'slow', {
      cause: new AggregateError([new Error('a')], 'agg'),
      context: { a: 1 },
    }),
  );
}
