import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  addBreadcrumb,
  defineErrorCodes,
  deserializeError,
  FoundationError,
  serializeError,
  withContext,
  type ErrorCode,
  type SerializedError,
} from '../src/index.js';
import { asFoundation } from './support.js';

/** Through JSON text, as it would travel between processes. */
function roundTrip(error: unknown): Error {
  return deserializeError(JSON.stringify(serializeError(error)));
}

function refusal(input: unknown, options?: Parameters<typeof deserializeError>[1]) {
  const error = asFoundation(deserializeError(input, options));
  expect(error.code).toBe(3102);
  return error.context as { path: string; rule: string };
}

const valid: SerializedError = serializeError(new FoundationError('timeout', 'slow'));

describe('serializeError / deserializeError', () => {
  it('restores every field of a FoundationError created in a context', () => {
    const original = withContext({ operation: 'billing.charge' }, () => {
      addBreadcrumb('card checked', { last4: '4242' });
      return new FoundationError('service_unavailable', 'billing down', {
        context: { attempt: 3, region: 'eu', nested: { ok: true, list: [1, 'two', null] } },
      });
    });
    const restored = asFoundation(roundTrip(original));
    expect(restored).toBeInstanceOf(FoundationError);
    for (const key of [
      'name',
      'message',
      'stack',
      'code',
      'codeName',
      'category',
      'subcategory',
      'severity',
      'retryStrategy',
      'context',
      'correlationId',
      'timestampMs',
      'breadcrumbs',
    ] as const) {
      expect(restored[key], key).toEqual(original[key]);
    }
    expect('cause' in restored).toBe(false);
  });

  it('restores cause chains of mixed kinds', () => {
    const root = Object.assign(new Error('ENOENT: no such file'), {
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: '/etc/app.json',
    });
    const middle = new TypeError('could not read', { cause: root });
    const top = new FoundationError('config_not_found', 'no config', { cause: middle });
    const restored = asFoundation(roundTrip(top));
    const restoredMiddle = restored.cause as TypeError;
    expect(restoredMiddle).toBeInstanceOf(TypeError);
    expect(restoredMiddle.message).toBe('could not read');
    expect(restoredMiddle.stack).toBe(middle.stack);
    const restoredRoot = restoredMiddle.cause as typeof root;
    expect(restoredRoot).toBeInstanceOf(Error);
    expect(restoredRoot).toMatchObject({
      message: 'ENOENT: no such file',
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: '/etc/app.json',
    });
    expect('cause' in restoredRoot).toBe(false);
  });

  it('keeps the name of custom error classes and restores standard classes', () => {
    class PaymentError extends Error {
      override name = 'PaymentError';
    }
    const restored = roundTrip(new PaymentError('declined'));
    expect(restored.name).toBe('PaymentError');
    expect(restored.message).toBe('declined');
    for (const Class of [RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      expect(roundTrip(new Class('x'))).toBeInstanceOf(Class);
    }
    const renamed = new FoundationError('timeout');
    renamed.name = 'TimeoutFoundationError';
    expect(roundTrip(renamed).name).toBe('TimeoutFoundationError');
  });

  it('restores AggregateErrors with their errors, code and cause', () => {
    const aggregate = Object.assign(
      new AggregateError(
        [new FoundationError('timeout', 'a'), new Error('b'), 'c', 42],
        'all failed',
        { cause: new Error('why') },
      ),
      { code: 'E_ALL' },
    );
    const restored = roundTrip(aggregate) as AggregateError & { code: string };
    expect(restored).toBeInstanceOf(AggregateError);
    expect(restored.message).toBe('all failed');
    expect(restored.code).toBe('E_ALL');
    expect((restored.cause as Error).message).toBe('why');
    const [a, b, c, d] = restored.errors as [FoundationError, Error, unknown, unknown];
    expect(FoundationError.is(a) && a.code).toBe(4301);
    expect(b.message).toBe('b');
    expect(c).toBe('c');
    expect(d).toBe(42);
  });

  it('keeps thrown values: causes as they were, top level as an Error', () => {
    const error = new FoundationError('internal_error', 'x', { cause: { reason: 'quota' } });
    expect(asFoundation(roundTrip(error)).cause).toEqual({ reason: 'quota' });
    expect(roundTrip('just text').message).toBe('just text');
    expect(roundTrip({ a: 1 }).message).toBe('{"a":1}');
    expect(roundTrip(undefined).message).toBe('undefined');
    expect(serializeError(12n)).toMatchObject({ kind: 'value', name: 'bigint', value: '12n' });
  });

  it('keeps codes this process does not know, exactly as they came', () => {
    const foreign: ErrorCode = {
      code: 9201,
      name: 'remote_only',
      category: 'remote',
      subcategory: 'misc',
      severity: 'high',
      retry: 'immediate',
      description: 'Remote only',
    };
    const restored = asFoundation(roundTrip(new FoundationError(foreign, 'far away')));
    expect(restored).toMatchObject({
      code: 9201,
      codeName: 'remote_only',
      category: 'remote',
      severity: 'high',
      retryStrategy: 'immediate',
    });
    // A number this process knows under another name keeps the sender's definition.
    const clash = { ...foreign, code: 1301 };
    const restoredClash = asFoundation(roundTrip(new FoundationError(clash)));
    expect(restoredClash.codeName).toBe('remote_only');
    expect(restoredClash.message).toBe('Remote only');
  });

  it('uses the registered definition when name and number match', () => {
    const codes = defineErrorCodes({
      ser_known: {
        code: 5301,
        category: 'app',
        subcategory: 'x',
        severity: 'low',
        retry: 'none',
        description: 'Known',
      },
    });
    const data = { ...serializeError(new FoundationError(codes.ser_known)), category: 'lies' };
    expect(asFoundation(deserializeError(data)).category).toBe('app');
  });

  it('marks cycles and cuts chains at maxDepth', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    const data = serializeError(a);
    expect(data.cause?.cause).toMatchObject({ kind: 'circular', message: '[Circular]' });
    expect((roundTrip(a).cause as Error).cause).toMatchObject({ message: '[Circular]' });

    let chain: Error = new Error('bottom');
    for (let i = 0; i < 40; i++) chain = new Error(`level ${i}`, { cause: chain });
    let node: SerializedError | undefined = serializeError(chain, { maxDepth: 3 });
    const kinds: string[] = [];
    while (node) {
      kinds.push(node.kind);
      node = node.cause;
    }
    expect(kinds).toEqual(['error', 'error', 'error', 'truncated']);
    expect(serializeError(chain, { maxDepth: Number.NaN }).cause?.kind).toBe('error');
    expect(serializeError(chain, { maxDepth: 0 }).kind).toBe('truncated');
  });

  it('serializes a shared (non-cyclic) cause in each place it appears', () => {
    const shared = new Error('shared');
    const both = new AggregateError([new Error('x', { cause: shared }), shared], 'both');
    expect(serializeError(both).errors?.map((e) => e.kind)).toEqual(['error', 'error']);
  });

  it('leaves stacks out when asked', () => {
    const data = serializeError(new FoundationError('timeout'), { includeStack: false });
    expect(data.stack).toBeUndefined();
    expect(deserializeError(data).stack).toBeUndefined();
  });

  it('never throws on hostile errors', () => {
    const hostile = new Error('hostile');
    Object.defineProperty(hostile, 'stack', {
      get() {
        throw new Error('stack getter');
      },
    });
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('message getter');
      },
    });
    Object.defineProperty(hostile, 'name', { value: 42 });
    expect(serializeError(hostile)).toMatchObject({ kind: 'error', name: 'Error', message: '' });
    const badCause = new Error('x');
    Object.defineProperty(badCause, 'cause', {
      get() {
        throw new Error('cause getter');
      },
    });
    expect(serializeError(badCause)).toEqual({
      v: 1,
      kind: 'value',
      name: 'Unreadable',
      message: '[Unreadable error]',
    });
    const unprintable = Object.create(null) as object;
    expect(serializeError(unprintable)).toMatchObject({ kind: 'value', message: '{}' });
    const symbolic = serializeError(Symbol('s'));
    expect(symbolic).toMatchObject({ kind: 'value', name: 'symbol', message: 'Symbol(s)' });
    expect(() => JSON.stringify(serializeError(hostile))).not.toThrow();
  });

  it('recognises errors from another realm', () => {
    const foreign = runInNewContext('new TypeError("from vm")') as unknown;
    expect(foreign instanceof Error).toBe(false);
    const data = serializeError(foreign);
    expect(data).toMatchObject({ kind: 'error', name: 'TypeError', message: 'from vm' });
    const foreignAggregate = runInNewContext('new AggregateError([1], "vm all")') as unknown;
    expect(serializeError(foreignAggregate)).toMatchObject({ kind: 'aggregate' });
  });

  it('announces restored errors on foundation:errors:created only once they are complete', () => {
    const inner = new FoundationError('timeout', 'inner');
    const outer = new FoundationError('dependency_failed', 'outer', { cause: inner });
    const text = JSON.stringify(serializeError(outer));
    const seen: { message: string; stack: string | undefined; limit: number }[] = [];
    const listener = (message: unknown): void => {
      const { error } = message as { error: FoundationError };
      seen.push({ message: error.message, stack: error.stack, limit: Error.stackTraceLimit });
    };
    const limit = Error.stackTraceLimit;
    subscribe('foundation:errors:created', listener);
    try {
      deserializeError(text);
      const refused = JSON.stringify({ ...serializeError(outer), errors: [], kind: 'aggregate' });
      deserializeError(refused.replace('"errors":[]', '"errors":{}'));
    } finally {
      unsubscribe('foundation:errors:created', listener);
    }
    expect(seen.slice(0, 2)).toEqual([
      { message: 'inner', stack: inner.stack, limit },
      { message: 'outer', stack: outer.stack, limit },
    ]);
    // The refused document announced only its own refusal (a 3102), none of its parts.
    expect(seen.slice(2).map((entry) => entry.message)).toEqual([
      expect.stringContaining('Cannot restore error'),
    ]);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('accepts the object form as well as JSON text', () => {
    expect(deserializeError(valid)).toBeInstanceOf(FoundationError);
    expect(deserializeError(JSON.stringify(valid))).toBeInstanceOf(FoundationError);
  });
});

