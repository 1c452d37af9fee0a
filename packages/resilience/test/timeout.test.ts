import { getEventListeners } from 'node:events';
import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import { timeout } from '../src/index.js';
import { captureChannel, catchError, flush, rejection } from './helpers.js';

/** Waits for the signal to abort, then rejects with its reason. */
function untilAborted({ signal }: { signal: AbortSignal | undefined }): Promise<never> {
  return new Promise((_, reject) => {
    signal!.addEventListener('abort', () => {
      reject(signal!.reason as Error);
    });
  });
}

describe('timeout (cooperative)', () => {
  it('aborts the signal and rejects with 5104 when time is up', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { clock });
    const result = rejection(policy.execute(untilAborted));
    await clock.advanceAsync(99);
    expect(policy.pending).toBe(1);
    await clock.advanceAsync(1);
    const error = (await result) as FoundationError;
    expect(error.code).toBe(5104);
    expect(error.context).toEqual({ timeoutMs: 100 });
    expect(policy.pending).toBe(0);
    expect(policy.strategy).toBe('cooperative');
    expect(policy.timeoutMs).toBe(100);
  });

  it('wraps a different error thrown after the deadline in 5104 with it as cause', async () => {
    const clock = new ManualClock();
    const policy = timeout(50, { clock });
    const result = rejection(
      policy.execute(
        ({ signal }) =>
          new Promise((_, reject) => {
            signal!.addEventListener('abort', () => {
              reject(new Error('socket closed'));
            });
          }),
      ),
    );
    await clock.advanceAsync(50);
    const error = (await result) as FoundationError;
    expect(error.code).toBe(5104);
    expect((error.cause as Error).message).toBe('socket closed');
  });

  it('keeps a value returned after the deadline (the function chose to finish)', async () => {
    const clock = new ManualClock();
    const policy = timeout(10, { clock });
    const result = policy.execute(async ({ signal }) => {
      await clock.sleep(20);
      return signal!.aborted ? 'late but done' : 'on time';
    });
    await clock.advanceAsync(20);
    await expect(result).resolves.toBe('late but done');
  });

  it("tells the caller's abort (5105) from a timeout and removes its listener", async () => {
    const clock = new ManualClock();
    const policy = timeout(1_000, { clock });
    const controller = new AbortController();
    const result = rejection(policy.execute(untilAborted, { signal: controller.signal }));
    await flush();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('user cancelled'));
    const error = (await result) as FoundationError;
    expect(error.code).toBe(5105);
    expect((error.cause as Error).message).toBe('user cancelled');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('refuses a call whose signal already aborted', async () => {
    const error = await rejection(timeout(10).execute(() => 1, { signal: AbortSignal.abort() }));
    expect((error as FoundationError).code).toBe(5105);
  });

  it('passes errors before the deadline through unchanged', async () => {
    const policy = timeout(1_000, { clock: new ManualClock() });
    const original = new Error('own');
    expect(
      await rejection(
        policy.execute(() => {
          throw original;
        }),
      ),
    ).toBe(original);
  });

  it('a signal read after the deadline is already aborted; the attempt passes through', async () => {
    const clock = new ManualClock();
    const policy = timeout(10, { clock });
    let later: AbortSignal | undefined;
    const result = policy.execute(
      async (ctx) => {
        await clock.sleep(15);
        later = ctx.signal;
        return ctx.attempt;
      },
      { attempt: 3 },
    );
    await clock.advanceAsync(15);
    await expect(result).resolves.toBe(3);
    expect(later!.aborted).toBe(true);
    expect((later!.reason as FoundationError).code).toBe(5104);
  });

  it('a signal read after the caller aborted is already aborted', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = timeout(1_000, { clock });
    const result = policy.execute(
      async (ctx) => {
        await clock.sleep(5);
        return ctx.signal!.aborted;
      },
      { signal: controller.signal },
    );
    controller.abort();
    await clock.advanceAsync(5);
    await expect(result).resolves.toBe(true);
  });

  it('uses one clock timer for many calls and fires each at its own deadline', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { clock });
    const first = rejection(policy.execute(untilAborted));
    await clock.advanceAsync(30);
    const second = rejection(policy.execute(untilAborted));
    for (let i = 0; i < 50; i++) await policy.execute(() => i);
    expect(clock.pendingTimers()).toBe(1);
    await clock.advanceAsync(70);
    expect(((await first) as FoundationError).code).toBe(5104);
    expect(policy.pending).toBe(1);
    await clock.advanceAsync(30);
    expect(((await second) as FoundationError).code).toBe(5104);
    await clock.advanceAsync(1_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('publishes on foundation:resilience:timeout', async () => {
    const clock = new ManualClock();
    const policy = timeout(5, { clock });
    const messages = await captureChannel('foundation:resilience:timeout', async () => {
      const result = rejection(policy.execute(untilAborted));
      await clock.advanceAsync(5);
      await result;
    });
    expect(messages).toEqual([{ timeoutMs: 5, strategy: 'cooperative' }]);
  });
});

describe('timeout (aggressive)', () => {
  it('rejects at the deadline without waiting for the function', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { strategy: 'aggressive', clock });
    let seen: AbortSignal | undefined;
    const result = rejection(
      policy.execute(({ signal }) => {
        seen = signal;
        return new Promise(() => undefined);
      }),
    );
    await clock.advanceAsync(100);
    expect(((await result) as FoundationError).code).toBe(5104);
    expect(seen!.aborted).toBe(true);
  });

  it("rejects at once with 5105 on the caller's abort and leaves no listener", async () => {
    const policy = timeout(10_000, { strategy: 'aggressive', clock: new ManualClock() });
    const controller = new AbortController();
    const result = rejection(
      policy.execute(() => new Promise(() => undefined), { signal: controller.signal }),
    );
    controller.abort();
    expect(((await result) as FoundationError).code).toBe(5105);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('returns values and errors of a function that finishes in time', async () => {
    const policy = timeout(10_000, { strategy: 'aggressive', clock: new ManualClock() });
    await expect(policy.execute(() => 'fast')).resolves.toBe('fast');
    const error = await rejection(
      policy.execute(() => {
        throw new Error('sync');
      }),
    );
    expect((error as Error).message).toBe('sync');
    await expect(policy.executeResult(() => 2)).resolves.toEqual({ ok: true, value: 2 });
  });

  it('a late rejection after the deadline is not unhandled', async () => {
    const clock = new ManualClock();
    const policy = timeout(10, { strategy: 'aggressive', clock });
    let rejectLate!: (e: Error) => void;
    const result = rejection(
      policy.execute(() => new Promise((_, reject) => (rejectLate = reject))),
    );
    await clock.advanceAsync(10);
    await result;
    rejectLate(new Error('too late'));
    await flush();
  });
});

describe('timeout options', () => {
  it('refuses invalid options', () => {
    expect(catchError(() => timeout(0)).context.path).toBe('ms');
    expect(catchError(() => timeout(Number.NaN)).context.path).toBe('ms');
    expect(catchError(() => timeout(10, { strategy: 'brutal' as never })).context).toMatchObject({
      path: 'strategy',
      rule: 'must be one of cooperative, aggressive',
    });
  });
});
