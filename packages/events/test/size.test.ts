import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { createEvent, estimateEventSize, EventStore } from '../src/index.js';

const clock = new ManualClock();

describe('estimateEventSize', () => {
  const base = estimateEventSize(createEvent('t', null, { clock, correlationId: 'c' }));
  const sizeOf = (data: unknown): number =>
    estimateEventSize(createEvent('t', data, { clock, correlationId: 'c' })) - base + 4;

  it('approximates the JSON size of plain data', () => {
    const data = { name: 'abc', list: [1, true, null], nested: { x: 'y' } };
    const json = JSON.stringify(data).length;
    expect(Math.abs(sizeOf(data) - json)).toBeLessThan(json);
    expect(sizeOf('x'.repeat(1000))).toBe(1002);
  });

  it('counts every supported kind, binary data as base64', () => {
    expect(sizeOf(12n)).toBe(24);
    expect(sizeOf(undefined)).toBe(12);
    expect(sizeOf(new Uint8Array(300))).toBe(32 + 400);
    expect(sizeOf(new ArrayBuffer(3))).toBe(32 + 4);
    expect(sizeOf(Buffer.alloc(6))).toBe(32 + 8);
    expect(sizeOf(new Date(0))).toBe(32);
    expect(sizeOf(new Map([['k', 'v']]))).toBe(16 + 3 + 3 + 6);
    expect(sizeOf(new Set([1, 2]))).toBe(16 + 9 + 9);
    const error = new Error('message');
    expect(sizeOf(error)).toBe(64 + 7 + (error.stack?.length ?? 0));
    const noStack = new Error('m');
    delete (noStack as { stack?: string }).stack;
    expect(sizeOf(noStack)).toBe(65);
    const inherited = Object.create({ ignored: 'x'.repeat(100) }) as Record<string, unknown>;
    inherited.own = 1;
    expect(sizeOf(inherited)).toBe(2 + 3 + 4 + 8);
  });

  it('lets the store hold data of every kind and account for it', () => {
    const store = new EventStore({ clock, maxAgeMs: Infinity });
    const event = store.append(
      createEvent(
        'mixed',
        { m: new Map([[1, new Set([2n])]]), b: Buffer.alloc(10), d: new Date() },
        { clock },
      ),
    );
    expect(store.stats().bytes).toBe(estimateEventSize(event));
  });

  it('stays a finite number for an Error whose message or stack is not a string', () => {
    const odd = Object.assign(new Error('x'), { message: 42, stack: undefined });
    expect(sizeOf(odd)).toBe(64);
    // A NaN size would have switched the store's byte bound off for good.
    const store = new EventStore({ clock, maxAgeMs: Infinity, maxBytes: 2000 });
    store.append(createEvent('odd', odd, { clock }));
    expect(Number.isFinite(store.stats().bytes)).toBe(true);
    store.append(createEvent('big', 'x'.repeat(1500), { clock }));
    expect(store.stats()).toMatchObject({ count: 1, pruned: { bytes: 1 } });
  });

  it('refuses data that throws while being read with 3203, not the raw error', () => {
    const data = {
      get broken(): never {
        throw new TypeError('getter failed');
      },
    };
    let caught: unknown;
    try {
      estimateEventSize(createEvent('t', data, { clock }));
    } catch (error) {
      caught = error;
    }
    expect(FoundationError.is(caught)).toBe(true);
    expect((caught as FoundationError).context).toMatchObject({
      path: 'data',
      rule: 'unreadable data',
    });
  });
});

describe('EventStore over many events', () => {
  it('keeps working as its internal logs compact (thousands of appends and prunes)', () => {
    const store = new EventStore({ clock, maxEvents: 100, maxAgeMs: Infinity });
    const all = Array.from({ length: 5000 }, (_, index) =>
      createEvent(index % 2 ? 'odd' : 'even', index, { clock, correlationId: `c${index % 3}` }),
    );
    for (const event of all) store.append(event);
    expect(store.stats()).toMatchObject({ count: 100, pruned: { count: 4900 } });
    expect(store.query({ limit: Infinity }).events).toEqual(all.slice(-100));
    expect(store.query({ types: ['odd'], limit: Infinity }).events).toEqual(
      all.slice(-100).filter((event) => event.type === 'odd'),
    );
    expect(store.byCorrelation('c1')).toEqual(
      all.slice(-100).filter((e) => e.correlationId === 'c1'),
    );
    expect(store.recent(1)).toEqual([all[4999]]);
  });
});
