import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import {
  createEvent,
  deserialize,
  EventStore,
  serialize,
  type FoundationEvent,
} from '../src/index.js';
import { failure } from './failure.js';

const clock = new ManualClock();

describe('append refuses events that throw while being checked', () => {
  it('a throwing getter, a Proxy trap or a throwing validator is a 3203 naming the event', () => {
    const good = createEvent('ok', null, { clock });
    const getter = Object.defineProperty({ ...good }, 'type', {
      get() {
        throw new Error('getter boom');
      },
      enumerable: true,
    }) as FoundationEvent;
    const proxy = new Proxy(good, {
      get() {
        throw new TypeError('trap boom');
      },
    });
    for (const hostile of [getter, proxy]) {
      const store = new EventStore({ clock });
      const single = failure(() => store.append(hostile));
      expect(single).toMatchObject({ code: 3203, context: { path: 'event' } });
      const batch = failure(() => store.appendBatch([good, hostile]));
      expect(batch).toMatchObject({ code: 3203, context: { path: 'events[1]' } });
      expect(store.stats().count).toBe(0);
    }
    const throwing = new EventStore({
      clock,
      validator: {
        validate: () => {
          throw new RangeError('validator boom');
        },
      },
    });
    expect(failure(() => throwing.append(good))).toMatchObject({
      code: 3203,
      context: { path: 'event' },
    });
  });
});

describe('event times outside what a clock or a Date can hold are refused', () => {
  it('in the store and in decoding', () => {
    const good = createEvent('ok', null, { clock });
    const store = new EventStore({ clock });
    for (const [field, value] of [
      ['wallTime', 1e308],
      ['wallTime', -1e308],
      ['wallTime', 8.64e15 + 1],
      ['timestampNs', -1],
    ] as const) {
      const bad = { ...good, [field]: value } as FoundationEvent;
      expect(failure(() => store.append(bad))).toMatchObject({
        code: 3203,
        context: { path: `event.${field}` },
      });
      const json = JSON.parse(Buffer.from(serialize(good)).toString('utf8')) as Record<
        string,
        unknown
      >;
      json[field] = value;
      expect(failure(() => deserialize(JSON.stringify(json)))).toMatchObject({
        code: 3102,
        context: { path: field },
      });
    }
  });
});

describe('re-entrant appends', () => {
  it('are delivered in append order: every listener sees a cause before its effect', () => {
    const store = new EventStore({ clock });
    const seenByFirst: string[] = [];
    const seenBySecond: string[] = [];
    store.subscribe({}, (event) => {
      seenByFirst.push(event.type);
      if (event.type === 'cause') store.append(createEvent('effect', null, { clock }));
    });
    store.subscribe({}, (event) => seenBySecond.push(event.type));
    store.append(createEvent('cause', null, { clock }));
    expect(seenByFirst).toEqual(['cause', 'effect']);
    expect(seenBySecond).toEqual(['cause', 'effect']);
  });

  it('do not announce events pruned before their turn came', () => {
    const store = new EventStore({ clock, maxEvents: 1 });
    const seen: string[] = [];
    store.subscribe({}, (event) => {
      seen.push(event.type);
      if (event.type === 'first') {
        store.append(createEvent('second', null, { clock }));
        store.append(createEvent('third', null, { clock })); // prunes 'second'
      }
    });
    store.append(createEvent('first', null, { clock }));
    expect(seen).toEqual(['first', 'third']);
  });
});
