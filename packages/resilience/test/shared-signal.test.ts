import { getEventListeners } from 'node:events';
import { ManualClock } from '@foundation/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bulkhead, timeout } from '../src/index.js';
import { flush } from './helpers.js';

// A queue of calls sharing one caller signal must hold one listener on it (linear cost, no
// MaxListenersExceededWarning), and still end every call when it aborts.
const CALLS = 5_000;
let warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

describe('a caller signal shared by many queued calls', () => {
  it('bulkhead: one listener on the signal for the whole queue, every waiter ended on abort', async () => {
    const policy = bulkhead({ concurrency: 1, queue: CALLS });
    const controller = new AbortController();
    const { signal } = controller;
    let release!: () => void;
    const running = policy.execute(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = Array.from({ length: CALLS }, () =>
      policy
        .execute(() => 'ran', { signal })
        .then(
          () => 'ran',
          (error: unknown) => (error as { code: number }).code,
        ),
    );
    expect(policy.queued).toBe(CALLS);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(new Set(await Promise.all(queued))).toEqual(new Set([5105]));
    expect(policy.queued).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    release();
    await running;
    await flush();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('bulkhead: the listener goes when the last waiter leaves the queue normally', async () => {
    const policy = bulkhead({ concurrency: 1, queue: 100 });
    const { signal } = new AbortController();
    let release!: () => void;
    const running = policy.execute(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = Array.from({ length: 100 }, (_, i) => policy.execute(() => i, { signal }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    release();
    await running;
    expect(await Promise.all(queued)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('timeout: one listener on the signal for every pending call, each aborted with 5105', async () => {
    const clock = new ManualClock();
    const policy = timeout(60_000, { clock });
    const controller = new AbortController();
    const { signal } = controller;
    const seen: AbortSignal[] = [];
    const calls = Array.from({ length: CALLS }, () =>
      policy
        .execute(
          (context) =>
            new Promise<void>((_resolve, reject) => {
              const own = context.signal!;
              seen.push(own);
              own.addEventListener(
                'abort',
                () => {
                  reject(own.reason as Error);
                },
                { once: true },
              );
            }),
          { signal },
        )
        .catch((error: unknown) => (error as { code: number }).code),
    );
    expect(policy.pending).toBe(CALLS);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(new Set(await Promise.all(calls))).toEqual(new Set([5105]));
    expect(seen.every((own) => own.aborted)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(policy.pending).toBe(0);
    await flush();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('timeout (aggressive): calls finishing normally leave no listener behind', async () => {
    const policy = timeout(60_000, { strategy: 'aggressive', clock: new ManualClock() });
    const { signal } = new AbortController();
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => policy.execute(() => i, { signal })),
    );
    expect(results[999]).toBe(999);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
