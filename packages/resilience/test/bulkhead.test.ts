import { getEventListeners } from 'node:events';
import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import { bulkhead } from '../src/index.js';
import { captureChannel, catchError, flush, rejection } from './helpers.js';

/** A call that stays running until released. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { fn: () => done.then(() => 'released'), release };
}

describe('bulkhead', () => {
  it('runs up to `concurrency` calls and queues the rest in FIFO order', async () => {
    const policy = bulkhead({ concurrency: 2, queue: 2 });
    const gates = [gate(), gate()];
    const running = gates.map((g) => policy.execute(g.fn));
    const order: number[] = [];
    const queued = [1, 2].map((n) => policy.execute(() => order.push(n)));
    expect(policy.running).toBe(2);
    expect(policy.queued).toBe(2);
    const refused = (await rejection(policy.execute(() => 'x'))) as FoundationError;
    expect(refused.code).toBe(5103);
    expect(refused.context).toEqual({ reason: 'queue_full', concurrency: 2, queue: 2 });
    gates[0]!.release();
    await Promise.all(queued.slice(0, 1));
    gates[1]!.release();
    await Promise.all([...running, ...queued]);
    expect(order).toEqual([1, 2]);
    expect(policy.running).toBe(0);
    expect(policy.queued).toBe(0);
  });

  it('refuses a wait longer than queueTimeoutMs', async () => {
    const clock = new ManualClock();
    const policy = bulkhead({ concurrency: 1, queue: 1, queueTimeoutMs: 100, clock });
    const busy = gate();
    const running = policy.execute(busy.fn);
    const waiting = rejection(policy.execute(() => 'late'));
    await clock.advanceAsync(100);
    const error = (await waiting) as FoundationError;
    expect(error.context).toMatchObject({ reason: 'queue_timeout', queueTimeoutMs: 100 });
    expect(policy.queued).toBe(0);
    busy.release();
    await running;
    expect(policy.running).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a waiting call leaves the queue at once when its signal aborts, with no listener left', async () => {
    const clock = new ManualClock();
    const policy = bulkhead({ concurrency: 1, queue: 5, queueTimeoutMs: 1_000, clock });
    const busy = gate();
    const running = policy.execute(busy.fn);
    const controller = new AbortController();
    const waiting = rejection(policy.execute(() => 'never', { signal: controller.signal }));
    const after = policy.execute(() => 'after');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(((await waiting) as FoundationError).code).toBe(5105);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(policy.queued).toBe(1);
    busy.release();
    await expect(after).resolves.toBe('after');
    await running;
    expect(clock.pendingTimers()).toBe(0);
  });

  it('with no queue, refuses at once; frees the slot when the call throws', async () => {
    const policy = bulkhead({ concurrency: 1 });
    const busy = gate();
    const running = policy.execute(busy.fn);
    const result = await policy.executeResult(() => 'x');
    expect(!result.ok && (result.error as FoundationError).code).toBe(5103);
    busy.release();
    await running;
    await rejection(
      policy.execute(() => {
        throw new Error('x');
      }),
    );
    await expect(policy.executeResult(() => 3)).resolves.toEqual({ ok: true, value: 3 });
  });

  it('publishes refusals on foundation:resilience:bulkhead', async () => {
    const policy = bulkhead({ concurrency: 1 });
    const busy = gate();
    const running = policy.execute(busy.fn);
    const messages = await captureChannel('foundation:resilience:bulkhead', () =>
      rejection(policy.execute(() => 1)),
    );
    expect(messages).toEqual([{ reason: 'queue_full', running: 1, queued: 0 }]);
    busy.release();
    await running;
  });

  it('never runs more than `concurrency` at once under a storm of calls', async () => {
    const policy = bulkhead({ concurrency: 3, queue: 1_000 });
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 200 }, () =>
        policy.execute(async () => {
          active++;
          peak = Math.max(peak, active);
          await flush();
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('refuses invalid options', () => {
    expect(catchError(() => bulkhead({ concurrency: 0 })).context.path).toBe('concurrency');
    expect(catchError(() => bulkhead(undefined as never)).context.path).toBe('concurrency');
    expect(catchError(() => bulkhead({ concurrency: 1, queue: -1 })).context.path).toBe('queue');
    expect(catchError(() => bulkhead({ concurrency: 1, queueTimeoutMs: 0 })).context.path).toBe(
      'queueTimeoutMs',
    );
  });
});
