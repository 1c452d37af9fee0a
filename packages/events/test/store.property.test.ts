import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import {
  comparePositions,
  createEvent,
  estimateEventSize,
  EventStore,
  type FoundationEvent,
} from '../src/index.js';

type Op =
  | {
      kind: 'append';
      events: { skewMs: number; type: string; correlation: string; size: number }[];
    }
  | { kind: 'advance'; ms: number }
  | { kind: 'pruneBefore'; agoMs: number };

const eventSpec = fc.record({
  skewMs: fc.integer({ min: -300, max: 50 }),
  type: fc.constantFrom('a', 'b', 'c'),
  correlation: fc.constantFrom('x', 'y', 'z', 'w'),
  size: fc.integer({ min: 0, max: 300 }),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(eventSpec, { minLength: 1, maxLength: 3 })
      .map((events) => ({ kind: 'append' as const, events })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 400 }).map((ms) => ({ kind: 'advance' as const, ms })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 500 })
      .map((agoMs) => ({ kind: 'pruneBefore' as const, agoMs })),
  },
);

const bounds = fc.record({
  maxEvents: fc.integer({ min: 1, max: 12 }),
  maxBytes: fc.integer({ min: 700, max: 4000 }),
  maxAgeMs: fc.integer({ min: 100, max: 1000 }),
});

function sorted(events: readonly FoundationEvent[]): boolean {
  return events.every(
    (event, index) => index === 0 || comparePositions(events[index - 1]!, event) < 0,
  );
}

describe('EventStore properties', () => {
  it('never exceeds its bounds and keeps counts and bytes consistent', () => {
    fc.assert(
      fc.property(bounds, fc.array(op, { maxLength: 40 }), (limits, ops) => {
        const clock = new ManualClock();
        const store = new EventStore({ clock, ...limits });
        for (const step of ops) {
          if (step.kind === 'advance') clock.advance(step.ms);
          else if (step.kind === 'pruneBefore') store.pruneBefore(clock.wallMs() - step.agoMs);
          else {
            const batch = step.events.map((spec) => ({
              ...createEvent(spec.type, 'x'.repeat(spec.size), {
                clock,
                correlationId: spec.correlation,
              }),
              wallTime: clock.wallMs() + spec.skewMs,
            }));
            try {
              store.appendBatch(batch);
            } catch {
              // A batch with an event over maxBytes is refused whole; that is checked elsewhere.
            }
          }
          const held = store.query({ limit: Infinity }).events;
          const stats = store.stats();
          expect(stats.count).toBe(held.length);
          expect(stats.count).toBeLessThanOrEqual(limits.maxEvents);
          expect(stats.bytes).toBe(held.reduce((sum, event) => sum + estimateEventSize(event), 0));
          expect(stats.bytes).toBeLessThanOrEqual(limits.maxBytes);
          for (const event of held) {
            expect(event.wallTime).toBeGreaterThanOrEqual(clock.wallMs() - limits.maxAgeMs);
          }
          expect(sorted(held)).toBe(true);
          expect(stats.types).toBe(new Set(held.map((event) => event.type)).size);
          expect(stats.correlations).toBe(new Set(held.map((event) => event.correlationId)).size);
          expect(stats.appended - Object.values(stats.pruned).reduce((a, b) => a + b, 0)).toBe(
            stats.count,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('returns correlations in time order and pages through everything exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(eventSpec, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('asc' as const, 'desc' as const),
        fc.option(fc.subarray(['a', 'b', 'c'], { minLength: 1 }), { nil: undefined }),
        (specs, limit, order, types) => {
          const clock = new ManualClock();
          const store = new EventStore({ clock, maxAgeMs: Infinity });
          for (const spec of specs) {
            store.append({
              ...createEvent(spec.type, spec.size, { clock, correlationId: spec.correlation }),
              wallTime: clock.wallMs() + spec.skewMs,
            });
          }
          for (const correlation of ['x', 'y', 'z', 'w']) {
            const list = store.byCorrelation(correlation);
            expect(sorted(list)).toBe(true);
            expect(list.every((event) => event.correlationId === correlation)).toBe(true);
          }
          const everything = store.query({
            limit: Infinity,
            order,
            ...(types && { types }),
          }).events;
          const paged: FoundationEvent[] = [];
          let cursor: string | undefined;
          do {
            const page = store.query({ limit, order, cursor, ...(types && { types }) });
            expect(page.events.length).toBeLessThanOrEqual(limit);
            paged.push(...page.events);
            cursor = page.nextCursor;
          } while (cursor !== undefined);
          expect(paged).toEqual(everything);
          const expected = store
            .query({ limit: Infinity })
            .events.filter((event) => !types || types.includes(event.type));
          expect(everything).toEqual(order === 'asc' ? expected : [...expected].reverse());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds every held event by id and refuses held ids, whatever order ids arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.oneof(fc.uuid(), fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')),
            skewMs: fc.integer({ min: -100, max: 100 }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 10 }),
        (specs, maxEvents) => {
          const clock = new ManualClock();
          const store = new EventStore({ clock, maxEvents, maxAgeMs: Infinity });
          const appended = new Map<string, FoundationEvent>();
          for (const spec of specs) {
            clock.advance(1);
            const event = {
              ...createEvent('t', null, { clock }),
              id: spec.id,
              wallTime: clock.wallMs() + spec.skewMs,
            };
            if (store.has(spec.id)) {
              expect(() => store.append(event)).toThrow(/already stored/);
              continue;
            }
            store.append(event);
            appended.set(spec.id, event);
          }
          const held = store.query({ limit: Infinity }).events;
          expect(held.length).toBeLessThanOrEqual(maxEvents);
          for (const event of held) expect(store.get(event.id)).toBe(event);
          const heldIds = new Set(held.map((event) => event.id));
          for (const id of appended.keys()) expect(store.has(id)).toBe(heldIds.has(id));
        },
      ),
      { numRuns: 300 },
    );
  });
});