describe('deserializeError on hostile input', () => {
  it('drops props that would shadow inherited methods, so String(error) still works', () => {
    const plain = serializeError(Object.assign(new Error('boom'), { errno: -2 }));
    const foundation = serializeError(new FoundationError('timeout', 'slow'));
    for (const base of [plain, foundation]) {
      const hostile = {
        ...base,
        props: { toString: 'x', valueOf: 1, toJSON: null, hasOwnProperty: 'y', errno: 7 },
      };
      const error = deserializeError(JSON.stringify(hostile));
      expect(() => String(error)).not.toThrow();
      expect(() => `${error.toString()}!`).not.toThrow();
      expect(Object.hasOwn(error, 'toString')).toBe(false);
      expect(Object.hasOwn(error, 'valueOf')).toBe(false);
      expect(Object.hasOwn(error, 'hasOwnProperty')).toBe(false);
      // FoundationError has a toJSON of its own to protect; a plain Error has none.
      expect(Object.hasOwn(error, 'toJSON')).toBe(base === plain);
      expect((error as Error & { errno?: number }).errno).toBe(7);
    }
  });

  it.each<[string, unknown, string, string]>([
    ['invalid JSON', '{"v":1,', '$', 'not valid JSON'],
    ['a number', 42, '$', 'expected a serialized error object'],
    ['null', null, '$', 'expected a serialized error object'],
    ['an array', [valid], '$', 'expected a serialized error object'],
    ['a wrong version', { ...valid, v: 2 }, '$.v', 'unsupported format version (expected 1)'],
    ['an unknown kind', { ...valid, kind: 'alien' }, '$.kind', "unknown kind 'alien'"],
    ['a numeric name', { ...valid, name: 5 }, '$.name', 'expected string, got number'],
    ['a null message', { ...valid, message: null }, '$.message', 'expected string, got null'],
    ['an array stack', { ...valid, stack: [] }, '$.stack', 'expected string, got array'],
    ['a string code', { ...valid, code: '4301' }, '$.code', 'expected number, got string'],
    [
      'an unknown severity',
      { ...valid, severity: 'dire' },
      '$.severity',
      "unknown severity 'dire'",
    ],
    [
      'an unknown retry strategy',
      { ...valid, retryStrategy: 'maybe' },
      '$.retryStrategy',
      "unknown retry strategy 'maybe'",
    ],
    ['an array context', { ...valid, context: [] }, '$.context', 'expected object, got array'],
    [
      'a numeric correlation id',
      { ...valid, correlationId: 7 },
      '$.correlationId',
      'expected string, got number',
    ],
    [
      'bad breadcrumbs',
      { ...valid, breadcrumbs: 'x' },
      '$.breadcrumbs',
      'expected array, got string',
    ],
    [
      'a non-object breadcrumb',
      { ...valid, breadcrumbs: [1] },
      '$.breadcrumbs[0]',
      'expected object',
    ],
    [
      'a breadcrumb without time',
      { ...valid, breadcrumbs: [{ message: 'm', operation: 'o' }] },
      '$.breadcrumbs[0].timestampMs',
      'expected number, got undefined',
    ],
    [
      'an unregistered code with no category',
      { ...valid, codeName: 'unknown_here', category: undefined },
      '$.category',
      'expected string, got undefined',
    ],
    [
      'a bad cause',
      { ...valid, cause: { v: 1, kind: 'error', name: 'Error', message: 1 } },
      '$.cause.message',
      'expected string, got number',
    ],
    [
      'aggregate errors that are not an array',
      { v: 1, kind: 'aggregate', name: 'AggregateError', message: '', errors: {} },
      '$.errors',
      'expected array, got object',
    ],
    [
      'a bad aggregated error',
      { v: 1, kind: 'aggregate', name: 'AggregateError', message: '', errors: [{ v: 1 }] },
      '$.errors[0].kind',
      'expected string, got undefined',
    ],
    [
      'an object code on a plain error',
      { v: 1, kind: 'error', name: 'Error', message: '', code: {} },
      '$.code',
      'expected string or number',
    ],
    ['array props', { ...valid, props: [] }, '$.props', 'expected object, got array'],
    [
      'a Date inside',
      { ...valid, context: { when: new Date(0) } },
      '$.context.when',
      'must be a plain object',
    ],
  ])('refuses %s with path and rule', (_label, input, path, rule) => {
    const context = refusal(input);
    expect(context.path).toBe(path);
    expect(context.rule).toContain(rule);
  });

  it.each([
    ['__proto__ at the top', '{"__proto__": {"polluted": true}, "v": 1}', '$.__proto__'],
    [
      '__proto__ deep in context',
      '{"v":1,"kind":"foundation","context":{"a":{"b":{"__proto__":{"polluted":true}}}}}',
      '$.context.a.b.__proto__',
    ],
    [
      'constructor in a cause',
      '{"v":1,"cause":{"constructor":{"prototype":{}}}}',
      '$.cause.constructor',
    ],
    ['prototype in an array', '{"v":1,"errors":[{"prototype":1}]}', '$.errors[0].prototype'],
    [
      '__proto__ in props',
      '{"v":1,"kind":"error","props":{"__proto__":{"polluted":1}}}',
      '$.props.__proto__',
    ],
  ])('refuses prototype keys: %s', (_label, text, path) => {
    expect(refusal(text)).toEqual({ path, rule: 'forbidden key' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nesting past maxDepth, in text and in objects', () => {
    const deepText = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(refusal(deepText)).toMatchObject({ rule: 'nested too deeply' });
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++)
      deep = { v: 1, kind: 'error', name: 'E', message: '', cause: deep };
    expect(refusal(deep, { maxDepth: 5 })).toMatchObject({ rule: 'nested too deeply' });
    const cyclic: Record<string, unknown> = { v: 1 };
    cyclic.self = cyclic;
    expect(refusal(cyclic)).toMatchObject({ rule: 'nested too deeply' });
    expect(refusal(deep, { maxDepth: Number.NaN })).toMatchObject({ path: expect.any(String) });
  });

  it('refuses text past maxLength', () => {
    const text = JSON.stringify(valid);
    expect(refusal(text, { maxLength: 10 })).toEqual({
      path: '$',
      rule: 'JSON text longer than 10 characters',
    });
  });

  it('refuses unreadable objects (throwing getters, hostile proxies) without throwing', () => {
    const getter = { v: 1 };
    Object.defineProperty(getter, 'kind', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(refusal(getter)).toEqual({ path: '$', rule: 'input could not be read' });
    const proxy = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(refusal(proxy)).toEqual({ path: '$', rule: 'input could not be read' });
  });

  it('returns the refusal outside any context, so it carries no caller flow', () => {
    const error = withContext({ operation: 'reader' }, () => deserializeError('nope'));
    expect(asFoundation(error).correlationId).toBeUndefined();
    expect(asFoundation(error).context).not.toHaveProperty('operation');
  });

  it('restores circular and truncated stand-ins as plain errors', () => {
    const circular = deserializeError({
      v: 1,
      kind: 'circular',
      name: 'Circular',
      message: '[Circular]',
    });
    expect(circular.name).toBe('Circular');
    expect(circular.message).toBe('[Circular]');
  });
});
