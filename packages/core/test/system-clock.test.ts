import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/index.js';

/** Timers that keep the event loop (and so the process) alive. */
function refedTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('systemClock readings', () => {
  it('reads monotonic time in ms and ns from one origin, and wall time from Date', () => {
    const ms1 = systemClock.nowMs();
    const ns = systemClock.nowNs();
    const ms2 = systemClock.nowMs();
    expect(ms2).toBeGreaterThanOrEqual(ms1);
    expect(Number.isInteger(ns)).toBe(true);
    expect(ns / 1e6).toBeGreaterThanOrEqual(ms1 - 0.001);
    expect(ns / 1e6).toBeLessThanOrEqual(ms2 + 0.001);
    const wall = systemClock.wallMs();
    expect(Math.abs(wall - Date.now())).toBeLessThan(1000);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(systemClock)).toBe(true);
  });
});

describe('systemClock sleep', () => {
  it('waits for a short real delay', async () => {
    const start = systemClock.nowMs();
    await systemClock.sleep(2);
    // Node may fire up to a millisecond early by performance.now(); never much sooner.
    expect(systemClock.nowMs() - start).toBeGreaterThanOrEqual(1);
  });

  it('rejects on abort without waiting the delay, leaving no listener', async () => {
    const controller = new AbortController();
    const start = systemClock.nowMs();
    const done = systemClock.sleep(60_000, controller.signal);
    setImmediate(() => {
      controller.abort(new Error('cancelled'));
    });
    await expect(done).rejects.toThrow('cancelled');
    expect(systemClock.nowMs() - start).toBeLessThan(1000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once for an already-aborted signal', async () => {
    const signal = AbortSignal.abort(new Error('already'));
    await expect(systemClock.sleep(60_000, signal)).rejects.toThrow('already');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('removes the abort listener after a normal wake-up', async () => {
    const controller = new AbortController();
    await systemClock.sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('refuses bad delays with a RangeError', () => {
    expect(() => systemClock.sleep(-5)).toThrow(RangeError);
    expect(() => systemClock.setTimeout(() => undefined, Number.NaN)).toThrow(RangeError);
    expect(() => systemClock.setInterval(() => undefined, Number.POSITIVE_INFINITY)).toThrow(
      RangeError,
    );
    expect(() => systemClock.setInterval(() => undefined, 0)).toThrow(RangeError);
  });
});

describe('systemClock timers', () => {
  it('runs a timeout once, and not at all when cancelled', async () => {
    const fired: string[] = [];
    const cancelled = systemClock.setTimeout(() => fired.push('cancelled'), 1);
    cancelled.cancel();
    await new Promise<void>((resolve) => {
      systemClock.setTimeout(() => {
        fired.push('kept');
        resolve();
      }, 1);
    });
    await systemClock.sleep(2);
    expect(fired).toEqual(['kept']);
  });

  it('repeats an interval until cancelled', async () => {
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const interval = systemClock.setInterval(() => {
        ticks += 1;
        if (ticks === 3) {
          interval.cancel();
          resolve();
        }
      }, 1);
    });
    await systemClock.sleep(3);
    expect(ticks).toBe(3);
  });

  it('never keeps the process alive with a timer (they are unref’d)', () => {
    const before = refedTimers();
    // Sanity check that the probe sees an ordinary (ref'd) timer.
    const native = setTimeout(() => undefined, 60_000);
    expect(refedTimers()).toBe(before + 1);
    clearTimeout(native);
    expect(refedTimers()).toBe(before);

    const timeout = systemClock.setTimeout(() => undefined, 60_000);
    const interval = systemClock.setInterval(() => undefined, 60_000);
    const longTimeout = systemClock.setTimeout(() => undefined, 2 ** 33);
    const longInterval = systemClock.setInterval(() => undefined, 2 ** 33);
    expect(refedTimers()).toBe(before);

    timeout.cancel();
    interval.cancel();
    longTimeout.cancel();
    longInterval.cancel();
  });

  it('keeps the process alive while a sleep is awaited, and not once it is aborted', async () => {
    const before = refedTimers();
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal).catch(() => 'aborted');
    // Someone awaits this sleep: exiting underneath them would skip the code after the await.
    expect(refedTimers()).toBe(before + 1);
    controller.abort();
    await expect(sleeping).resolves.toBe('aborted');
    expect(refedTimers()).toBe(before);
  });
});

describe('systemClock delays beyond what a Node timer holds', () => {
  const MAX = 2 ** 31 - 1;

  afterEach(() => {
    vi.useRealTimers();
  });

  it('chains a long timeout instead of letting it overflow and fire at once', () => {
    vi.useFakeTimers();
    let fired = 0;
    systemClock.setTimeout(() => (fired += 1), MAX + 1000);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(MAX - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(10 * MAX);
    expect(fired).toBe(1);
  });

  it('cancels a long timeout in any leg of the chain', () => {
    vi.useFakeTimers();
    let fired = 0;
    const timer = systemClock.setTimeout(() => (fired += 1), 3 * MAX);
    vi.advanceTimersByTime(MAX + 5);
    timer.cancel();
    vi.advanceTimersByTime(5 * MAX);
    expect(fired).toBe(0);
  });

  it('repeats a long interval at its full period until cancelled', () => {
    vi.useFakeTimers();
    const period = MAX + 500;
    let fired = 0;
    const interval = systemClock.setInterval(() => (fired += 1), period);
    vi.advanceTimersByTime(period - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(period);
    expect(fired).toBe(2);
    interval.cancel();
    vi.advanceTimersByTime(3 * period);
    expect(fired).toBe(2);
  });
});
