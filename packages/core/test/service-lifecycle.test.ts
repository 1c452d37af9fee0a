import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HEALTH_SEVERITY,
  LifecycleError,
  ManualClock,
  ServiceLifecycle,
  stopInReverse,
  stopWithin,
  TIMED_OUT,
  within,
  worstHealth,
  type LifecycleHooks,
} from '../src/index.js';
import { flush, rejection } from './helpers.js';

/**
 * Hooks whose start and stop finish when the test says so, recording what ran and whether two
 * hooks ever ran at once.
 */
function gatedHooks(overrides: Partial<LifecycleHooks> = {}) {
  const journal: string[] = [];
  let active = 0;
  let overlapped = false;
  const gates: { start: (() => void)[]; stop: (() => void)[] } = { start: [], stop: [] };
  const signals: AbortSignal[] = [];
  const gate = (kind: 'start' | 'stop') =>
    new Promise<void>((resolve) => {
      gates[kind].push(resolve);
    });
  const hooks: LifecycleHooks = {
    start: async (signal) => {
      signals.push(signal);
      if (active++ > 0) overlapped = true;
      journal.push('start');
      try {
        await gate('start');
        signal.throwIfAborted();
      } finally {
        active--;
      }
      journal.push('started');
    },
    stop: async () => {
      if (active++ > 0) overlapped = true;
      journal.push('stop');
      try {
        await gate('stop');
      } finally {
        active--;
      }
      journal.push('stopped');
    },
    ...overrides,
  };
  return {
    hooks,
    journal,
    signals,
    overlapped: () => overlapped,
    open: (kind: 'start' | 'stop') => {
      for (const resolve of gates[kind].splice(0)) resolve();
    },
  };
}

/** A lifecycle on gated hooks, started through its gate. */
async function runningGated(overrides: Partial<LifecycleHooks> = {}) {
  const gated = gatedHooks(overrides);
  const lifecycle = new ServiceLifecycle('svc', gated.hooks);
  const starting = lifecycle.start();
  await flush();
  gated.open('start');
  await starting;
  return { gated, lifecycle };
}

/** Hooks that finish at once. */
function instantHooks(journal: string[] = []): LifecycleHooks {
  return {
    start: () => void journal.push('start'),
    stop: () => void journal.push('stop'),
  };
}

describe('ServiceLifecycle: start and stop', () => {
  it('starts idle, runs, stops, and starts afresh', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', instantHooks(journal));
    expect(lifecycle.state).toBe('idle');
    const starting = lifecycle.start();
    expect(lifecycle.state).toBe('starting');
    await starting;
    expect(lifecycle.state).toBe('running');
    const firstRun = lifecycle.signal;
    await lifecycle.stop();
    expect(lifecycle.state).toBe('stopped');
    expect(firstRun.aborted).toBe(true);
    await lifecycle.start();
    expect(lifecycle.signal).not.toBe(firstRun);
    expect(lifecycle.signal.aborted).toBe(false);
    await lifecycle.stop();
    expect(journal).toEqual(['start', 'stop', 'start', 'stop']);
  });

  it('shares a start in progress and resolves at once while running', async () => {
    const gated = gatedHooks();
    const lifecycle = new ServiceLifecycle('svc', gated.hooks);
    const first = lifecycle.start();
    expect(lifecycle.start()).toBe(first);
    await flush();
    gated.open('start');
    await first;
    await lifecycle.start();
    expect(gated.journal).toEqual(['start', 'started']);
  });

  it('shares a stop in progress; stop of an idle or stopped service runs no hook', async () => {
    const gated = gatedHooks();
    const lifecycle = new ServiceLifecycle('svc', gated.hooks);
    await lifecycle.stop();
    expect(lifecycle.state).toBe('stopped');
    const starting = lifecycle.start();
    await flush();
    gated.open('start');
    await starting;
    const first = lifecycle.stop();
    expect(lifecycle.stop()).toBe(first);
    expect(lifecycle.state).toBe('stopping');
    await flush();
    gated.open('stop');
    await first;
    await lifecycle.stop();
    expect(gated.journal).toEqual(['start', 'started', 'stop', 'stopped']);
  });

  it('a failed start ends failed with the error; stop() then runs the stop hook to clean up', async () => {
    const journal: string[] = [];
    const cause = new Error('port in use');
    const lifecycle = new ServiceLifecycle('svc', {
      start: () => {
        throw cause;
      },
      stop: () => void journal.push('stop'),
    });
    expect(await rejection(lifecycle.start())).toBe(cause);
    expect(lifecycle.state).toBe('failed');
    expect(lifecycle.failure).toBe(cause);
    await lifecycle.stop();
    expect(lifecycle.state).toBe('stopped');
    expect(lifecycle.failure).toBeUndefined();
    expect(journal).toEqual(['stop']);
  });

  it('serialize() runs operations one at a time, in order, between starts and stops', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', instantHooks(journal));
    const clock = new ManualClock();
    const slow = lifecycle.serialize(async () => {
      await clock.sleep(10);
      journal.push('slow');
      return 1;
    });
    const starting = lifecycle.start();
    const after = lifecycle.serialize(() => {
      journal.push('after');
      return 2;
    });
    const failing = rejection(
      lifecycle.serialize(() => {
        throw new Error('op failed');
      }),
    );
    await clock.advanceAsync(10);
    expect(await slow).toBe(1);
    await starting;
    expect(await after).toBe(2);
    expect(((await failing) as Error).message).toBe('op failed');
    // A failed operation does not block the queue.
    await lifecycle.stop();
    expect(journal).toEqual(['slow', 'start', 'after', 'stop']);
  });
});

