import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abortReason, assertDelayMs, InvalidInputError, ManualClock } from '../src/index.js';

/** Settles a promise without waiting for it: 'pending', or its outcome once it has one. */
async function peek(promise: Promise<unknown>): Promise<string> {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  return state;
}

const delay = fc.oneof(
  fc.nat({ max: 1000 }),
  fc.double({ min: 0, max: 1000, noNaN: true }),
  fc.constantFrom(0, 100, 250), // ties are where insertion order matters
);

describe('ManualClock readings', () => {
  it('starts at startMs and a 2026-01-01 wall clock by default', () => {
    const clock = new ManualClock();
    expect(clock.nowMs()).toBe(0);
    expect(clock.nowNs()).toBe(0);
    expect(clock.wallMs()).toBe(Date.UTC(2026, 0, 1));

    const custom = new ManualClock({ startMs: 500, wallStartMs: 1_000_000 });
    expect(custom.nowMs()).toBe(500);
    expect(custom.wallMs()).toBe(1_000_000);
    custom.advance(250.5);
    expect(custom.nowMs()).toBe(750.5);
    expect(custom.nowNs()).toBe(750_500_000);
    expect(custom.wallMs()).toBe(1_000_250.5);
  });

  it('moves only the wall clock on setWallMs', () => {
    const clock = new ManualClock();
    clock.advance(10);
    clock.setWallMs(42);
    expect(clock.wallMs()).toBe(42);
    expect(clock.nowMs()).toBe(10);
    clock.advance(5);
    expect(clock.wallMs()).toBe(47);
  });

  it('refuses negative, NaN and infinite delays with a RangeError', () => {
    const clock = new ManualClock();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => clock.setTimeout(() => undefined, bad)).toThrow(RangeError);
      expect(() => clock.setInterval(() => undefined, bad)).toThrow(RangeError);
      expect(() => {
        clock.advance(bad);
      }).toThrow(RangeError);
      expect(() => clock.sleep(bad)).toThrow(RangeError);
    }
    expect(() => clock.setInterval(() => undefined, 0)).toThrow(/interval ms must be > 0/);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('ManualClock timers', () => {
  it('fires timers in (due time, insertion) order, each reading its own due time', () => {
    fc.assert(
      fc.property(
        fc.array(delay, { maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 400, noNaN: true }), { maxLength: 8 }),
        (delays, steps) => {
          const clock = new ManualClock();
          const fired: { index: number; at: number }[] = [];
          delays.forEach((ms, index) => {
            clock.setTimeout(() => fired.push({ index, at: clock.nowMs() }), ms);
          });
          expect(clock.pendingTimers()).toBe(delays.length);
          for (const step of steps) {
            clock.advance(step);
            // Exactly the timers due by now have fired.
            expect(fired).toHaveLength(delays.filter((ms) => ms <= clock.nowMs()).length);
          }
          clock.advance(1000);
          const expected = delays
            .map((ms, index) => ({ index, at: ms }))
            .sort((a, b) => a.at - b.at || a.index - b.index);
          expect(fired).toEqual(expected);
          expect(clock.pendingTimers()).toBe(0);
        },
      ),
    );
  });

  it('never fires a cancelled timer, and cancelling is idempotent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ms: delay, cancel: fc.boolean() }), { maxLength: 40 }),
        (plans) => {
          const clock = new ManualClock();
          const fired: number[] = [];
          const timers = plans.map(({ ms }, index) =>
            clock.setTimeout(() => fired.push(index), ms),
          );
          plans.forEach(({ cancel }, index) => {
            if (cancel) {
              timers[index]!.cancel();
              timers[index]!.cancel();
            }
          });
          clock.advance(1000);
          const kept = plans.flatMap(({ cancel }, index) => (cancel ? [] : [index]));
          expect([...fired].sort((a, b) => a - b)).toEqual(kept);
          // Cancelling after a timer ran changes nothing either.
          for (const timer of timers) timer.cancel();
          expect(clock.pendingTimers()).toBe(0);
        },
      ),
    );
  });

  it('fires a timer scheduled by a callback inside the same advance', () => {
    const clock = new ManualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      log.push(`outer@${clock.nowMs()}`);
      clock.setTimeout(() => log.push(`inner@${clock.nowMs()}`), 5);
      clock.setTimeout(() => log.push(`late@${clock.nowMs()}`), 50);
    }, 10);
    clock.advance(20);
    expect(log).toEqual(['outer@10', 'inner@15']);
    expect(clock.nowMs()).toBe(20);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('repeats intervals at every period until cancelled, also from inside the callback', () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const interval = clock.setInterval(() => ticks.push(clock.nowMs()), 10);
    clock.advance(35);
    expect(ticks).toEqual([10, 20, 30]);
    interval.cancel();
    clock.advance(100);
    expect(ticks).toEqual([10, 20, 30]);

    let count = 0;
    const selfCancelling = clock.setInterval(() => {
      count += 1;
      if (count === 3) selfCancelling.cancel();
    }, 7);
    clock.advance(1000);
    expect(count).toBe(3);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('interleaves intervals and timeouts by due time', () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const interval = clock.setInterval(() => log.push(`i@${clock.nowMs()}`), 10);
    clock.setTimeout(() => log.push(`t@${clock.nowMs()}`), 20);
    clock.setTimeout(() => log.push(`u@${clock.nowMs()}`), 15);
    clock.advance(30);
    // At 20 the timeout was scheduled (at 0) before the interval was re-armed (at 10).
    expect(log).toEqual(['i@10', 'u@15', 't@20', 'i@20', 'i@30']);
    interval.cancel();
  });
});

