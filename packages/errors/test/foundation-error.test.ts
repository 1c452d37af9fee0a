import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  FoundationError,
  isFoundationError,
  safeInspect,
  serializeError,
  type ErrorCode,
} from '../src/index.js';
import { asFoundation } from './support.js';

describe('FoundationError as text', () => {
  it('shows its code wherever it becomes a string', () => {
    const error = new FoundationError('config_not_found', "no value at 'ai.model'");
    expect(String(error)).toBe("FoundationError [1301 config_not_found]: no value at 'ai.model'");
    expect(`${error}`).toBe(String(error));
    expect(error.toString()).toBe(String(error));
  });

  it('keeps a renamed error and an empty message readable, and never throws', () => {
    const error = new FoundationError('timeout', '');
    error.name = 'UpstreamTimeout';
    expect(String(error)).toBe('UpstreamTimeout [4301 timeout]: ');
    Object.defineProperty(error, 'message', {
      get() {
        throw new Error('hostile');
      },
    });
    expect(String(error)).toBe('UpstreamTimeout [4301 timeout]: ');
  });
});

describe('FoundationError', () => {
  it('is an Error that carries its code, category, severity and retry strategy', () => {
    const error = new FoundationError('config_not_found', "no value at 'ai.model'", {
      context: { path: 'ai.model' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(FoundationError);
    expect(error.name).toBe('FoundationError');
    expect(error.message).toBe("no value at 'ai.model'");
    expect(error).toMatchObject({
      code: 1301,
      codeName: 'config_not_found',
      category: 'config',
      subcategory: 'access',
      severity: 'medium',
      retryStrategy: 'none',
      context: { path: 'ai.model' },
      correlationId: undefined,
      breadcrumbs: [],
    });
    expect(error.timestampMs).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(error.stack).toMatch(/^FoundationError: no value at 'ai.model'/);
  });

  it('takes a code object as well as a name, and defaults the message to the description', () => {
    const error = new FoundationError(ErrorCodes.timeout);
    expect(error.code).toBe(4301);
    expect(error.message).toBe('Operation timed out');
  });

  it('uses the native cause', () => {
    const cause = new TypeError('root');
    const error = new FoundationError('network_error', 'fetch failed', { cause });
    expect(error.cause).toBe(cause);
    expect(Object.hasOwn(error, 'cause')).toBe(true);
    expect('cause' in new FoundationError('network_error')).toBe(false);
    expect(new FoundationError('network_error', 'x', { cause: undefined })).toHaveProperty(
      'cause',
      undefined,
    );
  });

  it('takes explicit correlation id, timestamp and breadcrumbs, copying the breadcrumbs', () => {
    const crumbs = [{ message: 'step', timestampMs: 5, operation: 'op' }];
    const error = new FoundationError('timeout', 'x', {
      correlationId: 'corr-1',
      timestampMs: 1234,
      breadcrumbs: crumbs,
    });
    expect(error.correlationId).toBe('corr-1');
    expect(error.timestampMs).toBe(1234);
    expect(error.breadcrumbs).toEqual(crumbs);
    expect(error.breadcrumbs).not.toBe(crumbs);
    expect(Object.isFrozen(error.breadcrumbs)).toBe(true);
  });

  it('never throws on an unknown or malformed code: it becomes internal_error, loudly', () => {
    const unknownName = new FoundationError('no_such_code' as never, 'x');
    expect(unknownName.codeName).toBe('internal_error');
    expect(unknownName.context).toEqual({ unregisteredCode: 'no_such_code' });
    expect(new FoundationError(9876 as never).context).toEqual({ unregisteredCode: 9876 });
    expect(new FoundationError(null as never).context).toEqual({ unregisteredCode: 'null' });
    expect(new FoundationError(undefined as never).context).toEqual({
      unregisteredCode: 'undefined',
    });
    const malformed = new FoundationError({ code: 'x' } as unknown as ErrorCode);
    expect(malformed.code).toBe(2401);
    expect(new FoundationError(3102 as never).codeName).toBe('deserialization_failed');
  });

  it('never throws on a context with throwing getters or a hostile proxy', () => {
    const getters = new FoundationError('timeout', 'x', {
      context: {
        fine: 1,
        get boom(): never {
          throw new Error('getter');
        },
      },
    });
    expect(getters.context).toEqual({ fine: 1, boom: '[Unreadable]' });
    const parsed = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}') as Record<string, unknown>;
    Object.defineProperty(parsed, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const copied = new FoundationError('timeout', 'x', { context: parsed }).context;
    expect(copied).toEqual({ ok: 1, boom: '[Unreadable]' });
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(new FoundationError('timeout', 'x', { context: proxy }).context).toEqual({
      unreadableContext: true,
    });
  });

  it('survives untyped options', () => {
    const error = new FoundationError('timeout', 'x', null as never);
    expect(error.context).toEqual({});
    const spread = new FoundationError('timeout', 'x', { context: 'abc' as never });
    expect(spread.context).toEqual({});
  });

  it('lets code assign name, as some libraries do', () => {
    const error = new FoundationError('timeout');
    error.name = 'RenamedError';
    expect(error.name).toBe('RenamedError');
    expect(new FoundationError('timeout').name).toBe('FoundationError');
  });

  it('is recognised by brand, across copies of the package', () => {
    const error = new FoundationError('timeout');
    expect(FoundationError.is(error)).toBe(true);
    expect(isFoundationError(error)).toBe(true);
    expect(isFoundationError(new Error('x'))).toBe(false);
    expect(isFoundationError(null)).toBe(false);
    expect(isFoundationError('FoundationError')).toBe(false);
    const foreign = { [Symbol.for('@foundation/errors.FoundationError')]: true };
    expect(isFoundationError(foreign)).toBe(true);
    expect(isFoundationError({ code: 1301, codeName: 'config_not_found' })).toBe(false);
  });

  it('serializes through JSON.stringify and restores through fromJSON', () => {
    const error = new FoundationError('timeout', 'slow', { context: { ms: 5n } });
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toMatchObject({ kind: 'foundation', code: 4301, context: { ms: '5n' } });
    expect(error.toJSON()).toEqual(serializeError(error));
    const restored = asFoundation(FoundationError.fromJSON(json));
    expect(restored).toBeInstanceOf(FoundationError);
    expect(restored.code).toBe(4301);
    expect(restored.context).toEqual({ ms: '5n' });
  });

  it('publishes on foundation:errors:created, only when someone listens', () => {
    const seen: unknown[] = [];
    const listener = (message: unknown): void => {
      seen.push(message);
    };
    new FoundationError('timeout', 'before');
    subscribe('foundation:errors:created', listener);
    let error: FoundationError;
    try {
      error = new FoundationError('timeout', 'while listening');
    } finally {
      unsubscribe('foundation:errors:created', listener);
    }
    new FoundationError('timeout', 'after');
    expect(seen).toEqual([{ error }]);
  });
});

describe('inspecting a FoundationError', () => {
  it('shows the code, facts, frames and the cause', () => {
    const error = new FoundationError('config_not_found', 'no value', {
      context: { path: 'a.b' },
      cause: new TypeError('root cause'),
    });
    const text = inspect(error);
    expect(text).toMatch(/^FoundationError \[1301 config_not_found\]: no value/);
    expect(text).toContain("path: 'a.b'");
    expect(text).toContain('    at ');
    expect(text).toContain('[cause]: TypeError: root cause');
  });

  it('never throws, with loops in the cause chain, hostile context or unlimited depth', () => {
    const a = new FoundationError('timeout', 'a');
    const b = new FoundationError('timeout', 'b', { cause: a });
    Object.assign(a, { cause: b });
    expect(inspect(a, { depth: null })).toContain('[Circular FoundationError [4301 timeout]: a]');
    const hostile = new FoundationError('timeout', 'hostile', {
      context: {
        nested: {
          [inspect.custom]: () => {
            throw new Error('custom');
          },
        },
      },
    });
    expect(inspect(hostile)).toBe('FoundationError [4301 timeout]: hostile { <uninspectable> }');
    expect(safeInspect(hostile)).toMatch(/hostile/);
  });

  it('stops at the depth it is given', () => {
    const deep = new FoundationError('timeout', 'top', {
      cause: new FoundationError('timeout', 'middle', { cause: new Error('bottom') }),
    });
    expect(inspect(deep, { depth: 0 })).toContain('[cause]: [cause]');
    expect(inspect(deep, { depth: 5 })).toContain('Error: bottom');
  });

  it('prints without frames when the stack is gone', () => {
    const error = new FoundationError('timeout', 'no stack');
    error.stack = undefined;
    expect(inspect(error)).toBe(
      "FoundationError [4301 timeout]: no stack { category: 'external', severity: 'medium', context: {}, correlationId: undefined }",
    );
  });
});
