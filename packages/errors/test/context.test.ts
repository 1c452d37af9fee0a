import { formatDuration, InvalidInputError, LifecycleError, ManualClock } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import {
  addBreadcrumb,
  currentContext,
  currentCorrelationId,
  findCause,
  FoundationError,
  MAX_BREADCRUMBS,
  toFoundationError,
  withContext,
} from '../src/index.js';
import { asFoundation, raise, thrownBy } from './support.js';

describe('withContext', () => {
  it('returns what a sync function returns, inside a context that ends with it', () => {
    expect(currentContext()).toBeUndefined();
    const seen = withContext({ operation: 'sync.op', metadata: { user: 'u1' } }, () => {
      return currentContext();
    });
    expect(seen).toMatchObject({
      operation: 'sync.op',
      metadata: { user: 'u1' },
      operations: ['sync.op'],
      breadcrumbs: [],
    });
    expect(seen?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(currentContext()).toBeUndefined();
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('keeps the context across await, and the error created after it picks it up', async () => {
    const clock = new ManualClock();
    const error = await withContext({ operation: 'orders.create', clock }, async () => {
      addBreadcrumb('validated', { items: 2 });
      await clock.advanceAsync(5);
      addBreadcrumb('saved');
      await Promise.resolve();
      return new FoundationError('timeout', 'slow store');
    });
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.context).toEqual({ operation: 'orders.create' });
    expect(error.timestampMs).toBe(clock.wallMs());
    expect(error.breadcrumbs).toEqual([
      {
        message: 'validated',
        data: { items: 2 },
        operation: 'orders.create',
        timestampMs: Date.UTC(2026, 0, 1),
      },
      { message: 'saved', operation: 'orders.create', timestampMs: Date.UTC(2026, 0, 1) + 5 },
    ]);
  });

  it('uses a given correlation id', () => {
    const id = withContext({ operation: 'op', correlationId: 'req-42' }, currentCorrelationId);
    expect(id).toBe('req-42');
  });

  it('gives child contexts the parent correlation id, metadata, clock and breadcrumbs', async () => {
    const clock = new ManualClock({ wallStartMs: 1_000 });
    await withContext({ operation: 'parent', metadata: { a: 1, b: 1 }, clock }, async () => {
      const parentId = currentCorrelationId();
      addBreadcrumb('in parent');
      const child = await withContext({ operation: 'child', metadata: { b: 2 } }, async () => {
        await Promise.resolve();
        addBreadcrumb('in child');
        return currentContext();
      });
      expect(child).toMatchObject({
        operation: 'child',
        correlationId: parentId,
        metadata: { a: 1, b: 2 },
        operations: ['parent', 'child'],
      });
      expect(child?.breadcrumbs.map((b) => b.message)).toEqual(['in parent', 'in child']);
      expect(child?.breadcrumbs[1]).toMatchObject({ operation: 'child', timestampMs: 1_000 });
      // The flow's breadcrumbs are shared: the parent sees what the child recorded.
      expect(currentContext()?.breadcrumbs.map((b) => b.message)).toEqual([
        'in parent',
        'in child',
      ]);
      expect(currentContext()?.operation).toBe('parent');
    });
  });

  it('starts a new flow, with its own breadcrumbs, for a child given a new correlation id', () => {
    withContext({ operation: 'server' }, () => {
      addBreadcrumb('listening');
      const request = withContext({ operation: 'request', correlationId: 'req-1' }, () => {
        addBreadcrumb('handled');
        return currentContext();
      });
      expect(request?.breadcrumbs.map((b) => b.message)).toEqual(['handled']);
      expect(currentContext()?.breadcrumbs.map((b) => b.message)).toEqual(['listening']);
    });
  });

  it('keeps concurrent flows apart', async () => {
    const clock = new ManualClock();
    const flow = (name: string, delayMs: number) =>
      withContext({ operation: name, clock }, async () => {
        addBreadcrumb(`${name} start`);
        await clock.sleep(delayMs);
        addBreadcrumb(`${name} end`);
        return new FoundationError('timeout', name);
      });
    const both = Promise.all([flow('a', 20), flow('b', 10)]);
    await clock.advanceAsync(20);
    const [a, b] = await both;
    expect(a.correlationId).not.toBe(b.correlationId);
    expect(a.breadcrumbs.map((c) => c.message)).toEqual(['a start', 'a end']);
    expect(b.breadcrumbs.map((c) => c.message)).toEqual(['b start', 'b end']);
    expect(b.context.operation).toBe('b');
  });

  it('keeps at most MAX_BREADCRUMBS, dropping the oldest', () => {
    const crumbs = withContext({ operation: 'busy' }, () => {
      for (let i = 0; i < MAX_BREADCRUMBS + 10; i++) addBreadcrumb(`step ${i}`);
      return new FoundationError('timeout').breadcrumbs;
    });
    expect(crumbs).toHaveLength(MAX_BREADCRUMBS);
    expect(crumbs[0]?.message).toBe('step 10');
    expect(crumbs.at(-1)?.message).toBe(`step ${MAX_BREADCRUMBS + 9}`);
  });

  it('snapshots the breadcrumbs when an error is created', () => {
    withContext({ operation: 'snap' }, () => {
      addBreadcrumb('before');
      const error = new FoundationError('timeout');
      addBreadcrumb('after');
      expect(error.breadcrumbs.map((b) => b.message)).toEqual(['before']);
    });
  });

  it('ignores breadcrumbs outside any context', () => {
    addBreadcrumb('nowhere');
    expect(currentContext()).toBeUndefined();
    expect(new FoundationError('timeout').breadcrumbs).toEqual([]);
  });

  it('freezes metadata and breadcrumb data', () => {
    const data = { n: 1 };
    withContext({ operation: 'frozen', metadata: { m: 1 } }, () => {
      addBreadcrumb('x', data);
      const context = currentContext()!;
      expect(Object.isFrozen(context.metadata)).toBe(true);
      expect(Object.isFrozen(context.breadcrumbs[0]?.data)).toBe(true);
      expect(context.breadcrumbs[0]?.data).not.toBe(data);
    });
  });
});

describe('an exception escaping withContext', () => {
  it('is wrapped with the operation and its duration (sync)', () => {
    const clock = new ManualClock();
    const original = new RangeError('bad index');
    const error = thrownBy(() =>
      withContext({ operation: 'sync.fail', clock }, () => {
        clock.advance(7);
        throw original;
      }),
    );
    expect(error.codeName).toBe('internal_error');
    expect(error.message).toBe('sync.fail failed: bad index');
    expect(error.cause).toBe(original);
    expect(error.context).toEqual({ operation: 'sync.fail', durationNs: 7_000_000 });
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is wrapped with the operation and its duration (async)', async () => {
    const clock = new ManualClock();
    const pending = withContext({ operation: 'async.fail', clock }, async () => {
      addBreadcrumb('waiting');
      await clock.sleep(250);
      throw new Error('upstream closed');
    });
    const caught = pending.catch((error: unknown) => error);
    await clock.advanceAsync(250);
    const error = asFoundation(await caught);
    expect(error.message).toBe('async.fail failed: upstream closed');
    expect(error.context).toEqual({ operation: 'async.fail', durationNs: 250_000_000 });
    expect(error.breadcrumbs.map((b) => b.message)).toEqual(['waiting']);
  });

  it('carries the metadata of the context it escapes (merged over its parents) to the error', async () => {
    const clock = new ManualClock();
    const pending = withContext(
      { operation: 'orders.create', metadata: { userId: 'u1', region: 'eu' }, clock },
      () =>
        withContext({ operation: 'orders.save', metadata: { orderId: 'o9' } }, async () => {
          await clock.sleep(3);
          throw new Error('disk full');
        }),
    );
    const caught = pending.catch((error: unknown) => error);
    await clock.advanceAsync(3);
    const error = asFoundation(await caught);
    expect(error.context).toEqual({
      operation: 'orders.save',
      durationNs: 3_000_000,
      metadata: { userId: 'u1', region: 'eu', orderId: 'o9' },
    });
  });

  it('adds the metadata to an escaping FoundationError without overwriting its own facts', () => {
    const own = new FoundationError('validation_failed', 'bad order', {
      context: { metadata: 'the caller’s own', path: 'order.total' },
    });
    const plain = new FoundationError('timeout', 'slow');
    for (const original of [own, plain]) {
      const error = thrownBy(() =>
        withContext({ operation: 'orders.check', metadata: { userId: 'u1' } }, () => {
          throw original;
        }),
      );
      expect(error).toBe(original);
    }
    expect(own.context).toMatchObject({ metadata: 'the caller’s own', path: 'order.total' });
    expect(plain.context).toMatchObject({ operation: 'orders.check', metadata: { userId: 'u1' } });
  });

  it('keeps a FoundationError, adding the innermost operation and duration only once', async () => {
    const clock = new ManualClock();
    const original = new FoundationError('network_error', 'reset');
    const pending = withContext({ operation: 'outer', clock }, async () => {
      await clock.sleep(10);
      await withContext({ operation: 'inner' }, async () => {
        await clock.sleep(5);
        throw original;
      });
    });
    const caught = pending.catch((error: unknown) => error);
    await clock.advanceAsync(15);
    const error = await caught;
    expect(error).toBe(original);
    expect(original.context).toEqual({ operation: 'inner', durationNs: 5_000_000 });
    expect(original.codeName).toBe('network_error');
  });

  it("keeps core's InvalidInputError as 3204 with the argument and the rule it broke", () => {
    let thrown: unknown;
    try {
      formatDuration(-5);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    const error = toFoundationError(thrown);
    expect(error.code).toBe(3204);
    expect(error.context).toMatchObject({
      path: 'ns',
      rule: 'must be >= 0 (a duration)',
      originalName: 'InvalidInputError',
    });
    expect(findCause(error, InvalidInputError)).toBe(thrown);
  });

  it('keeps the code of core LifecycleError (2101) and its service', () => {
    const lifecycle = new LifecycleError(2101, 'db failed to start', { service: 'db' });
    const error = thrownBy(() =>
      withContext({ operation: 'boot' }, () => {
        throw lifecycle;
      }),
    );
    expect(error.code).toBe(2101);
    expect(error.codeName).toBe('initialization_failed');
    expect(error.message).toBe('boot failed: db failed to start');
    expect(error.context).toMatchObject({ service: 'db', originalName: 'LifecycleError' });
    expect(findCause(error, LifecycleError)).toBe(lifecycle);
  });

  it('wraps thrown non-errors, even ones that cannot be printed', () => {
    const error = thrownBy(() =>
      withContext({ operation: 'odd' }, () => {
        raise(Object.create(null));
      }),
    );
    expect(error.message).toBe('odd failed: Non-error thrown: [unprintable value]');
    expect(error.context).toMatchObject({ operation: 'odd' });
    const text = thrownBy(() =>
      withContext({ operation: 'odd' }, () => {
        raise('plain text');
      }),
    );
    expect(text.message).toBe('odd failed: Non-error thrown: plain text');
    expect(text.cause).toBe('plain text');
  });

  it('passes non-Promise results through untouched', () => {
    const thenable = { then: 1 };
    expect(withContext({ operation: 'plain' }, () => thenable)).toBe(thenable);
  });
});

describe('withContext options', () => {
  it.each<[string, unknown, string, string]>([
    ['null options', null, 'options', 'must be an object'],
    ['a missing operation', {}, 'options.operation', 'must be a non-empty string'],
    ['an empty operation', { operation: '' }, 'options.operation', 'must be a non-empty string'],
    ['a numeric operation', { operation: 5 }, 'options.operation', 'must be a non-empty string'],
    [
      'a numeric correlation id',
      { operation: 'x', correlationId: 1 },
      'options.correlationId',
      'must be a string',
    ],
    ['array metadata', { operation: 'x', metadata: [] }, 'options.metadata', 'must be an object'],
    [
      'metadata with __proto__',
      { operation: 'x', metadata: JSON.parse('{"__proto__": {"polluted": 1}}') },
      'options.metadata.__proto__',
      'forbidden key',
    ],
    [
      'metadata with constructor',
      { operation: 'x', metadata: { constructor: 1 } },
      'options.metadata.constructor',
      'forbidden key',
    ],
  ])('refuse %s before running anything', (_label, options, path, rule) => {
    let ran = false;
    const error = thrownBy(() => {
      withContext(options as never, () => {
        ran = true;
      });
    });
    expect(ran).toBe(false);
    expect(error.codeName).toBe('invalid_input');
    expect(error.context).toEqual({ path, rule });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
