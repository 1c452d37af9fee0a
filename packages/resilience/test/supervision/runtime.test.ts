import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ManualClock, type HealthReport, type Service } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import { afterEach, describe, expect, it } from 'vitest';
import {
  exponentialBackoff,
  Supervisor,
  type CrashReporter,
  type SupervisorEvent,
} from '../../src/index.js';
import { flush, Probe } from './helpers.js';

function make(probe: Probe, clock = new ManualClock(), extra: Record<string, unknown> = {}) {
  return new Supervisor({
    name: 'rt',
    clock,
    maxRestarts: 5,
    periodMs: 1_000,
    children: [probe.child('a'), probe.child('b')],
    ...extra,
  });
}

/** A core Service that counts its starts and stops and can fail on its own. */
class CountingService implements Service, CrashReporter {
  readonly name = 'counting';
  starts = 0;
  stops = 0;
  healthy = true;
  #listeners = new Set<(reason: unknown) => void>();
  start(): void {
    this.starts++;
  }
  stop(): void {
    this.stops++;
  }
  health(): HealthReport {
    return { status: this.healthy ? 'healthy' : 'unhealthy', message: 'counting' };
  }
  onCrash(listener: (reason: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  fail(reason: unknown): void {
    for (const listener of this.#listeners) listener(reason);
  }
  get listeners(): number {
    return this.#listeners.size;
  }
}

describe('run-time child operations', () => {
  it('terminateChild stops a child for good; restartChild brings it back', async () => {
    const probe = new Probe();
    const supervisor = make(probe);
    await supervisor.start();
    probe.take();
    await supervisor.terminateChild('a');
    expect(probe.take()).toEqual(['stop:a']);
    expect(supervisor.whichChildren()[0]).toMatchObject({
      id: 'a',
      state: 'stopped',
      lastExit: { kind: 'shutdown' },
    });
    expect(supervisor.countChildren()).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
    await supervisor.restartChild('a');
    expect(probe.take()).toEqual(['start:a']);
    await supervisor.restartChild('b');
    expect(probe.take()).toEqual(['stop:b', 'start:b']);
    // Manual restarts do not count toward the intensity.
    expect(supervisor.status()).toMatchObject({ restartsInPeriod: 0, totalRestarts: 2 });
    await supervisor.stop();
  });

  it('terminating a temporary child removes its spec', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [probe.child('t', { restart: 'temporary' })],
    });
    await supervisor.start();
    await supervisor.terminateChild('t');
    expect(supervisor.whichChildren()).toEqual([]);
    await supervisor.stop();
  });

  it('startChild adds a child after the others; a failing one is not kept', async () => {
    const probe = new Probe();
    const supervisor = make(probe, new ManualClock(), { strategy: 'rest_for_one' });
    await supervisor.start();
    await supervisor.startChild(probe.child('c'));
    expect(supervisor.whichChildren().map((c) => [c.id, c.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
      ['c', 'running'],
    ]);
    const failing = supervisor.startChild(probe.child('d', { failStart: () => true }));
    await expect(failing).rejects.toMatchObject({
      code: 5202,
      codeName: 'child_start_failed',
      context: { childId: 'd', supervisor: 'rt' },
    });
    expect(supervisor.whichChildren().map((c) => c.id)).toEqual(['a', 'b', 'c']);
    probe.take();
    probe.crash('b');
    await flush();
    expect(probe.take()).toEqual(['stop:b', 'stop:c', 'start:b', 'start:c']);
    await supervisor.stop();
  });

  it('refuses unknown ids and operations on a supervisor that is not running', async () => {
    const probe = new Probe();
    const supervisor = make(probe);
    await expect(supervisor.restartChild('a')).rejects.toMatchObject({
      codeName: 'service_unavailable',
    });
    await expect(supervisor.startChild(probe.child('z'))).rejects.toMatchObject({ code: 2102 });
    await supervisor.start();
    for (const op of [
      () => supervisor.restartChild('nope'),
      () => supervisor.terminateChild('nope'),
      () => supervisor.reportCrash('nope'),
    ]) {
      await expect(op()).rejects.toMatchObject({
        codeName: 'data_not_found',
        context: { path: 'id', rule: 'known_child' },
      });
    }
    await supervisor.stop();
  });

  it('restartChild rejects with 5202 when the child cannot start again', async () => {
    const probe = new Probe();
    let broken = false;
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [probe.child('a', { failStart: () => broken })],
    });
    await supervisor.start();
    broken = true;
    await expect(supervisor.restartChild('a')).rejects.toMatchObject({ code: 5202 });
    expect(supervisor.whichChildren()[0]!.state).toBe('stopped');
    await supervisor.stop();
  });
});