describe('ServiceLifecycle: races', () => {
  it('stop during start aborts the start signal; the stop hook runs after the start settles', async () => {
    const gated = gatedHooks();
    const lifecycle = new ServiceLifecycle('svc', gated.hooks);
    const starting = rejection(lifecycle.start());
    await flush();
    const stopping = lifecycle.stop();
    expect(gated.signals[0]!.aborted).toBe(true);
    expect(lifecycle.state).toBe('stopping');
    gated.open('start');
    const error = (await starting) as Error;
    expect(error.message).toBe('svc is stopping');
    // The stop, not the failed start, decides the state.
    expect(lifecycle.state).toBe('stopping');
    await flush();
    gated.open('stop');
    await stopping;
    expect(lifecycle.state).toBe('stopped');
    expect(gated.journal).toEqual(['start', 'stop', 'stopped']);
    expect(gated.overlapped()).toBe(false);
  });

  it('a start hook that finishes despite a stop is stopped right after', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', instantHooks(journal));
    const starting = lifecycle.start();
    const stopping = lifecycle.stop();
    // Asked for and stopped in the same tick: called off before its hook ran.
    expect(((await rejection(starting)) as LifecycleError).code).toBe(2101);
    await stopping;
    expect(journal).toEqual(['stop']);

    const gated = gatedHooks({ start: () => undefined });
    const other = new ServiceLifecycle('other', gated.hooks);
    const started = other.start();
    await Promise.resolve();
    await Promise.resolve();
    const stopped = other.stop();
    await started;
    gated.open('stop');
    await stopped;
    expect(other.state).toBe('stopped');
  });

  it('a later stop calls off a start queued behind an earlier stop', async () => {
    const { gated, lifecycle } = await runningGated();
    const firstStop = lifecycle.stop();
    const queued = rejection(lifecycle.start());
    const secondStop = lifecycle.stop();
    expect(secondStop).toBe(firstStop);
    await flush();
    gated.open('stop');
    await firstStop;
    const error = (await queued) as LifecycleError;
    expect(error).toBeInstanceOf(LifecycleError);
    expect(error.message).toBe('svc was stopped before it started');
    expect(error.service).toBe('svc');
    expect(lifecycle.state).toBe('stopped');
    expect(gated.journal).toEqual(['start', 'started', 'stop', 'stopped']);
  });

  it('calledOff decides how a called-off start settles', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', {
      ...instantHooks(journal),
      calledOff: () => void journal.push('called off'),
    });
    await lifecycle.start();
    const stop = lifecycle.stop();
    const queued = lifecycle.start();
    await Promise.all([stop, lifecycle.stop(), queued]);
    expect(journal).toEqual(['start', 'stop', 'called off']);
    expect(lifecycle.state).toBe('stopped');
  });

  it('start after stop waits for the stop and starts afresh', async () => {
    const { gated, lifecycle } = await runningGated();
    const stopping = lifecycle.stop();
    const restarting = lifecycle.start();
    expect(lifecycle.state).toBe('stopping');
    await flush();
    gated.open('stop');
    await stopping;
    await flush();
    expect(lifecycle.state).toBe('starting');
    gated.open('start');
    await restarting;
    expect(lifecycle.state).toBe('running');
    expect(gated.journal).toEqual(['start', 'started', 'stop', 'stopped', 'start', 'started']);
    expect(gated.overlapped()).toBe(false);
  });
});

