import { ManualClock } from '@foundation/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { circuitBreaker, consecutive, countWindow, type BreakerState } from '../src/index.js';

type Command =
  | { type: 'call'; fails: boolean }
  | { type: 'advance'; ms: number }
  | { type: 'isolate' }
  | { type: 'reset' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('call' as const), fails: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 1_500 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'isolate' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'reset' as const }) },
);

/** The transitions the state machine allows, with their reasons. */
const ALLOWED = new Set([
  'closed>open:tripped',
  'open>half_open:open_elapsed',
  'half_open>open:probe_failed',
  'half_open>closed:probes_succeeded',
  'closed>isolated:isolated',
  'open>isolated:isolated',
  'half_open>isolated:isolated',
  'open>closed:reset',
  'half_open>closed:reset',
  'isolated>closed:reset',
]);

describe('circuitBreaker state machine (property)', () => {
  it('follows a reference model of consecutive(n) with sequential calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(command, { maxLength: 60 }),
        async (threshold, openMs, commands) => {
          const clock = new ManualClock();
          const breaker = circuitBreaker({ trip: consecutive(threshold), openMs, clock });
          const seen: string[] = [];
          breaker.onStateChange(({ from, to, reason }) => seen.push(`${from}>${to}:${reason}`));
          // The model.
          let state: BreakerState = 'closed';
          let failures = 0;
          let openUntil = 0;
          for (const c of commands) {
            if (c.type === 'advance') clock.advance(c.ms);
            else if (c.type === 'isolate') state = 'isolated';
            else if (c.type === 'reset') {
              state = 'closed';
              failures = 0;
            } else {
              if (state === 'open' && clock.nowMs() >= openUntil) state = 'half_open';
              const admitted = state === 'closed' || state === 'half_open';
              const outcome = await breaker
                .execute(() => {
                  if (c.fails) throw new Error('f');
                  return 'ok';
                })
                .then(
                  () => 'ok',
                  (e: unknown) => ((e as { code?: number }).code === 5101 ? 'refused' : 'failed'),
                );
              expect(outcome).toBe(admitted ? (c.fails ? 'failed' : 'ok') : 'refused');
              if (admitted) {
                if (state === 'half_open') {
                  state = c.fails ? 'open' : 'closed';
                  failures = 0;
                } else if (c.fails) {
                  failures++;
                  if (failures >= threshold) {
                    state = 'open';
                    failures = 0;
                  }
                } else failures = 0;
                if (state === 'open') openUntil = clock.nowMs() + openMs;
              }
            }
            if (c.type === 'isolate') breaker.isolate();
            if (c.type === 'reset') breaker.reset();
          }
          if (state === 'open' && clock.nowMs() >= openUntil) state = 'half_open';
          expect(breaker.state).toBe(state);
          for (const transition of seen) expect(ALLOWED.has(transition)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a count window trips exactly when minCalls and the failure rate are reached', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        async (size, rate, outcomes) => {
          const minCalls = Math.max(1, Math.floor(size / 2));
          const breaker = circuitBreaker({
            trip: countWindow(size, rate, minCalls),
            clock: new ManualClock(),
          });
          const window: boolean[] = [];
          for (const fails of outcomes) {
            await breaker
              .execute(() => {
                if (fails) throw new Error('f');
              })
              .catch(() => undefined);
            window.push(fails);
            if (window.length > size) window.shift();
            const failed = window.filter(Boolean).length;
            const shouldTrip = fails && window.length >= minCalls && failed >= rate * window.length;
            expect(breaker.state).toBe(shouldTrip ? 'open' : 'closed');
            if (shouldTrip) return;
          }
        },
      ),
    );
  });
});
