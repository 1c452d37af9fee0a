import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createFoundation, ManualClock } from '@foundation/core';
import {
  createEvent,
  defineEvents,
  estimateEventSize,
  EVENTS_CHANNELS,
  EventStore,
  MemoryStorage,
  type CreateEventOptions,
  type EventStoreOptions,
  type FoundationEvent,
} from '../src/index.js';
import { failure } from './failure.js';

const WALL_START = Date.UTC(2026, 0, 1);

/** Makes events one millisecond apart on a manual clock. */
function maker(clock = new ManualClock({ wallStartMs: WALL_START })) {
  return (
    type: string,
    data: unknown = null,
    options: CreateEventOptions = {},
  ): FoundationEvent => {
    clock.advance(1);
    return createEvent(type, data, { clock, ...options });
  };
}

/** A store and an event maker sharing one manual clock. */
function fixture(options: EventStoreOptions = {}) {
  const clock = new ManualClock({ wallStartMs: WALL_START });
  return { clock, make: maker(clock), store: new EventStore({ clock, ...options }) };
}

const listeners: [string, (message: unknown) => void][] = [];
function listen(name: string): unknown[] {
  const messages: unknown[] = [];
  const listener = (message: unknown): void => {
    messages.push(message);
  };
  subscribe(name, listener);
  listeners.push([name, listener]);
  return messages;
}

afterEach(() => {
  for (const [name, listener] of listeners.splice(0)) unsubscribe(name, listener);
});

describe('EventStore: append and get', () => {
  it('stores events and finds them by id', () => {
    const { store, make } = fixture();
    const event = make('a', { n: 1 });
    expect(store.append(event)).toBe(event);
    expect(store.get(event.id)).toBe(event);
    expect(store.has(event.id)).toBe(true);
    expect(store.has('missing')).toBe(false);
  });

  it('answers an unknown id with 3401 data_not_found', () => {
    const error = failure(() => new EventStore().get('nope'));
    expect(error.code).toBe(3401);
    expect(error.context).toMatchObject({ path: 'id', id: 'nope' });
  });

  it('refuses malformed and duplicate events, leaving the store unchanged', () => {
    const { store, make } = fixture();
    const event = store.append(make('a'));
    const malformed = { ...make('b'), wallTime: 'now' } as unknown as FoundationEvent;
    expect(failure(() => store.append(malformed)).context).toMatchObject({
      path: 'event.wallTime',
      rule: 'expected a finite number',
    });
    expect(failure(() => store.append(null as unknown as FoundationEvent)).context.path).toBe(
      'event',
    );
    const duplicate = failure(() => store.append(event));
    expect(duplicate.code).toBe(3203);
    expect(duplicate.context.path).toBe('event.id');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(failure(() => store.append(make('c', cyclic))).context).toMatchObject({
      path: 'event.data',
      rule: 'nested deeper than 64 levels',
    });
    const polluting = make('d', JSON.parse('{"x":{"__proto__":{"polluted":1}}}'));
    expect(failure(() => store.append(polluting)).context.rule).toBe("forbidden key '__proto__'");
    const unreadable = make('e', {
      get boom(): never {
        throw new Error('x');
      },
    });
    expect(failure(() => store.append(unreadable)).context.rule).toBe('unreadable data');
    expect(store.stats().count).toBe(1);
  });

  it('refuses an event larger than the byte bound with 2003', () => {
    const store = new EventStore({ maxBytes: 1000 });
    const error = failure(() => store.append(maker()('big', 'x'.repeat(2000))));
    expect(error.code).toBe(2003);
    expect(error.context).toMatchObject({ path: 'event' });
    expect(store.stats().count).toBe(0);
  });

  it('checks events with a validator (an event registry)', () => {
    const registry = defineEvents({ 'user.created': z.object({ userId: z.number() }) });
    const store = new EventStore({ validator: registry });
    store.append(registry.create('user.created', { userId: 1 }));
    const error = failure(() => store.append(createEvent('user.created', { userId: 'x' })));
    expect(error.code).toBe(3203);
    expect(error.context.path).toBe('data.userId');
    expect(failure(() => store.append(createEvent('other', {}))).context.path).toBe('type');
    expect(store.stats().count).toBe(1);
  });
});