describe('service children', () => {
  it('runs a core Service, restarts it on reportCrash and on its own onCrash', async () => {
    const service = new CountingService();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      maxRestarts: 5,
      children: [{ id: 'svc', service }],
    });
    await supervisor.start();
    expect(service.starts).toBe(1);
    expect(service.listeners).toBe(1);
    await supervisor.reportCrash('svc', new Error('found broken'));
    expect([service.stops, service.starts]).toEqual([1, 2]);
    expect(supervisor.whichChildren()[0]!.lastExit?.reason).toEqual(new Error('found broken'));
    service.fail('lost connection');
    await flush();
    expect([service.stops, service.starts]).toEqual([2, 3]);
    expect(service.listeners).toBe(1);
    service.healthy = false;
    const health = await supervisor.health();
    expect(health.status).toBe('unhealthy');
    expect(health.message).toBe('svc unhealthy');
    await supervisor.stop();
    expect(service.listeners).toBe(0);
    // A crash report for a child that is not running is ignored.
    await supervisor.start();
    await supervisor.terminateChild('svc');
    await supervisor.reportCrash('svc');
    expect(supervisor.whichChildren()[0]!.state).toBe('stopped');
    await supervisor.stop();
  });

  it('polls health and crashes a child that reports unhealthy, throws or hangs', async () => {
    const clock = new ManualClock();
    const service = new CountingService();
    let mode: 'ok' | 'throw' | 'hang' = 'ok';
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      maxRestarts: 10,
      children: [
        { id: 'svc', service, healthCheck: { intervalMs: 100, timeoutMs: 50 } },
        probe.child('p', {
          healthCheck: { intervalMs: 100 },
          health: () => {
            if (mode === 'throw') throw new Error('probe broken');
            if (mode === 'hang') return new Promise<HealthReport>(() => undefined);
            return { status: 'degraded' };
          },
        }),
      ],
    });
    const exits: SupervisorEvent[] = [];
    supervisor.subscribe((event) => {
      if (event.type === 'child_exited') exits.push(event);
    });
    await supervisor.start();
    await clock.advanceAsync(100);
    expect(exits).toEqual([]);
    service.healthy = false;
    await clock.advanceAsync(100);
    await flush();
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ childId: 'svc', kind: 'crash' });
    const reason = (exits[0] as { reason: FoundationError }).reason;
    expect(reason.codeName).toBe('health_check_failed');
    expect(reason.message).toContain('reported unhealthy: counting');
    service.healthy = true;
    mode = 'throw';
    await clock.advanceAsync(100);
    await flush();
    expect(exits.at(-1)).toMatchObject({ childId: 'p' });
    expect((exits.at(-1) as { reason: Error }).reason.message).toContain('probe broken');
    mode = 'hang';
    await clock.advanceAsync(100);
    await clock.advanceAsync(5_000);
    await flush();
    expect((exits.at(-1) as { reason: Error }).reason.message).toContain('exceeded 5000 ms');
    mode = 'ok';
    await supervisor.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses to start a polled child whose start returns no health()', async () => {
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [{ id: 'x', healthCheck: { intervalMs: 10 }, start: () => ({ stop: () => {} }) }],
    });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 5202,
      context: { rule: 'health' },
    });
  });
});

