import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { createEvent, EventStore } from '../src/index.js';

// Correlations held by one event are kept apart from those held by several (no log per lone
// event); these check that both kinds, and the moves between them, answer like a plain filter.
describe('EventStore correlation index', () => {
  it('answers correlation lookups like a filter over the held events, through pruning', () => {
    const spec = fc.record({
      correlation: fc.constantFrom('lone-1', 'lone-2', 'pair', 'many', 'many'),
      skewMs: fc.integer({ min: -20, max: 20 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(spec, { minLength: 1, maxLength: 40 }),
        (maxEvents, specs) => {
          const clock = new ManualClock();
          const store = new EventStore({ clock, maxEvents, maxAgeMs: Infinity });
          for (const { correlation, skewMs } of specs) {
            clock.advance(5);
            store.append({
              ...createEvent('t', { n: 1 }, { clock, correlationId: correlation }),
              wallTime: clock.wallMs() + skewMs,
            });
            const held = store.query({ limit: Infinity }).events;
            for (const id of ['lone-1', 'lone-2', 'pair', 'many', 'absent']) {
              const expected = held.filter((event) => event.correlationId === id);
              expect(store.byCorrelation(id)).toEqual(expected);
              expect(store.query({ correlationId: id, limit: Infinity }).events).toEqual(expected);
              expect(
                store.query({ correlationId: id, order: 'desc', limit: Infinity }).events,
              ).toEqual([...expected].reverse());
            }
            expect(store.stats().correlations).toBe(
              new Set(held.map((event) => event.correlationId)).size,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps a correlation of one event findable until it is pruned, then forgets it', () => {
    const store = new EventStore({ maxEvents: 2 });
    const first = store.append(createEvent('t', 1));
    const second = store.append(createEvent('t', 2));
    expect(store.byCorrelation(first.correlationId)).toEqual([first]);
    expect(store.query({ correlationId: second.correlationId }).events).toEqual([second]);
    store.append(createEvent('t', 3));
    expect(store.byCorrelation(first.correlationId)).toEqual([]);
    expect(store.stats().correlations).toBe(2);
  });
});
