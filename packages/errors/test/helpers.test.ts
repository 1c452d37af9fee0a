import { LifecycleError, isResult } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  findCause,
  FoundationError,
  fromPromise,
  toFoundationError,
  tryCatch,
  withContext,
  wrap,
} from '../src/index.js';

describe('wrap', () => {
  it('wraps any error in a FoundationError of the code, keeping it as the cause', () => {
    const original = new TypeError('socket hang up');
    const wrapped = wrap(original, 'external_service_error', 'user service failed');
    expect(wrapped.codeName).toBe('external_service_error');
    expect(wrapped.message).toBe('user service failed');
    expect(wrapped.cause).toBe(original);
    expect(wrap('text', ErrorCodes.timeout).message).toBe('Operation timed out');
  });

  it('carries over the correlation id of a wrapped FoundationError, unless told otherwise', () => {
    const inner = new FoundationError('timeout', 'x', { correlationId: 'corr-9' });
    expect(wrap(inner, 'dependency_failed').correlationId).toBe('corr-9');
    expect(wrap(inner, 'dependency_failed', 'y', { correlationId: 'other' }).correlationId).toBe(
      'other',
    );
    expect(wrap(inner, 'dependency_failed', 'y', { context: { dep: 'db' } }).context).toEqual({
      dep: 'db',
    });
  });

  it('takes the current flow correlation id when wrapping a non-Foundation error', () => {
    withContext({ operation: 'w', correlationId: 'flow-1' }, () => {
      expect(wrap(new Error('x'), 'internal_error').correlationId).toBe('flow-1');
    });
  });
});

describe('toFoundationError', () => {
  it('returns a FoundationError as it is', () => {
    const error = new FoundationError('timeout');
    expect(toFoundationError(error)).toBe(error);
  });

  it('converts core LifecycleError keeping its code 2101, service and the original as cause', () => {
    const root = new Error('port in use');
    const lifecycle = new LifecycleError(2101, 'http failed to start', {
      service: 'http',
      cause: root,
    });
    const converted = toFoundationError(lifecycle);
    expect(converted).toMatchObject({
      code: 2101,
      codeName: 'initialization_failed',
      severity: 'critical',
      retryStrategy: 'fixed_delay',
      message: 'http failed to start',
      context: { originalName: 'LifecycleError', service: 'http' },
    });
    expect(converted.cause).toBe(lifecycle);
    expect(findCause(converted, LifecycleError)).toBe(lifecycle);
    expect(findCause(converted, TypeError)).toBeUndefined();
    expect(findCause(converted, Error)).toBe(converted);
  });

  it('converts core LifecycleError 3204 (invalid input) keeping its code', () => {
    const converted = toFoundationError(new LifecycleError(3204, 'duplicate service name'));
    expect(converted.code).toBe(3204);
    expect(converted.codeName).toBe('invalid_input');
    expect(converted.context).toEqual({ originalName: 'LifecycleError' });
  });

  it('does not trust a numeric code whose name disagrees, or an unknown number', () => {
    const liar = Object.assign(new Error('x'), { code: 2101, codeName: 'something_else' });
    expect(toFoundationError(liar).codeName).toBe('internal_error');
    const unknown = Object.assign(new Error('x'), { code: 424242 });
    expect(toFoundationError(unknown, 'dependency_failed').codeName).toBe('dependency_failed');
    const nodeError = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const converted = toFoundationError(nodeError);
    expect(converted.code).toBe(2401);
    expect(converted.cause).toBe(nodeError);
    expect(converted.context).toEqual({});
  });

  it('converts thrown non-errors and hostile errors without throwing', () => {
    expect(toFoundationError('boom').message).toBe('Non-error thrown: boom');
    expect(toFoundationError(undefined).message).toBe('Non-error thrown: undefined');
    expect(toFoundationError(Symbol('s')).message).toBe('Non-error thrown: Symbol(s)');
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'code', {
      get() {
        throw new Error('getter');
      },
    });
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    const converted = toFoundationError(hostile);
    expect(converted.codeName).toBe('internal_error');
    expect(converted.message).toBe('');
  });
});

describe('findCause', () => {
  it('finds by code name, code number or class, the error itself included', () => {
    const root = new RangeError('root');
    const middle = new FoundationError('network_error', 'net', { cause: root });
    const top = new FoundationError('dependency_failed', 'dep', { cause: middle });
    expect(findCause(top, 'dependency_failed')).toBe(top);
    expect(findCause(top, 'network_error')).toBe(middle);
    expect(findCause(top, 4101)).toBe(middle);
    expect(findCause(top, RangeError)).toBe(root);
    expect(findCause(top, FoundationError)).toBe(top);
    expect(findCause(top, 'timeout')).toBeUndefined();
  });

  it('searches aggregated errors, breadth first', () => {
    const deep = new FoundationError('timeout', 'deep');
    const aggregate = new AggregateError(
      [new Error('a', { cause: deep }), new FoundationError('timeout', 'shallow')],
      'many',
    );
    const top = new Error('top', { cause: aggregate });
    expect(findCause(top, 'timeout')?.message).toBe('shallow');
    expect(findCause(top, AggregateError)).toBe(aggregate);
  });

  it('is safe with cycles, non-errors and nothing at all', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(findCause(a, 'timeout')).toBeUndefined();
    expect(findCause('text', 'timeout')).toBeUndefined();
    expect(findCause(null, Error)).toBeUndefined();
    expect(findCause(new Error('x', { cause: 'plain' }), TypeError)).toBeUndefined();
  });
});

describe('tryCatch and fromPromise', () => {
  it('return ok with the value', async () => {
    expect(tryCatch(() => 42)).toEqual({ ok: true, value: 42 });
    expect(await fromPromise(Promise.resolve('v'))).toEqual({ ok: true, value: 'v' });
  });

  it('return err with a FoundationError', async () => {
    const sync = tryCatch(() => {
      throw new Error('bad');
    });
    expect(isResult(sync)).toBe(true);
    expect(!sync.ok && sync.error.codeName).toBe('internal_error');
    const withFallback = tryCatch(() => JSON.parse('{') as unknown, 'format_error');
    expect(!withFallback.ok && withFallback.error.code).toBe(3202);
    expect(!withFallback.ok && withFallback.error.cause).toBeInstanceOf(SyntaxError);
    const original = new FoundationError('timeout');
    const rejected = await fromPromise(Promise.reject(original));
    expect(rejected).toEqual({ ok: false, error: original });
    const lifecycle = await fromPromise(Promise.reject(new LifecycleError(2101, 'x')));
    expect(!lifecycle.ok && lifecycle.error.code).toBe(2101);
    const fallback = await fromPromise(Promise.reject(new Error('net')), 'network_error');
    expect(!fallback.ok && fallback.error.codeName).toBe('network_error');
  });

  it('accept any thenable', async () => {
    const thenable: PromiseLike<number> = {
      then: (resolve, _reject) => Promise.resolve(7).then(resolve),
    };
    expect(await fromPromise(thenable)).toEqual({ ok: true, value: 7 });
  });
});