describe('start and stop failures', () => {
  it('a child that fails to start makes the supervisor start fail after stopping the others', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({
      name: 's',
      clock: new ManualClock(),
      children: [probe.child('a'), probe.child('b', { failStart: () => true }), probe.child('c')],
    });
    const failure = supervisor.start();
    await expect(failure).rejects.toMatchObject({
      code: 5202,
      context: { childId: 'b', supervisor: 's' },
    });
    expect(probe.take()).toEqual(['start:a', 'fail:b', 'stop:a']);
    expect(supervisor.state).toBe('failed');
    expect((await supervisor.health()).status).toBe('unhealthy');
    await supervisor.stop();
  });

  it('a start that returns nothing stoppable, or never settles, fails', async () => {
    const clock = new ManualClock();
    const lateStops: string[] = [];
    const bad = new Supervisor({ clock, children: [{ id: 'x', start: () => 42 as never }] });
    await expect(bad.start()).rejects.toMatchObject({ code: 5202, context: { rule: 'stoppable' } });
    let finish: (value: { stop(): void }) => void = () => undefined;
    const slow = new Supervisor({
      clock,
      children: [
        {
          id: 'slow',
          startTimeoutMs: 1_000,
          start: () =>
            new Promise((resolve) => {
              finish = resolve;
            }),
        },
      ],
    });
    const starting = slow.start();
    const outcome = expect(starting).rejects.toMatchObject({
      code: 5202,
      context: { rule: 'timeout' },
    });
    await clock.advanceAsync(1_000);
    await outcome;
    // The abandoned start finishing later is stopped at once.
    finish({ stop: () => lateStops.push('slow') });
    await flush();
    expect(lateStops).toEqual(['slow']);
  });

  it('a stop that hangs past shutdownTimeoutMs is abandoned and reported', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      children: [probe.child('a'), probe.child('hang', { hangStop: true, shutdownTimeoutMs: 200 })],
    });
    const events: SupervisorEvent[] = [];
    supervisor.subscribe((event) => events.push(event));
    await supervisor.start();
    const stopping = supervisor.stop();
    await flush();
    expect(supervisor.state).toBe('stopping');
    await clock.advanceAsync(200);
    await stopping;
    expect(probe.take()).toEqual(['start:a', 'start:hang', 'stop:hang', 'stop:a']);
    const timeout = events.find((e) => e.type === 'child_stop_timeout');
    expect(timeout).toMatchObject({ childId: 'hang' });
    const info = supervisor.whichChildren()[1]!;
    expect(info.lastStopError).toMatchObject({ code: 5203, codeName: 'child_stop_timeout' });
    expect(supervisor.state).toBe('stopped');
  });

  it('stopTimeoutMs is the stop timeout (the name every package uses), in the 5203 context too', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      children: [probe.child('hang', { hangStop: true, stopTimeoutMs: 300 })],
    });
    await supervisor.start();
    const stopping = supervisor.stop();
    await clock.advanceAsync(299);
    expect(supervisor.state).toBe('stopping');
    await clock.advanceAsync(1);
    await stopping;
    const error = supervisor.whichChildren()[0]!.lastStopError as FoundationError;
    expect(error.code).toBe(5203);
    expect(error.context).toMatchObject({ childId: 'hang', stopTimeoutMs: 300 });
  });

  it('records what a throwing stop threw', async () => {
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [
        {
          id: 'x',
          start: () => ({
            stop: () => {
              throw new Error('stuck');
            },
          }),
        },
      ],
    });
    await supervisor.start();
    await supervisor.stop();
    expect(supervisor.whichChildren()[0]!.lastStopError?.message).toBe('stuck');
  });

  it('a failed restart counts as another crash, up to escalation', async () => {
    const probe = new Probe();
    let broken = false;
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      maxRestarts: 3,
      children: [probe.child('a', { failStart: () => broken })],
    });
    await supervisor.start();
    broken = true;
    probe.crash('a');
    await flush(10);
    expect(supervisor.state).toBe('failed');
    const context = supervisor.failure!.context as { restarts: unknown[] };
    expect(context.restarts).toHaveLength(4);
    expect(probe.journal.filter((line) => line === 'fail:a')).toHaveLength(3);
  });

  it('a start aborted by its signal fails, and stop() cancels a start in progress', async () => {
    const probe = new Probe();
    const aborted = make(probe);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(aborted.start(controller.signal)).rejects.toThrow('cancelled');

    const clock = new ManualClock();
    const waiting = new Supervisor({
      clock,
      children: [
        {
          id: 'w',
          start: ({ signal }) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                reject(signal.reason as Error);
              });
            }),
        },
      ],
    });
    const starting = waiting.start();
    const failed = expect(starting).rejects.toMatchObject({ code: 5202 });
    await flush();
    await waiting.stop();
    await failed;
    expect(waiting.state).toBe('stopped');
  });

  it('an outer signal aborted mid-start stops what was built and starts nothing more', async () => {
    const probe = new Probe();
    const controller = new AbortController();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [
        {
          id: 'first',
          start: () => {
            controller.abort(new Error('deploy cancelled'));
            return { stop: () => void probe.journal.push('stop:first') };
          },
        },
        probe.child('second'),
      ],
    });
    const failure = supervisor.start(controller.signal);
    await expect(failure).rejects.toMatchObject({ code: 5202, context: { childId: 'first' } });
    await expect(failure).rejects.toThrow('deploy cancelled');
    // The start finished after its signal aborted, so what it built was stopped; second never ran.
    expect(probe.take()).toEqual(['stop:first']);
  });

  it('a start that ignores its signal and finishes after stop() is stopped at once', async () => {
    let finish: () => void = () => undefined;
    const stops: string[] = [];
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [
        {
          id: 'stubborn',
          start: () =>
            new Promise((resolve) => {
              finish = () => {
                resolve({ stop: () => void stops.push('stubborn') });
              };
            }),
        },
      ],
    });
    const starting = supervisor.start();
    const failed = expect(starting).rejects.toMatchObject({ code: 5202 });
    await flush();
    const stopping = supervisor.stop();
    finish();
    await failed;
    await stopping;
    expect(stops).toEqual(['stubborn']);
  });

  it('start() while running or starting, and stop() twice, are harmless', async () => {
    const probe = new Probe();
    const supervisor = make(probe);
    const first = supervisor.start();
    expect(supervisor.start()).toBe(first);
    await first;
    await supervisor.start();
    expect(probe.take()).toEqual(['start:a', 'start:b']);
    const stopping = supervisor.stop();
    expect(supervisor.stop()).toBe(stopping);
    const restarting = supervisor.start();
    await stopping;
    await restarting;
    expect(supervisor.state).toBe('running');
    await supervisor[Symbol.asyncDispose]();
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
  });
});