describe('EventStore: appendBatch is all or nothing', () => {
  it('stores a valid batch', () => {
    const { store, make } = fixture();
    const batch = [make('a'), make('b'), make('c')];
    expect(store.appendBatch(batch)).toBe(batch);
    expect(store.stats().count).toBe(3);
    expect(store.appendBatch([])).toEqual([]);
  });

  it('stores nothing when one event is invalid, repeated, already stored or too large', () => {
    const { store, make } = fixture({ maxBytes: 5000 });
    const kept = store.append(make('kept'));
    const good = make('good');
    const cases: [FoundationEvent[], string, number][] = [
      [[good, { ...make('bad'), id: 5 } as unknown as FoundationEvent], 'events[1].id', 3203],
      [[good, good], 'events[1].id', 3203],
      [[good, kept], 'events[1].id', 3203],
      [[good, make('huge', 'x'.repeat(6000))], 'events[1]', 2003],
    ];
    for (const [batch, path, code] of cases) {
      const error = failure(() => store.appendBatch(batch));
      expect(error.code).toBe(code);
      expect(error.context.path).toBe(path);
      expect(store.stats().count).toBe(1);
      expect(store.has(good.id)).toBe(false);
    }
    expect(failure(() => store.appendBatch('x' as never)).codeName).toBe('invalid_input');
  });

  it('refuses a hole in a sparse batch instead of skipping it', () => {
    const { store, make } = fixture();
    const heard: string[] = [];
    store.subscribe({}, (event) => heard.push(event.type));
    const batch: FoundationEvent[] = [];
    batch[1] = make('after-hole');
    const error = failure(() => store.appendBatch(batch));
    expect(error.code).toBe(3203);
    expect(error.context.path).toBe('events[0]');
    expect(store.stats().count).toBe(0);
    expect(heard).toEqual([]);
  });
});

