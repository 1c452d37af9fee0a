import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  planRestart,
  restartDelayMs,
  restartWanted,
  type PlannedChild,
} from '../../src/supervision/restart-plan.js';
import type { RestartType, SupervisorStrategy } from '../../src/index.js';

const child = (id: string, restart: RestartType = 'permanent', live = true): PlannedChild => ({
  id,
  restart,
  live,
});

describe('restart planning (pure)', () => {
  it('restarts by restart type: permanent always, transient on a crash, temporary never', () => {
    expect(restartWanted('permanent', 'normal')).toBe(true);
    expect(restartWanted('transient', 'crash')).toBe(true);
    expect(restartWanted('transient', 'normal')).toBe(false);
    expect(restartWanted('temporary', 'crash')).toBe(false);
  });

  it('one_for_one restarts only the failed child', () => {
    const children = [child('a'), child('b', 'permanent', false), child('c')];
    expect(planRestart('one_for_one', children, 'b', 0)).toEqual({
      stop: [],
      drop: [],
      restart: ['b'],
      delayMs: 0,
    });
  });

  it('one_for_all stops the live siblings in reverse, drops temporary ones, restarts in order', () => {
    const children = [
      child('a'),
      child('t', 'temporary'),
      child('b', 'permanent', false),
      child('c'),
    ];
    expect(planRestart('one_for_all', children, 'b', 250)).toEqual({
      stop: ['c', 't', 'a'],
      drop: ['t'],
      restart: ['a', 'b', 'c'],
      delayMs: 250,
    });
  });

  it('rest_for_one takes the failed child and the live ones after it', () => {
    const children = [
      child('a'),
      child('b', 'permanent', false),
      child('c'),
      child('d', 'transient', false),
    ];
    expect(planRestart('rest_for_one', children, 'b', 0)).toEqual({
      stop: ['c'],
      drop: [],
      restart: ['b', 'c'],
      delayMs: 0,
    });
  });

  it('for any children and strategy: the failed child restarts, order is kept, stops are reversed', () => {
    const restartType = fc.constantFrom<RestartType>('permanent', 'transient', 'temporary');
    const strategy = fc.constantFrom<SupervisorStrategy>(
      'one_for_one',
      'one_for_all',
      'rest_for_one',
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ restart: restartType, live: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        strategy,
        (specs, pick, chosen) => {
          const children = specs.map((spec, index) => ({ ...spec, id: `c${index}` }));
          const failed = children[pick % children.length]!;
          const failedId = failed.id;
          const plan = planRestart(chosen, children, failedId, 0);
          const order = children.map((c) => c.id);
          const inOrder = (ids: readonly string[]) =>
            ids.every((id, i) => i === 0 || order.indexOf(ids[i - 1]!) < order.indexOf(id));
          expect(plan.restart).toContain(failedId);
          expect(plan.stop).not.toContain(failedId);
          expect(inOrder(plan.restart)).toBe(true);
          expect(inOrder([...plan.stop].reverse())).toBe(true);
          for (const id of plan.stop) expect(children.find((c) => c.id === id)!.live).toBe(true);
          for (const id of plan.drop) {
            expect(plan.stop).toContain(id);
            expect(plan.restart).not.toContain(id);
          }
          if (chosen === 'one_for_one') expect(plan.restart).toEqual([failedId]);
          if (chosen === 'rest_for_one') {
            for (const id of [...plan.restart, ...plan.stop]) {
              expect(order.indexOf(id)).toBeGreaterThanOrEqual(order.indexOf(failedId));
            }
          }
        },
      ),
    );
  });

  it('the delay is the backoff for the n-th restart, never negative or non-finite', () => {
    expect(restartDelayMs(undefined, 3, 0)).toBe(0);
    expect(restartDelayMs((n, previous) => n * 100 + previous, 2, 50)).toBe(250);
    expect(restartDelayMs(() => -1, 1, 0)).toBe(0);
    expect(restartDelayMs(() => Number.POSITIVE_INFINITY, 1, 0)).toBe(0);
  });
});