describe('restart backoff', () => {
  it('waits initialDelayMs * factor^(n-1) before each restart, capped at maxDelayMs', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      maxRestarts: 10,
      periodMs: 60_000,
      children: [
        probe.child('a', { backoff: { initialDelayMs: 100, factor: 3, maxDelayMs: 500 } }),
      ],
    });
    await supervisor.start();
    probe.take();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      probe.crash('a');
      await flush();
      expect(supervisor.whichChildren()[0]!.state).toBe('restarting');
      expect((await supervisor.health()).status).toBe('degraded');
      const before = clock.nowMs();
      while (supervisor.whichChildren()[0]!.state !== 'running') await clock.advanceAsync(50);
      waits.push(clock.nowMs() - before);
    }
    expect(waits).toEqual([100, 300, 500, 500]);
    await supervisor.stop();
  });

  it('takes the same Backoff that retry and the breaker take, with the previous delay', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const calls: [number, number][] = [];
    const grows = exponentialBackoff({ initialMs: 100, factor: 3, maxMs: 500, jitter: 'none' });
    const supervisor = new Supervisor({
      clock,
      maxRestarts: 10,
      periodMs: 60_000,
      children: [
        probe.child('a', {
          backoff: (n, previousMs) => {
            calls.push([n, previousMs]);
            return grows(n, previousMs);
          },
        }),
      ],
    });
    await supervisor.start();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      probe.crash('a');
      await flush();
      const before = clock.nowMs();
      while (supervisor.whichChildren()[0]!.state !== 'running') await clock.advanceAsync(50);
      waits.push(clock.nowMs() - before);
    }
    expect(waits).toEqual([100, 300, 500, 500]);
    expect(calls).toEqual([
      [1, 0],
      [2, 100],
      [3, 300],
      [4, 500],
    ]);
    await supervisor.stop();
  });

  it('a backoff that returns a negative or non-finite delay restarts at once', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      maxRestarts: 10,
      children: [
        probe.child('a', { backoff: () => Number.NaN }),
        probe.child('b', { backoff: () => -5 }),
      ],
    });
    await supervisor.start();
    probe.take();
    probe.crash('a');
    probe.crash('b');
    await flush();
    expect(probe.take()).toEqual(['stop:a', 'start:a', 'stop:b', 'start:b']);
    await supervisor.stop();
  });

  it('stop() cancels a pending restart', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      children: [probe.child('a', { backoff: { initialDelayMs: 1_000 } })],
    });
    await supervisor.start();
    probe.crash('a');
    await flush();
    await supervisor.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(supervisor.whichChildren()[0]!.state).toBe('stopped');
  });

  it('a group restart in backoff that is overtaken by another group restart starts once', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      strategy: 'rest_for_one',
      maxRestarts: 10,
      children: [probe.child('a'), probe.child('b', { backoff: { initialDelayMs: 100 } })],
    });
    await supervisor.start();
    probe.take();
    probe.crash('b');
    await flush();
    probe.crash('a');
    await flush();
    expect(probe.take()).toEqual(['stop:b', 'stop:a', 'start:a', 'start:b']);
    await clock.advanceAsync(100);
    expect(probe.take()).toEqual([]);
    await supervisor.stop();
  });
});