describe('ManualClock sleep', () => {
  it('resolves once the clock reaches the deadline, not before', async () => {
    const clock = new ManualClock();
    const done = clock.sleep(100);
    clock.advance(99);
    expect(await peek(done)).toBe('pending');
    clock.advance(1);
    expect(await peek(done)).toBe('resolved');
    await done;
  });

  it('rejects with the Error reason on abort and leaves no listener or timer behind', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const done = clock.sleep(100, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(1);
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('wraps a non-Error abort reason in an AbortError that keeps it as cause', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const done = clock.sleep(100, controller.signal);
    controller.abort('just because');
    const error: unknown = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect((error as DOMException).cause).toBe('just because');
  });

  it('rejects at once when the signal has already aborted, scheduling nothing', async () => {
    const clock = new ManualClock();
    const signal = AbortSignal.abort(new Error('too late'));
    const done = clock.sleep(100, signal);
    expect(clock.pendingTimers()).toBe(0);
    await expect(done).rejects.toThrow('too late');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('removes its abort listener when it completes normally', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeps = [clock.sleep(10, controller.signal), clock.sleep(20, controller.signal)];
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(2);
    clock.advance(20);
    await Promise.all(sleeps);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Aborting afterwards is harmless.
    controller.abort();
  });
});

describe('ManualClock.advanceAsync and runAllAsync', () => {
  async function chain(clock: ManualClock, steps: number[]): Promise<number> {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(10);
      steps.push(clock.nowMs());
    }
    return clock.nowMs();
  }

  it('lets chained sleeps run inside the window', async () => {
    const clock = new ManualClock();
    const steps: number[] = [];
    const done = chain(clock, steps);
    await clock.advanceAsync(30);
    expect(steps).toEqual([10, 20, 30]);
    expect(await done).toBe(30);
    expect(clock.nowMs()).toBe(30);
  });

  it('unlike advance, which only fires what was already scheduled', async () => {
    const clock = new ManualClock();
    const steps: number[] = [];
    const done = chain(clock, steps);
    clock.advance(30);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(steps).toEqual([30]); // the first sleep resumed after the clock had reached 30
    await clock.advanceAsync(20);
    expect(await done).toBe(50);
  });

  it('runAllAsync fires every timer, moving time to each', async () => {
    const clock = new ManualClock();
    const steps: number[] = [];
    const done = chain(clock, steps);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.nowMs()), 1000);
    await clock.runAllAsync();
    expect(steps).toEqual([10, 20, 30]);
    expect(fired).toEqual([1000]);
    expect(clock.nowMs()).toBe(1000);
    expect(await done).toBe(30);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runAllAsync gives up on endless intervals', async () => {
    const clock = new ManualClock();
    const interval = clock.setInterval(() => undefined, 5);
    await expect(clock.runAllAsync(50)).rejects.toThrow(RangeError);
    expect(clock.nowMs()).toBe(250);
    interval.cancel();
  });
});

describe('assertDelayMs and abortReason', () => {
  it('accepts finite non-negative delays and names the option in its error', () => {
    expect(() => {
      assertDelayMs(0);
      assertDelayMs(1.5);
      assertDelayMs(2 ** 40);
    }).not.toThrow();
    expect(() => {
      assertDelayMs(-1, 'timeoutMs');
    }).toThrow(/^timeoutMs must be a finite number >= 0, got -1$/);
    expect(() => {
      assertDelayMs('5' as unknown as number);
    }).toThrow(RangeError);
  });

  it('returns an Error reason as is and wraps anything else', () => {
    const reason = new TypeError('boom');
    expect(abortReason(AbortSignal.abort(reason))).toBe(reason);
    const wrapped = abortReason(AbortSignal.abort(42));
    expect(wrapped.name).toBe('AbortError');
    expect(wrapped.cause).toBe(42);
    // The default reason of abort() is itself an AbortError DOMException (an Error).
    expect(abortReason(AbortSignal.abort()).name).toBe('AbortError');
  });
});

describe('ManualClock options', () => {
  it('refuses start times that are not finite numbers, naming the option', () => {
    for (const [options, path] of [
      [{ startMs: '5' }, 'options.startMs'],
      [{ wallStartMs: Number.NaN }, 'options.wallStartMs'],
      [null, 'options'],
    ] as const) {
      expect(() => new ManualClock(options as never)).toThrow(InvalidInputError);
      try {
        new ManualClock(options as never);
      } catch (error) {
        expect((error as InvalidInputError).path).toBe(path);
      }
    }
  });
});
