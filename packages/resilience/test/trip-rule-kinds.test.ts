import { ManualClock } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import { circuitBreaker, defineTripRule, type Tracker, type TripRuleKind } from '../src/index.js';
import { catchError } from './helpers.js';

/** Trips when `failures` failures fall within `withinMs` (a time-based rule of the user's own). */
interface BurstRule {
  readonly kind: 'test_burst';
  readonly failures: number;
  readonly withinMs: number;
}

function burstTracker(rule: BurstRule): Tracker {
  let times: number[] = [];
  return {
    record(failure, nowMs) {
      times = times.filter((t) => nowMs - t < rule.withinMs);
      if (failure) times.push(nowMs);
      return times.length >= rule.failures;
    },
    reset() {
      times = [];
    },
    window: () => ({ calls: times.length, failures: times.length }),
    save: (nowMs) => ({ ages: times.map((t) => nowMs - t) }),
    load(data, nowMs) {
      const ages = (data as { ages?: unknown } | null)?.ages;
      if (!Array.isArray(ages) || !ages.every((a) => typeof a === 'number')) return false;
      times = ages.map((age) => nowMs - age);
      return true;
    },
  };
}

const burst: TripRuleKind<BurstRule> = defineTripRule<BurstRule>({
  kind: 'test_burst',
  needsTime: true,
  validate: (rule) => {
    const { failures, withinMs } = rule;
    if (typeof failures !== 'number' || typeof withinMs !== 'number') {
      throw new TypeError('test_burst needs failures and withinMs');
    }
    return Object.freeze({ kind: 'test_burst', failures, withinMs });
  },
  createTracker: burstTracker,
});

const boom = () => Promise.reject(new Error('boom'));

describe('trip rules as descriptors in one table', () => {
  it('a user-defined kind trips a breaker, and its needsTime makes the breaker read the clock', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      clock,
      trip: { kind: 'test_burst', failures: 3, withinMs: 1_000 },
    });
    await breaker.executeResult(boom);
    await breaker.executeResult(boom);
    clock.advance(1_000); // the first two fall out of the window: time moves for this rule
    await breaker.executeResult(boom);
    await breaker.executeResult(boom);
    expect(breaker.state).toBe('closed');
    await breaker.executeResult(boom);
    expect(breaker.state).toBe('open');
  });

  it('a snapshot of a user-defined rule restores its window', async () => {
    const clock = new ManualClock();
    const trip = { kind: 'test_burst', failures: 3, withinMs: 1_000 };
    const first = circuitBreaker({ clock, trip });
    await first.executeResult(boom);
    await first.executeResult(boom);
    const second = circuitBreaker({ clock, trip });
    second.restore(JSON.parse(JSON.stringify(first.snapshot())));
    expect(second.stats().window).toMatchObject({ calls: 2, failures: 2 });
    await second.executeResult(boom);
    expect(second.state).toBe('open');
  });

  it('refuses malformed descriptors, a taken name and unknown kinds, listing the defined ones', () => {
    const valid = {
      kind: 'x_ok',
      needsTime: false,
      validate: () => ({ kind: 'x_ok' }),
      createTracker: () => burstTracker({ kind: 'test_burst', failures: 1, withinMs: 1 }),
    };
    const cases: [unknown, string][] = [
      [null, 'kind'],
      [{ ...valid, kind: '' }, 'kind.kind'],
      [{ ...valid, kind: '__proto__' }, 'kind.kind'],
      [{ ...valid, validate: 1 }, 'kind.validate'],
      [{ ...valid, createTracker: undefined }, 'kind.createTracker'],
      [{ ...valid, needsTime: 'yes' }, 'kind.needsTime'],
      [{ ...valid, kind: 'consecutive' }, 'kind.kind'],
      [{ ...burst }, 'kind.kind'],
    ];
    for (const [descriptor, path] of cases) {
      const error = catchError(() => defineTripRule(descriptor as never));
      expect(error.code, path).toBe(3204);
      expect(error.context).toMatchObject({ path });
    }
    expect(defineTripRule(burst)).toBe(burst); // the same descriptor again is fine
    const unknown = catchError(() => circuitBreaker({ trip: { kind: 'nope' } }));
    expect(unknown.context).toMatchObject({ path: 'trip.kind' });
    expect(unknown.message).toContain('consecutive, count_window, time_window');
    expect(unknown.message).toContain('test_burst');
  });

  it('a validate that changes the kind is refused', () => {
    defineTripRule({
      kind: 'x_shifty',
      needsTime: false,
      validate: () => ({ kind: 'consecutive', failures: 1 }),
      createTracker: () => burstTracker({ kind: 'test_burst', failures: 1, withinMs: 1 }),
    });
    const error = catchError(() => circuitBreaker({ trip: { kind: 'x_shifty' } }));
    expect(error.context).toMatchObject({ path: 'trip.kind' });
  });
});