describe('EventStore: queries', () => {
  function seeded() {
    const clock = new ManualClock({ wallStartMs: WALL_START });
    const make = maker(clock);
    const store = new EventStore({ clock });
    const events = [
      make('order.placed', 1, { correlationId: 'c1' }),
      make('order.paid', 2, { correlationId: 'c1' }),
      make('user.created', 3, { correlationId: 'c2' }),
      make('order.placed', 4, { correlationId: 'c2' }),
      make('order.shipped', 5, { correlationId: 'c1' }),
      make('order.placed', 6, { correlationId: 'c3' }),
    ];
    store.appendBatch(events);
    return { store, events, clock, make };
  }
  const ids = (list: readonly FoundationEvent[]) => list.map((event) => event.data);

  it('returns everything oldest first by default, or newest first', () => {
    const { store } = seeded();
    expect(ids(store.query().events)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ids(store.query({ order: 'desc' }).events)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('filters by types, correlation and wall-time range (from inclusive, to exclusive)', () => {
    const { store, events } = seeded();
    expect(ids(store.query({ types: ['order.placed'] }).events)).toEqual([1, 4, 6]);
    expect(ids(store.query({ types: ['order.paid', 'user.created', 'nope'] }).events)).toEqual([
      2, 3,
    ]);
    expect(
      ids(store.query({ types: ['order.placed', 'order.shipped'], order: 'desc' }).events),
    ).toEqual([6, 5, 4, 1]);
    expect(store.query({ types: [] }).events).toEqual([]);
    expect(ids(store.query({ correlationId: 'c1' }).events)).toEqual([1, 2, 5]);
    expect(
      ids(store.query({ correlationId: 'c1', types: ['order.paid', 'order.shipped'] }).events),
    ).toEqual([2, 5]);
    expect(store.query({ correlationId: 'none' }).events).toEqual([]);
    const from = events[1]!.wallTime;
    const to = events[4]!.wallTime;
    expect(ids(store.query({ from, to }).events)).toEqual([2, 3, 4]);
    expect(
      ids(store.query({ from: new Date(from), to: new Date(to), order: 'desc' }).events),
    ).toEqual([4, 3, 2]);
    expect(ids(store.query({ types: ['order.placed'], from, order: 'desc' }).events)).toEqual([
      6, 4,
    ]);
  });

  it('pages with stable cursors, both ways, across appends and prunes', () => {
    const { store, make } = seeded();
    const first = store.query({ limit: 2 });
    expect(ids(first.events)).toEqual([1, 2]);
    expect(first.nextCursor).toEqual(expect.any(String));
    store.append(make('late', 7));
    store.pruneBefore(first.events[1]!.wallTime); // drops event 1, already seen
    const second = store.query({ limit: 2, cursor: first.nextCursor });
    expect(ids(second.events)).toEqual([3, 4]);
    const third = store.query({ limit: 2, cursor: second.nextCursor });
    expect(ids(third.events)).toEqual([5, 6]);
    const last = store.query({ limit: 2, cursor: third.nextCursor });
    expect(ids(last.events)).toEqual([7]);
    expect(last.nextCursor).toBeUndefined();

    const down = store.query({ order: 'desc', limit: 4 });
    expect(ids(down.events)).toEqual([7, 6, 5, 4]);
    expect(ids(store.query({ order: 'desc', limit: 4, cursor: down.nextCursor }).events)).toEqual([
      3, 2,
    ]);
    const typed = store.query({ types: ['order.placed'], limit: 1, order: 'desc' });
    expect(
      ids(
        store.query({ types: ['order.placed'], limit: 5, order: 'desc', cursor: typed.nextCursor })
          .events,
      ),
    ).toEqual([4]);
  });

  it('refuses bad queries with 3204 invalid_input naming the field', () => {
    const { store } = seeded();
    const cursor = store.query({ limit: 1 }).nextCursor!;
    const cases: [unknown, string, RegExp][] = [
      [null, 'query', /object/],
      [{ order: 'up' }, 'query.order', /asc/],
      [{ limit: 0 }, 'query.limit', /positive/],
      [{ limit: 2.5 }, 'query.limit', /positive/],
      [{ types: 'order.placed' }, 'query.types', /array of strings/],
      [{ types: [1] }, 'query.types', /array of strings/],
      [{ correlationId: 5 }, 'query.correlationId', /string/],
      [{ from: 'yesterday' }, 'query.from', /epoch/],
      [{ to: new Date(NaN) }, 'query.to', /epoch/],
      [{ cursor: 'garbage' }, 'query.cursor', /previous page/],
      [{ cursor: 5 }, 'query.cursor', /previous page/],
      [
        { cursor: Buffer.from('[1,"asc",1]').toString('base64url') },
        'query.cursor',
        /previous page/,
      ],
      [{ cursor: Buffer.from('{"a":1}').toString('base64url') }, 'query.cursor', /previous page/],
      [{ cursor, order: 'desc' }, 'query.cursor', /made for order 'asc'/],
    ];
    for (const [query, path, rule] of cases) {
      const error = failure(() => store.query(query as never));
      expect(error.codeName).toBe('invalid_input');
      expect(error.context.path).toBe(path);
      expect(String(error.context.rule)).toMatch(rule);
    }
    expect(store.query({ limit: Infinity }).events).toHaveLength(6);
  });

  it('lists a correlation in time order, even when events arrive out of order', () => {
    const { store, make } = seeded();
    const early = { ...make('backfill', 0, { correlationId: 'c1' }), wallTime: WALL_START - 1 };
    store.append(early);
    expect(ids(store.byCorrelation('c1'))).toEqual([0, 1, 2, 5]);
    expect(ids(store.query().events)[0]).toBe(0);
    expect(store.byCorrelation('unknown')).toEqual([]);
  });

  it('returns the newest events, newest first', () => {
    const { store } = seeded();
    expect(ids(store.recent(2))).toEqual([6, 5]);
    expect(ids(store.recent())).toEqual([6, 5, 4, 3, 2, 1]);
    expect(store.recent(0)).toEqual([]);
    expect(failure(() => store.recent(-1)).context.path).toBe('count');
  });

  it('follows causation and parent links into a chain, root first', () => {
    const { store, make } = seeded();
    const root = store.append(make('request'));
    const child = store.append(make('step', null, { causedBy: root }));
    const grandchild = store.append(make('sub-step', null, { parentId: child.id }));
    const leaf = store.append(make('done', null, { causedBy: grandchild }));
    expect(store.correlationChain(leaf.id).map((event) => event.type)).toEqual([
      'request',
      'step',
      'sub-step',
      'done',
    ]);
    expect(store.correlationChain(root.id)).toEqual([root]);
    const orphan = store.append(make('orphan', null, { causationId: 'never-stored' }));
    expect(store.correlationChain(orphan.id)).toEqual([orphan]);
    const loopA = { ...make('loop'), id: 'loop-a', causationId: 'loop-b' };
    const loopB = { ...make('loop'), id: 'loop-b', causationId: 'loop-a' };
    store.appendBatch([loopA, loopB]);
    expect(store.correlationChain('loop-a').map((event) => event.id)).toEqual(['loop-b', 'loop-a']);
    expect(failure(() => store.correlationChain('missing')).code).toBe(3401);
  });
});

describe('EventStore: bounds and pruning', () => {
  it('keeps at most maxEvents, dropping the oldest', () => {
    const pruned = listen(EVENTS_CHANNELS.pruned);
    const { store, make } = fixture({ maxEvents: 3, name: 'bounded' });
    const events = Array.from({ length: 5 }, (_, index) => make('e', index));
    for (const event of events) store.append(event);
    expect(store.query().events).toEqual(events.slice(2));
    expect(store.has(events[0]!.id)).toBe(false);
    expect(store.stats()).toMatchObject({ count: 3, appended: 5, pruned: { count: 2 } });
    expect(pruned).toEqual([
      { store: 'bounded', reason: 'count', count: 1, bytes: estimateEventSize(events[0]!) },
      { store: 'bounded', reason: 'count', count: 1, bytes: estimateEventSize(events[1]!) },
    ]);
  });

  it('keeps at most maxBytes, by the estimated size', () => {
    const clock = new ManualClock({ wallStartMs: WALL_START });
    const make = maker(clock);
    const event = make('sized', 'x'.repeat(100));
    const size = estimateEventSize(event);
    const store = new EventStore({ clock, maxBytes: size * 3 });
    const batch = [event, ...Array.from({ length: 4 }, () => make('sized', 'x'.repeat(100)))];
    store.appendBatch(batch);
    const stats = store.stats();
    expect(stats.count).toBe(3);
    expect(stats.bytes).toBeLessThanOrEqual(size * 3);
    expect(stats.pruned.bytes).toBe(2);
  });

  it('drops events older than maxAgeMs on append and on read, with no timer', () => {
    const clock = new ManualClock({ wallStartMs: WALL_START });
    const make = maker(clock);
    const store = new EventStore({ clock, maxAgeMs: 1000 });
    const old = store.append(make('old'));
    clock.advance(600);
    const newer = store.append(make('newer'));
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(500);
    expect(store.has(old.id)).toBe(false);
    expect(store.stats()).toMatchObject({ count: 1, pruned: { age: 1 } });
    clock.advance(2000);
    expect(store.query().events).toEqual([]);
    expect(store.has(newer.id)).toBe(false);
    const stale = { ...make('stale'), wallTime: WALL_START };
    store.append(stale);
    expect(store.stats().count).toBe(0);
  });

  it('prunes before a time on request, reporting how many', () => {
    const { store, make } = fixture();
    const events = Array.from({ length: 4 }, () => make('e'));
    store.appendBatch(events);
    expect(store.pruneBefore(events[2]!.wallTime)).toBe(2);
    expect(store.pruneBefore(new Date(events[2]!.wallTime))).toBe(0);
    expect(store.query().events).toEqual(events.slice(2));
    expect(store.stats().pruned.manual).toBe(2);
    expect(failure(() => store.pruneBefore('soon' as never)).context.path).toBe('time');
  });

  it('refuses bad bounds', () => {
    expect(failure(() => new EventStore({ maxEvents: 0 })).context.path).toBe('options.maxEvents');
    expect(failure(() => new EventStore({ maxAgeMs: -5 })).context.path).toBe('options.maxAgeMs');
    expect(new EventStore({ maxEvents: Infinity, maxAgeMs: Infinity }).stats().limits).toEqual({
      maxEvents: Infinity,
      maxBytes: 64 * 1024 * 1024,
      maxAgeMs: Infinity,
    });
  });
});

describe('EventStore: live subscriptions', () => {
  it('tells subscribers about matching events after they are stored', () => {
    const { store, make } = fixture();
    const seen: string[] = [];
    const all: string[] = [];
    store.subscribe({ types: ['order.placed'], correlationId: 'c1' }, (event) => {
      expect(store.has(event.id)).toBe(true);
      seen.push(event.type);
    });
    const stop = store.subscribe({}, (event) => all.push(event.type));
    store.append(make('order.placed', null, { correlationId: 'c1' }));
    store.append(make('order.placed', null, { correlationId: 'c2' }));
    store.appendBatch([make('order.paid', null, { correlationId: 'c1' })]);
    stop();
    store.append(make('after'));
    expect(seen).toEqual(['order.placed']);
    expect(all).toEqual(['order.placed', 'order.placed', 'order.paid']);
    expect(store.stats().subscribers).toBe(1);
  });

  it('unsubscribes on abort', () => {
    const store = new EventStore();
    const controller = new AbortController();
    const listener = vi.fn();
    store.subscribe({}, listener, { signal: controller.signal });
    store.append(createEvent('a', 1));
    controller.abort();
    store.append(createEvent('b', 1));
    expect(listener).toHaveBeenCalledTimes(1);
    store.subscribe({}, listener, { signal: AbortSignal.abort() });
    store.append(createEvent('c', 1));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.stats().subscribers).toBe(0);
  });

  it('isolates a failing listener and reports it on a diagnostics channel', () => {
    const failures = listen(EVENTS_CHANNELS.listenerFailed);
    const store = new EventStore({ name: 'isolated' });
    const boom = new Error('listener broke');
    const after = vi.fn();
    store.subscribe({}, () => {
      throw boom;
    });
    store.subscribe({}, after);
    const event = store.append(createEvent('a', 1));
    expect(after).toHaveBeenCalledWith(event);
    expect(failures).toEqual([{ store: 'isolated', error: boom, event }]);
    store.subscribe({}, () => {
      throw boom;
    });
    unsubscribe(EVENTS_CHANNELS.listenerFailed, listeners.pop()![1]);
    expect(() => store.append(createEvent('b', 1))).not.toThrow();
  });

  it('skips listeners removed while a batch is being announced', () => {
    const store = new EventStore();
    const calls: string[] = [];
    let stopSecond = (): void => undefined;
    store.subscribe({}, (event) => {
      calls.push(`first:${event.type}`);
      stopSecond();
    });
    stopSecond = store.subscribe({}, (event) => calls.push(`second:${event.type}`));
    store.appendBatch([createEvent('a', 1), createEvent('b', 1)]);
    expect(calls).toEqual(['first:a', 'first:b']);
  });

  it('refuses bad subscriptions', () => {
    const store = new EventStore();
    expect(failure(() => store.subscribe({}, 'x' as never)).context.path).toBe('listener');
    expect(
      failure(() => store.subscribe({ types: [1] } as never, () => undefined)).context.path,
    ).toBe('filter.types');
    expect(
      failure(() => store.subscribe({ correlationId: 1 } as never, () => undefined)).context.path,
    ).toBe('filter.correlationId');
    for (const filter of [null, undefined, 'x']) {
      const error = failure(() => store.subscribe(filter as never, () => undefined));
      expect(error.codeName).toBe('invalid_input');
      expect(error.context.path).toBe('filter');
    }
    expect(store.stats().subscribers).toBe(0);
  });

  it('detaches from abort signals when stopped', () => {
    const store = new EventStore();
    const controller = new AbortController();
    store.subscribe({}, () => undefined, { signal: controller.signal });
    store.subscribe({}, () => undefined, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(2);
    store.stop();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(store.stats().subscribers).toBe(0);
  });
});

describe('EventStore: diagnostics, stats and lifecycle', () => {
  it('publishes appended events on foundation:events:appended', () => {
    const appended = listen('foundation:events:appended');
    const store = new EventStore({ name: 'diag' });
    const event = store.append(createEvent('a', 1));
    const batch = [createEvent('b', 1), createEvent('c', 1)];
    store.appendBatch(batch);
    expect(appended).toEqual([
      { store: 'diag', events: [event] },
      { store: 'diag', events: batch },
    ]);
  });

  it('has a memory adapter that can be used on its own', () => {
    const storage = new MemoryStorage();
    expect(storage.removeOldest()).toBeUndefined();
    expect(storage.oldest()).toBeUndefined();
    const event = createEvent('a', 1);
    storage.insert({ event, sizeBytes: 10 });
    expect(storage.get(event.id)).toBe(event);
    expect([storage.count, storage.bytes, storage.typeCount, storage.correlationCount]).toEqual([
      1, 10, 1, 1,
    ]);
    storage.clear();
    expect([storage.count, storage.bytes, storage.get(event.id)]).toEqual([0, 0, undefined]);
  });

  it('reports counts, bytes and extremes', () => {
    const { store, make } = fixture({ storage: new MemoryStorage() });
    expect(store.stats()).toMatchObject({
      count: 0,
      bytes: 0,
      oldestWallTime: undefined,
      newestWallTime: undefined,
    });
    const events = [make('a', 1, { correlationId: 'x' }), make('b', 2, { correlationId: 'x' })];
    store.appendBatch(events);
    expect(store.stats()).toMatchObject({
      count: 2,
      bytes: estimateEventSize(events[0]!) + estimateEventSize(events[1]!),
      types: 2,
      correlations: 1,
      oldestWallTime: events[0]!.wallTime,
      newestWallTime: events[1]!.wallTime,
      appended: 2,
    });
    expect(store.status()).toMatchObject({ count: 2, storage: 'memory', running: true });
  });

  it('is a Service: stop refuses appends, start accepts them again', async () => {
    const store = new EventStore({ name: 'events' });
    const foundation = createFoundation({ services: [store] });
    await foundation.initialize();
    expect(store.health()).toMatchObject({ status: 'healthy', details: { count: 0 } });
    store.subscribe({}, () => undefined);
    const kept = store.append(createEvent('kept', 1));
    await foundation.shutdown();
    expect(store.health()).toEqual({ status: 'unhealthy', message: 'stopped' });
    expect(store.stats().subscribers).toBe(0);
    const error = failure(() => store.append(createEvent('late', 1)));
    expect(error.codeName).toBe('service_unavailable');
    expect(failure(() => store.appendBatch([createEvent('late', 1)])).code).toBe(2102);
    expect(store.get(kept.id)).toBe(kept);
    store.start();
    expect(() => store.append(createEvent('again', 1))).not.toThrow();
    expect(() => {
      store.start(AbortSignal.abort());
    }).toThrow();
    await store[Symbol.asyncDispose]();
    expect(store.health().status).toBe('unhealthy');
  });
});
