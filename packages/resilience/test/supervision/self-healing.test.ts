import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createFoundation, ManualClock, type Service } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  heal,
  SelfHealing,
  Supervisor,
  type CheckResult,
  type HealthCheckSpec,
  type SelfHealingEvent,
} from '../../src/index.js';
import { flush, Probe } from './helpers.js';

function healing(checks: HealthCheckSpec[], clock = new ManualClock()) {
  const service = new SelfHealing({ name: 'healer', checks, clock, random: () => 0.5 });
  const events: SelfHealingEvent[] = [];
  service.subscribe((event) => events.push(event));
  return { service, events, clock };
}

describe('SelfHealing', () => {
  it('runs each check at start and then every intervalMs; stop() ends its timers', async () => {
    let runs = 0;
    const { service, clock } = healing([
      {
        name: 'c',
        intervalMs: 1_000,
        check: () => {
          runs++;
          return true;
        },
      },
    ]);
    expect(service.health().status).toBe('unhealthy');
    await service.start();
    expect(service.state).toBe('running');
    expect(runs).toBe(1);
    expect(service.health()).toMatchObject({
      status: 'healthy',
      details: { checks: { c: 'healthy' } },
    });
    await clock.advanceAsync(3_000);
    expect(runs).toBe(4);
    await service.start();
    expect(runs).toBe(4);
    await service.stop();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advanceAsync(10_000);
    expect(runs).toBe(4);
    expect(service.state).toBe('stopped');
    await service.stop();
  });

  it('start(signal): an abort during the first checks stops the service and rejects', async () => {
    let release: (() => void) | undefined;
    const { service, clock } = healing([
      {
        name: 'slow',
        intervalMs: 1_000,
        check: () =>
          new Promise<boolean>((resolve) => {
            release = () => {
              resolve(true);
            };
          }),
      },
    ]);
    const already = new AbortController();
    already.abort(new Error('too late'));
    await expect(service.start(already.signal)).rejects.toThrow('too late');
    expect(service.state).toBe('idle');

    const controller = new AbortController();
    const starting = service.start(controller.signal);
    await flush();
    controller.abort(new Error('deploy cancelled'));
    release?.();
    await expect(starting).rejects.toThrow('deploy cancelled');
    await service.stop();
    expect(service.state).toBe('stopped');
    expect(clock.pendingTimers()).toBe(0);

    const unaborted = new AbortController();
    const again = service.start(unaborted.signal);
    await flush();
    release?.();
    await again;
    expect(service.state).toBe('running');
    await service.stop();
  });

  it('spreads the interval by the jitter', async () => {
    const clock = new ManualClock();
    const times: number[] = [];
    const randoms = [0, 0.999_999, 0.5];
    let r = 0;
    const service = new SelfHealing({
      checks: [
        {
          name: 'c',
          intervalMs: 1_000,
          jitter: 0.2,
          check: () => {
            times.push(clock.nowMs());
            return true;
          },
        },
      ],
      clock,
      random: () => randoms[r++ % randoms.length]!,
    });
    await service.start();
    await clock.advanceAsync(3_000);
    expect(times[0]).toBe(0);
    expect(times[1]).toBe(800);
    expect(times[2]).toBeCloseTo(2_000, 3);
    expect(times[3]).toBeCloseTo(3_000, 3);
    await service.stop();
  });

  it('becomes unhealthy after failureThreshold failures and healthy after successThreshold successes', async () => {
    let result: CheckResult = true;
    const { service, events, clock } = healing([
      {
        name: 'db',
        intervalMs: 100,
        jitter: 0,
        failureThreshold: 3,
        successThreshold: 2,
        check: () => result,
      },
    ]);
    await service.start();
    result = false;
    await clock.advanceAsync(100);
    expect(service.checks()[0]).toMatchObject({ status: 'healthy', consecutiveFailures: 1 });
    expect(service.health().status).toBe('degraded');
    await clock.advanceAsync(100);
    expect(service.checks()[0]!.status).toBe('healthy');
    result = { status: 'unhealthy', message: 'replica lag' };
    await clock.advanceAsync(100);
    expect(service.checks()[0]!.status).toBe('unhealthy');
    expect(service.health()).toMatchObject({ status: 'unhealthy', message: 'db unhealthy' });
    expect(service.checks()[0]!.lastError?.message).toBe(
      "check 'db' reported unhealthy: replica lag",
    );
    result = { status: 'degraded' };
    await clock.advanceAsync(100);
    expect(service.checks()[0]!.status).toBe('unhealthy');
    await clock.advanceAsync(100);
    expect(service.checks()[0]!.status).toBe('healthy');
    expect(
      events.filter((e) => e.type === 'check_status_changed').map((e) => [e.from, e.to]),
    ).toEqual([
      ['pending', 'healthy'],
      ['healthy', 'unhealthy'],
      ['unhealthy', 'healthy'],
    ]);
    const change = events.find((e) => e.type === 'check_status_changed' && e.to === 'unhealthy');
    expect((change as { error: FoundationError }).error.code).toBe(5205);
    await service.stop();
  });

  it('fails a check that throws or outlasts its timeout, aborting its signal', async () => {
    let mode: 'throw' | 'hang' = 'throw';
    let abortedWith: unknown;
    const { service, clock } = healing([
      {
        name: 'slow',
        intervalMs: 1_000,
        timeoutMs: 200,
        failureThreshold: 1,
        check: (signal) => {
          if (mode === 'throw') throw new Error('no route');
          return new Promise<CheckResult>(() => {
            signal.addEventListener('abort', () => {
              abortedWith = signal.reason;
            });
          });
        },
      },
    ]);
    await service.start();
    expect(service.checks()[0]!.lastError).toMatchObject({
      code: 5205,
      message: "check 'slow' threw: no route",
    });
    expect((service.checks()[0]!.lastError!.cause as Error).message).toBe('no route');
    mode = 'hang';
    await clock.advanceAsync(1_000);
    await clock.advanceAsync(200);
    expect(service.checks()[0]!.lastError?.message).toBe("check 'slow' timed out after 200 ms");
    expect(service.checks()[0]!.lastDurationMs).toBe(200);
    expect(abortedWith).toBeInstanceOf(Error);
    await service.stop();
  });

  it('runs the heal action when a check becomes unhealthy and while it stays so', async () => {
    let ok = true;
    const heals: string[] = [];
    const { service, events, clock } = healing([
      {
        name: 'cache',
        intervalMs: 100,
        jitter: 0,
        failureThreshold: 2,
        check: () => ok,
        heal: ({ check, error, signal }) => {
          heals.push(`${check}:${error.code}:${signal.aborted}`);
        },
      },
    ]);
    await service.start();
    ok = false;
    await clock.advanceAsync(100);
    expect(heals).toEqual([]);
    await clock.advanceAsync(100);
    expect(heals).toEqual(['cache:5205:false']);
    await clock.advanceAsync(100);
    expect(heals).toHaveLength(2);
    ok = true;
    await clock.advanceAsync(100);
    expect(heals).toHaveLength(2);
    expect(service.checks()[0]).toMatchObject({ status: 'healthy', heals: 2 });
    expect(events.filter((e) => e.type === 'heal_attempted').every((e) => e.ok)).toBe(true);
    await service.stop();
  });

  it('reports heal failures and heal timeouts as 5206', async () => {
    let mode: 'throw' | 'hang' = 'throw';
    const { service, clock } = healing([
      {
        name: 'x',
        intervalMs: 100,
        failureThreshold: 1,
        healTimeoutMs: 50,
        check: () => false,
        heal: () =>
          mode === 'throw' ? Promise.reject(new Error('cannot')) : new Promise(() => {}),
      },
    ]);
    await service.start();
    expect(service.checks()[0]!.lastHealError).toMatchObject({
      code: 5206,
      message: "heal of 'x' failed: cannot",
    });
    mode = 'hang';
    const next = service.checkNow('x');
    await clock.advanceAsync(50);
    await next;
    expect(service.checks()[0]!.lastHealError?.message).toBe("heal of 'x' timed out after 50 ms");
    expect(service.status()).toMatchObject({
      state: 'running',
      checks: [{ name: 'x', status: 'unhealthy', heals: 2, lastHealError: expect.any(String) }],
    });
    await service.stop();
  });

  it('checkNow runs one or all checks, shares a run in progress, and refuses unknown names', async () => {
    let runs = 0;
    const { service } = healing([
      { name: 'a', intervalMs: 1_000, check: async () => ++runs > 0 },
      {
        name: 'b',
        intervalMs: 1_000,
        check: () => ({ status: runs++ >= 0 ? 'healthy' : 'degraded' }),
      },
    ]);
    await service.start();
    expect(runs).toBe(2);
    await Promise.all([service.checkNow('a'), service.checkNow('a')]);
    expect(runs).toBe(3);
    await service.checkNow();
    expect(runs).toBe(5);
    await expect(service.checkNow('zzz')).rejects.toMatchObject({ codeName: 'data_not_found' });
    await service.stop();
  });

  it('stop() aborts a check in progress and ignores its result', async () => {
    let signal: AbortSignal | undefined;
    const clock = new ManualClock();
    const service = new SelfHealing({
      checks: [
        {
          name: 'slow',
          intervalMs: 100,
          check: (s) =>
            new Promise<CheckResult>((resolve) => {
              signal = s;
              s.addEventListener('abort', () => {
                resolve(false);
              });
            }),
        },
      ],
      clock,
    });
    const starting = service.start();
    await flush();
    await service.stop();
    await starting;
    expect(signal?.aborted).toBe(true);
    expect(service.checks()[0]!.status).toBe('pending');
    expect(service.state).toBe('stopped');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('publishes on foundation:resilience:self-healing; a throwing listener breaks nothing', async () => {
    const received: unknown[] = [];
    const onMessage = (message: unknown): void => {
      received.push(message);
    };
    subscribe('foundation:resilience:self-healing', onMessage);
    try {
      const service = new SelfHealing({
        checks: [{ name: 'c', intervalMs: 100, check: () => true }],
        clock: new ManualClock(),
      });
      service.subscribe(() => {
        throw new Error('bug');
      });
      await service.start();
      expect(received).toEqual([
        expect.objectContaining({
          type: 'check_status_changed',
          service: 'self-healing',
          to: 'healthy',
        }),
      ]);
      await service[Symbol.asyncDispose]();
    } finally {
      unsubscribe('foundation:resilience:self-healing', onMessage);
    }
  });

  it('works as a core Service under createFoundation', async () => {
    const clock = new ManualClock();
    const service = new SelfHealing({
      checks: [{ name: 'c', intervalMs: 100, check: () => true }],
      clock,
    });
    const foundation = createFoundation({ services: [service], clock });
    await foundation.initialize();
    expect((await foundation.health()).status).toBe('healthy');
    await foundation.shutdown();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('heal actions', () => {
  it('heal.restartChild crashes the child so its supervisor restarts it', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({ clock, maxRestarts: 3, children: [probe.child('db')] });
    await supervisor.start();
    let ok = false;
    const service = new SelfHealing({
      checks: [
        {
          name: 'db',
          intervalMs: 100,
          failureThreshold: 1,
          check: () => ok,
          heal: heal.restartChild(supervisor, 'db'),
        },
      ],
      clock,
    });
    await service.start();
    const db = supervisor.whichChildren()[0]!;
    expect(db.restarts).toBe(1);
    expect((db.lastExit?.reason as FoundationError).codeName).toBe('health_check_failed');
    ok = true;
    await service.stop();
    await supervisor.stop();
  });

  it('heal.reset resets a breaker-like target; heal.reinitialize stops and starts a service', async () => {
    let resets = 0;
    const calls: string[] = [];
    const target: Service = {
      name: 'svc',
      start: () => void calls.push('start'),
      stop: () => void calls.push('stop'),
      health: () => ({ status: 'healthy' }),
    };
    const service = new SelfHealing({
      checks: [
        {
          name: 'breaker',
          intervalMs: 100,
          failureThreshold: 1,
          check: () => false,
          heal: heal.reset({ reset: () => resets++ }),
        },
        {
          name: 'svc',
          intervalMs: 100,
          failureThreshold: 1,
          check: () => false,
          heal: heal.reinitialize(target),
        },
      ],
      clock: new ManualClock(),
    });
    await service.start();
    expect(resets).toBe(1);
    expect(calls).toEqual(['stop', 'start']);
    await service.stop();
  });
});

describe('threshold rule (property)', () => {
  it('status follows the run of results: unhealthy iff the last run ended a failure streak of >= threshold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        async (results, failureThreshold, successThreshold) => {
          let i = 0;
          const service = new SelfHealing({
            checks: [
              {
                name: 'c',
                intervalMs: 1_000,
                failureThreshold,
                successThreshold,
                check: () => results[i++]!,
              },
            ],
            clock: new ManualClock(),
          });
          await service.start();
          for (let k = 1; k < results.length; k++) await service.checkNow('c');
          // Reference model.
          let status = 'pending';
          let fails = 0;
          let oks = 0;
          for (const passed of results) {
            if (passed) {
              oks++;
              fails = 0;
              if (status !== 'unhealthy' || oks >= successThreshold) status = 'healthy';
            } else {
              fails++;
              oks = 0;
              if (fails >= failureThreshold) status = 'unhealthy';
            }
          }
          expect(service.checks()[0]).toMatchObject({
            status,
            consecutiveFailures: fails,
            consecutiveSuccesses: oks,
          });
          await service.stop();
        },
      ),
      { numRuns: 100 },
    );
  });
});
