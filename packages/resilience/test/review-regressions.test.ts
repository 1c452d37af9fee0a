import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import {
  callWithBreaker,
  circuitBreaker,
  consecutive,
  pipeline,
  rateLimiter,
  SelfHealing,
  Supervisor,
  timeout,
  type BreakerState,
} from '../src/index.js';
import { catchError, flush, rejection } from './helpers.js';
import { Probe } from './supervision/helpers.js';

describe('review regressions', () => {
  it('restore: a listener reading the state sees the restored open deadline', () => {
    const clock = new ManualClock();
    const source = circuitBreaker({ clock, trip: consecutive(1), openMs: 1_000 });
    source.isolate();
    source.reset();
    const target = circuitBreaker({ clock, trip: consecutive(1), openMs: 1_000 });
    clock.advance(5_000);
    const seen: BreakerState[] = [];
    target.onStateChange(() => seen.push(target.state));
    target.restore({ ...source.snapshot(), state: 'open', openRemainingMs: 700 });
    expect(seen).toEqual(['open']);
    expect(target.state).toBe('open');
    expect(target.stats().retryAfterMs).toBe(700);
  });

  it('adaptive limiter inside a timeout counts a timeout as a failure, not a caller abort', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({ rate: 100, burst: 100, clock, adaptive: { minRate: 10 } });
    const policy = pipeline(timeout(50, { clock }), limiter);
    const call = rejection(
      policy.execute(
        ({ signal }) =>
          new Promise((_resolve, reject) => {
            signal!.addEventListener('abort', () => {
              reject(new Error('gave up'));
            });
          }),
      ),
    );
    await clock.advanceAsync(50);
    expect(((await call) as FoundationError).code).toBe(5104);
    expect(limiter.rate).toBe(50);
  });

  it('executeResult with an already aborted signal takes no token', async () => {
    const limiter = rateLimiter({ rate: 1, burst: 1, clock: new ManualClock() });
    const controller = new AbortController();
    controller.abort();
    const result = await limiter.executeResult(() => 'x', { signal: controller.signal });
    expect(!result.ok && (result.error as FoundationError).code).toBe(5105);
    expect(limiter.available()).toBe(1);
  });

  it('check refuses a cost that is not a number', () => {
    const limiter = rateLimiter({ rate: 10, clock: new ManualClock() });
    const error = catchError(() => limiter.check('', '2' as unknown as number));
    expect(error.context).toMatchObject({ path: 'cost' });
    expect(limiter.available()).toBe(10);
  });

  it('SelfHealing: a start right after a stop runs once the stop is done, and stays stoppable', async () => {
    const clock = new ManualClock();
    let release: (() => void) | undefined;
    let runs = 0;
    const service = new SelfHealing({
      checks: [
        {
          name: 'slow',
          intervalMs: 1_000,
          jitter: 0,
          check: () => {
            runs++;
            // The first run hangs until released; later ones pass at once.
            if (runs === 1) {
              return new Promise<boolean>((resolve) => {
                release = () => {
                  resolve(true);
                };
              });
            }
            return true;
          },
        },
      ],
      clock,
    });
    const first = service.start();
    await flush();
    const stopping = service.stop();
    const restarting = service.start();
    expect(service.start()).toBe(restarting);
    release!();
    await Promise.all([first, stopping, restarting]);
    expect(service.state).toBe('running');
    expect(runs).toBe(2);
    await service.stop();
    expect(service.state).toBe('stopped');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('Supervisor: a stop() during the last child start is not undone by the start', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      children: [probe.child('a'), probe.child('b')],
    });
    let stopping: Promise<void> | undefined;
    supervisor.subscribe((event) => {
      if (event.type === 'child_started' && event.childId === 'b') stopping = supervisor.stop();
    });
    await supervisor.start();
    expect(supervisor.state).toBe('stopping');
    await stopping;
    expect(supervisor.state).toBe('stopped');
    expect(probe.journal).toEqual(['start:a', 'start:b', 'stop:b', 'stop:a']);
  });
});

describe('review regressions: start after stop', () => {
  it('Supervisor: start() right after stopping a start in progress starts afresh', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({ clock: new ManualClock(), children: [probe.child('a')] });
    const first = rejection(supervisor.start());
    const stopping = supervisor.stop();
    const second = supervisor.start();
    expect(second).not.toBe(first);
    expect(((await first) as FoundationError).codeName).toBe('child_start_failed');
    await stopping;
    await second;
    expect(supervisor.state).toBe('running');
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
  });
});

describe('review regressions: start, stop, start, stop', () => {
  it('Supervisor: the last stop calls off a start queued behind the first stop', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({ clock: new ManualClock(), children: [probe.child('a')] });
    await supervisor.start();
    const firstStop = supervisor.stop();
    const queued = rejection(supervisor.start());
    const secondStop = supervisor.stop();
    await Promise.all([firstStop, secondStop]);
    expect(((await queued) as FoundationError).codeName).toBe('child_start_failed');
    expect(supervisor.state).toBe('stopped');
    expect(probe.journal).toEqual(['start:a', 'stop:a']);
    // Still startable afterwards.
    await supervisor.start();
    expect(supervisor.state).toBe('running');
    await supervisor.stop();
  });

  it('SelfHealing: the last stop calls off a start queued behind the first stop', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const service = new SelfHealing({
      checks: [{ name: 'c', intervalMs: 1_000, jitter: 0, check: () => ++runs > 0 }],
      clock,
    });
    await service.start();
    const firstStop = service.stop();
    const queued = service.start();
    const secondStop = service.stop();
    await Promise.all([firstStop, queued, secondStop]);
    expect(service.state).toBe('stopped');
    expect(runs).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    await service.start();
    expect(service.state).toBe('running');
    await service.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('review regressions: stop right after start', () => {
  it('Supervisor: a stop() called synchronously after start() is not ignored', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({ clock: new ManualClock(), children: [probe.child('a')] });
    const starting = rejection(supervisor.start());
    expect(supervisor.state).toBe('starting');
    await supervisor.stop();
    expect(((await starting) as FoundationError).codeName).toBe('child_start_failed');
    expect(supervisor.state).toBe('stopped');
    expect(probe.journal).toEqual([]);
  });
});

describe('review regressions: callWithBreaker', () => {
  it('never rejects, even for options that are not an object', async () => {
    const result = await callWithBreaker('svc', () => 1, null as unknown as undefined);
    expect(!result.ok && (result.error as FoundationError).context).toMatchObject({
      path: 'options',
    });
  });
});