describe('ServiceLifecycle: the caller signal', () => {
  it('an already-aborted signal rejects at once and changes nothing', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', instantHooks(journal));
    const reason = new Error('too late');
    expect(await rejection(lifecycle.start(AbortSignal.abort(reason)))).toBe(reason);
    expect(lifecycle.state).toBe('idle');
    expect(journal).toEqual([]);
  });

  it('an abort during the start reaches the hook; a hook that fails makes the state failed', async () => {
    const gated = gatedHooks();
    const lifecycle = new ServiceLifecycle('svc', gated.hooks);
    const controller = new AbortController();
    const starting = rejection(lifecycle.start(controller.signal));
    await flush();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('deploy cancelled');
    controller.abort(reason);
    expect(gated.signals[0]!.reason).toBe(reason);
    gated.open('start');
    expect(await starting).toBe(reason);
    expect(lifecycle.state).toBe('failed');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a hook that ignores the abort and finishes is undone: stopped, and the start rejects', async () => {
    const journal: string[] = [];
    const controller = new AbortController();
    const lifecycle = new ServiceLifecycle('svc', {
      start: () => {
        journal.push('start');
        controller.abort(new Error('deploy cancelled'));
      },
      stop: () => void journal.push('stop'),
    });
    const error = (await rejection(lifecycle.start(controller.signal))) as Error;
    expect(error.message).toBe('deploy cancelled');
    expect(lifecycle.state).toBe('stopped');
    expect(journal).toEqual(['start', 'stop']);
    await lifecycle.start();
    expect(lifecycle.state).toBe('running');
  });

  it('removes its listener after a successful start', async () => {
    const controller = new AbortController();
    const lifecycle = new ServiceLifecycle('svc', instantHooks());
    await lifecycle.start(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('ServiceLifecycle: fail (an escalation)', () => {
  it('stops the service and ends failed with the reason', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', instantHooks(journal));
    const reason = new Error('too many restarts');
    expect(await lifecycle.fail(reason)).toBe(false); // not running: nothing to fail
    await lifecycle.start();
    const run = lifecycle.signal;
    expect(await lifecycle.fail(reason)).toBe(true);
    expect(run.reason).toBe(reason);
    expect(lifecycle.state).toBe('failed');
    expect(lifecycle.failure).toBe(reason);
    expect(journal).toEqual(['start', 'stop']);
    await lifecycle.start();
    expect(lifecycle.failure).toBeUndefined();
  });

  it('a stop during the failure shares its stop and wins: stopped, not failed', async () => {
    const { gated, lifecycle } = await runningGated();
    const failing = lifecycle.fail(new Error('escalated'));
    expect(lifecycle.state).toBe('stopping');
    let stopDone = false;
    const stopping = lifecycle.stop().then(() => {
      stopDone = true;
    });
    await flush();
    expect(stopDone).toBe(false); // waits for the failure's stop, not returning at once
    gated.open('stop');
    expect(await failing).toBe(false);
    await stopping;
    expect(lifecycle.state).toBe('stopped');
    expect(lifecycle.failure).toBeUndefined();
    expect(gated.journal).toEqual(['start', 'started', 'stop', 'stopped']);
  });

  it('a stop called synchronously from inside the failing stop hook waits for it', async () => {
    const journal: string[] = [];
    let inner: Promise<void> | undefined;
    let innerDone = false;
    const clock = new ManualClock();
    const lifecycle: ServiceLifecycle = new ServiceLifecycle('svc', {
      start: () => undefined,
      stop: async () => {
        // A child's stop that stops its own parent (a nested service wired both ways).
        inner ??= lifecycle.stop().then(() => {
          innerDone = true;
        });
        journal.push('stop');
        await clock.sleep(10);
        journal.push('stopped');
      },
    });
    await lifecycle.start();
    const failing = lifecycle.fail(new Error('escalated'));
    await flush();
    expect(innerDone).toBe(false);
    await clock.advanceAsync(10);
    expect(await failing).toBe(false);
    await inner;
    expect(lifecycle.state).toBe('stopped');
    expect(journal).toEqual(['stop', 'stopped']);
  });

  it('a start asked for during the failure starts after it, afresh', async () => {
    const { gated, lifecycle } = await runningGated();
    const failing = lifecycle.fail(new Error('escalated'));
    const restarting = lifecycle.start();
    await flush();
    expect(gated.journal).toEqual(['start', 'started', 'stop']);
    gated.open('stop');
    expect(await failing).toBe(true);
    await flush();
    gated.open('start');
    await restarting;
    expect(lifecycle.state).toBe('running');
    expect(gated.overlapped()).toBe(false);
  });

  it('a fail() called from inside a serialized operation does not wait on itself', async () => {
    const journal: string[] = [];
    const lifecycle = new ServiceLifecycle('svc', instantHooks(journal));
    await lifecycle.start();
    const failed = await lifecycle.serialize(() => lifecycle.fail(new Error('escalated')));
    expect(failed).toBe(true);
    expect(lifecycle.state).toBe('failed');
  });
});

describe('ServiceLifecycle: any sequence of calls', () => {
  type Call = 'start' | 'stop' | 'fail' | 'tick' | 'abort-start';
  it('never overlaps hooks, pairs every start with a stop, and ends stopped after a final stop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Call>('start', 'stop', 'fail', 'tick', 'abort-start'), {
          maxLength: 25,
        }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        async (calls, startFails) => {
          const clock = new ManualClock();
          let active = 0;
          let overlapped = false;
          let up = 0;
          let starts = 0;
          const lifecycle = new ServiceLifecycle('svc', {
            start: async (signal) => {
              if (active++ > 0) overlapped = true;
              try {
                await clock.sleep(5, signal);
                if (startFails[starts++ % startFails.length]) throw new Error('start failed');
                up++;
              } finally {
                active--;
              }
            },
            stop: async () => {
              if (active++ > 0) overlapped = true;
              try {
                await clock.sleep(3);
                up = 0;
              } finally {
                active--;
              }
            },
          });
          const pending: Promise<unknown>[] = [];
          for (const call of calls) {
            if (call === 'start') pending.push(lifecycle.start().catch(() => undefined));
            else if (call === 'abort-start') {
              const controller = new AbortController();
              pending.push(lifecycle.start(controller.signal).catch(() => undefined));
              controller.abort(new Error('cancelled'));
            } else if (call === 'stop') pending.push(lifecycle.stop());
            else if (call === 'fail') pending.push(lifecycle.fail(new Error('failed')));
            else await clock.advanceAsync(4);
            expect(up).toBeLessThanOrEqual(1);
          }
          const settled = Promise.all(pending);
          for (let i = 0; i < 40; i++) await clock.advanceAsync(5);
          await settled;
          const final = lifecycle.stop();
          for (let i = 0; i < 5; i++) await clock.advanceAsync(5);
          await final;
          expect(overlapped).toBe(false);
          expect(lifecycle.state).toBe('stopped');
          expect(up).toBe(0);
          expect(clock.pendingTimers()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('stopWithin and stopInReverse', () => {
  it('stops in reverse order past failures and timeouts, and reports each outcome', async () => {
    const clock = new ManualClock();
    const journal: string[] = [];
    const stops: Record<string, () => unknown> = {
      a: () => journal.push('a'),
      hangs: () => new Promise(() => journal.push('hangs')),
      fails: () => {
        journal.push('fails');
        throw new Error('disk full');
      },
      idle: () => journal.push('idle'),
    };
    const reporting = stopInReverse(['a', 'idle', 'hangs', 'fails'], (name) =>
      name === 'idle' ? Promise.resolve(undefined) : stopWithin(stops[name]!, 1_000, clock),
    );
    await clock.advanceAsync(1_000);
    const report = await reporting;
    expect(journal).toEqual(['fails', 'hangs', 'a']);
    expect(report.stopped).toEqual(['a']);
    expect(report.timedOut).toEqual(['hangs']);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.item).toBe('fails');
    expect((report.failed[0]!.error as Error).message).toBe('disk full');
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('worstHealth', () => {
  it('is the worst status, healthy for none, for any statuses', () => {
    expect(worstHealth([])).toBe('healthy');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('healthy' as const, 'degraded' as const, 'unhealthy' as const)),
        (statuses) => {
          const worst = worstHealth(statuses);
          for (const status of statuses) {
            expect(HEALTH_SEVERITY[worst]).toBeGreaterThanOrEqual(HEALTH_SEVERITY[status]);
          }
          expect(statuses.length === 0 || statuses.includes(worst)).toBe(true);
        },
      ),
    );
  });
});

describe('within({ background: true })', () => {
  it('times out on an unref’d clock timer, and cancels it when the work wins', async () => {
    const clock = new ManualClock();
    const slow = within(() => new Promise(() => undefined), 100, clock, { background: true });
    await clock.advanceAsync(100);
    expect(await slow).toBe(TIMED_OUT);
    expect(await within(() => 'done', 100, clock, { background: true })).toBe('done');
    expect(clock.pendingTimers()).toBe(0);
  });
});
