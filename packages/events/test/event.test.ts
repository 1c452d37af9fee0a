import { hostname } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateId, idTimestampMs, ManualClock } from '@foundation/core';
import { withContext } from '@foundation/errors';
import {
  createEvent,
  diffState,
  findShapeProblem,
  functionEntry,
  functionExit,
  getDefaultSource,
  isFoundationEvent,
  MAX_TYPE_LENGTH,
  stateChange,
} from '../src/index.js';
import { failure } from './failure.js';

describe('createEvent', () => {
  it('fills every field and freezes the event', () => {
    const clock = new ManualClock({ startMs: 5, wallStartMs: Date.UTC(2026, 5, 1) });
    const event = createEvent('user.created', { userId: 1 }, { clock });
    expect(event).toEqual({
      id: expect.any(String),
      type: 'user.created',
      timestampNs: 5_000_000,
      wallTime: Date.UTC(2026, 5, 1),
      correlationId: expect.any(String),
      source: { service: expect.any(String), host: hostname(), pid: process.pid },
      data: { userId: 1 },
    });
    expect(event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Math.abs(idTimestampMs(event.id) - Date.now())).toBeLessThan(60_000);
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.source)).toBe(true);
    expect('causationId' in event).toBe(false);
    expect('parentId' in event).toBe(false);
    expect(() => {
      (event as { type: string }).type = 'changed';
    }).toThrow(TypeError);
  });

  it('makes time-sortable ids and monotonic timestamps', () => {
    const events = Array.from({ length: 200 }, () => createEvent('tick', null));
    const ids = events.map((event) => event.id);
    expect([...ids].sort()).toEqual(ids);
    for (let index = 1; index < events.length; index++) {
      expect(events[index]!.timestampNs).toBeGreaterThanOrEqual(events[index - 1]!.timestampNs);
    }
  });

  it('takes the correlation id from the options, then the cause, then the ErrorContext, then new', () => {
    const cause = createEvent('cause', null, { correlationId: 'from-cause' });
    expect(createEvent('a', null, { correlationId: 'given', causedBy: cause }).correlationId).toBe(
      'given',
    );
    const caused = createEvent('b', null, { causedBy: cause });
    expect(caused.correlationId).toBe('from-cause');
    expect(caused.causationId).toBe(cause.id);
    const inContext = withContext({ operation: 'test', correlationId: 'from-context' }, () =>
      createEvent('c', null),
    );
    expect(inContext.correlationId).toBe('from-context');
    const fresh = [createEvent('d', null), createEvent('d', null)];
    expect(fresh[0]!.correlationId).not.toBe(fresh[1]!.correlationId);
  });

  it('keeps explicit causation and parent ids', () => {
    const event = createEvent('linked', 1, { causationId: 'c', parentId: 'p' });
    expect(event).toMatchObject({ causationId: 'c', parentId: 'p' });
  });

  it('uses the default source unless parts are overridden', () => {
    const source = getDefaultSource();
    expect(source).toBe(getDefaultSource());
    expect(createEvent('s', 1).source).toBe(source);
    const custom = createEvent('s', 1, { source: { service: 'billing' } }).source;
    expect(custom).toEqual({ service: 'billing', host: source.host, pid: source.pid });
    expect(createEvent('s', 1, { source: { host: 'h', pid: 7 } }).source).toEqual({
      service: source.service,
      host: 'h',
      pid: 7,
    });
  });

  it('refuses a type that is not a string of 1 to 256 characters where the event is made', () => {
    const bad: unknown[] = [
      42,
      '',
      undefined,
      null,
      'x'.repeat(MAX_TYPE_LENGTH + 1),
      {},
      Symbol('t'),
    ];
    for (const type of bad) {
      const error = failure(() => createEvent(type as string, {}));
      expect(error).toMatchObject({ code: 3204, context: { path: 'type' } });
      expect(error.message).toMatch(/^type: /);
    }
    expect(createEvent('x'.repeat(MAX_TYPE_LENGTH), null).type).toHaveLength(MAX_TYPE_LENGTH);
  });

  it('makes only events that pass the shape check, for any type string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (type) => {
        let event: unknown;
        try {
          event = createEvent(type, null);
        } catch (error) {
          expect(error).toMatchObject({ code: 3204, context: { path: 'type' } });
          expect(type.length === 0 || type.length > MAX_TYPE_LENGTH).toBe(true);
          return;
        }
        expect(findShapeProblem(event)).toBeUndefined();
      }),
    );
  });

  it('checks the shape of anything claimed to be an event', () => {
    const event = createEvent('shape', 1);
    expect(isFoundationEvent(event)).toBe(true);
    expect(findShapeProblem(event)).toBeUndefined();
    expect(isFoundationEvent({ ...event, id: generateId(), data: undefined })).toBe(true);
    expect(findShapeProblem({ ...event, timestampNs: NaN })).toEqual({
      path: 'timestampNs',
      rule: 'expected a finite number',
    });
    expect(findShapeProblem([])).toEqual({
      path: '$',
      rule: 'expected an event object, got array',
    });
    expect(findShapeProblem({ ...event, type: 'x'.repeat(300) })?.path).toBe('type');
    expect(findShapeProblem({ ...event, source: null })?.rule).toBe('expected an object, got null');
  });
});