describe('diagnostics', () => {
  const received: unknown[] = [];
  const onMessage = (message: unknown): void => {
    received.push(message);
  };
  afterEach(() => {
    unsubscribe('foundation:resilience:supervisor', onMessage);
    received.length = 0;
  });

  it('publishes events on foundation:resilience:supervisor', async () => {
    subscribe('foundation:resilience:supervisor', onMessage);
    const probe = new Probe();
    const supervisor = make(probe);
    await supervisor.start();
    probe.crash('a');
    await flush();
    expect(received.map((m) => (m as SupervisorEvent).type)).toEqual([
      'child_started',
      'child_started',
      'child_exited',
      'child_started',
      'child_restarted',
    ]);
    await supervisor.stop();
  });

  it('a throwing listener breaks nothing, and unsubscribing stops delivery', async () => {
    const probe = new Probe();
    const supervisor = make(probe);
    const seen: string[] = [];
    supervisor.subscribe(() => {
      throw new Error('listener bug');
    });
    const off = supervisor.subscribe((event) => seen.push(event.type));
    const offCrash = supervisor.onCrash(() => {
      throw new Error('crash listener bug');
    });
    await supervisor.start();
    off();
    offCrash();
    probe.crash('a');
    await flush();
    expect(seen).toEqual(['child_started', 'child_started']);
    expect(supervisor.whichChildren()[0]!.restarts).toBe(1);
    await supervisor.stop();
  });

  it('counts a child whose health() throws or hangs as unhealthy', async () => {
    const clock = new ManualClock();
    let mode: 'throw' | 'hang' = 'throw';
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock,
      healthTimeoutMs: 100,
      children: [
        probe.child('x', {
          health: () => {
            if (mode === 'throw') throw new Error('sensor broken');
            return new Promise<HealthReport>(() => undefined);
          },
        }),
      ],
    });
    await supervisor.start();
    expect(await supervisor.health()).toMatchObject({
      status: 'unhealthy',
      details: { children: { x: { message: 'health threw: sensor broken' } } },
    });
    mode = 'hang';
    const pending = supervisor.health();
    await clock.advanceAsync(100);
    expect((await pending).details).toMatchObject({
      children: { x: { status: 'unhealthy', message: 'health exceeded 100 ms' } },
    });
    await supervisor.stop();
  });

  it('reports status for status pages', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = make(probe, clock);
    expect((await supervisor.health()).status).toBe('unhealthy');
    await supervisor.start();
    await clock.advanceAsync(250);
    probe.crash('b', { code: 'E_GONE' });
    await flush();
    await clock.advanceAsync(50);
    await supervisor.terminateChild('a');
    const status = supervisor.status() as {
      children: { id: string; uptimeMs: number; lastExit?: { reason: string } }[];
    };
    expect(status).toMatchObject({
      state: 'running',
      strategy: 'one_for_one',
      restartsInPeriod: 1,
      totalRestarts: 1,
    });
    expect(status.children[0]).toMatchObject({
      id: 'a',
      uptimeMs: 0,
      lastExit: { kind: 'shutdown' },
    });
    expect(status.children[1]).toMatchObject({ id: 'b', uptimeMs: 50 });
    expect(status.children[1]!.lastExit!.reason).toBe('{"code":"E_GONE"}');
    const health = await supervisor.health();
    expect(health).toMatchObject({ status: 'healthy', details: { stopped: ['a'] } });
    await supervisor.stop();
  });
});