describe('function entry and exit events', () => {
  it('pairs an exit with its entry: correlation, causation, call id and duration', () => {
    const clock = new ManualClock();
    const entry = functionEntry(
      { module: 'orders', function: 'place', args: [1, 'x'] },
      { clock, parentId: 'request-1' },
    );
    expect(entry.type).toBe('function.entry');
    expect(entry.data).toMatchObject({
      module: 'orders',
      function: 'place',
      arity: 2,
      args: [1, 'x'],
    });
    clock.advance(3);
    const exit = functionExit(entry, { result: 'ok' }, { clock });
    expect(exit.type).toBe('function.exit');
    expect(exit).toMatchObject({
      correlationId: entry.correlationId,
      causationId: entry.id,
      parentId: 'request-1',
    });
    expect(exit.data).toEqual({
      callId: entry.data.callId,
      module: 'orders',
      function: 'place',
      durationNs: 3_000_000,
      exitReason: 'normal',
      result: 'ok',
    });
  });

  it('records errors and explicit durations, and arity without arguments', () => {
    const entry = functionEntry({ module: 'm', function: 'f', arity: 3 });
    expect(entry.data.args).toEqual([]);
    expect(entry.data.arity).toBe(3);
    const failure = new Error('nope');
    const exit = functionExit(entry, { error: failure, durationNs: 42 });
    expect(exit.data).toMatchObject({ exitReason: 'error', error: failure, durationNs: 42 });
    expect('result' in exit.data).toBe(false);
    expect('parentId' in exit).toBe(false);
    expect(functionEntry({ module: 'm', function: 'g' }).data.arity).toBe(0);
  });
});

describe('state change events', () => {
  it('carries both states and their diff', () => {
    const event = stateChange(
      'cache',
      'handle_put',
      { size: 1, keys: ['a'] },
      { size: 2, keys: ['a', 'b'] },
    );
    expect(event.type).toBe('state.change');
    expect(event.data.diff).toEqual([
      { path: 'size', kind: 'changed', before: 1, after: 2 },
      { path: 'keys[1]', kind: 'added', after: 'b' },
    ]);
    expect(event.data).toMatchObject({ component: 'cache', callback: 'handle_put' });
  });

  it('diffs nested objects, arrays, removals and opaque values', () => {
    expect(diffState({ a: 1 }, { a: 1 })).toEqual([]);
    expect(diffState({ a: { b: 1, c: 2 } }, { a: { b: 1 } })).toEqual([
      { path: 'a.c', kind: 'removed', before: 2 },
    ]);
    expect(diffState([1, 2], [1])).toEqual([{ path: '[1]', kind: 'removed', before: 2 }]);
    expect(diffState(1, 2)).toEqual([{ path: '$', kind: 'changed', before: 1, after: 2 }]);
    expect(diffState({ d: new Date(1) }, { d: new Date(1) })).toEqual([]);
    expect(diffState({ d: new Date(1) }, { d: new Date(2) })).toHaveLength(1);
    expect(diffState({ list: [1] }, { list: { 0: 1 } })).toEqual([
      { path: 'list', kind: 'changed', before: [1], after: { 0: 1 } },
    ]);
    expect(diffState({ a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, 1)).toEqual([
      { path: 'a', kind: 'changed', before: { b: { c: 1 } }, after: { b: { c: 2 } } },
    ]);
    expect(diffState(Object.create(null) as object, { x: 1 })).toEqual([
      { path: 'x', kind: 'added', after: 1 },
    ]);
  });
});
