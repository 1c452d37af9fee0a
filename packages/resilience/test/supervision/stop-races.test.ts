import { ManualClock } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import { SelfHealing, Supervisor, type StartChildSpec } from '../../src/index.js';
import { flush } from './helpers.js';

/** A child whose stop() resolves only when the test says so. */
function slowStopper(id: string, journal: string[]) {
  let crash!: (reason?: unknown) => void;
  let finishStop!: () => void;
  const spec: StartChildSpec = {
    id,
    start: (context) => {
      crash = context.crash;
      journal.push(`start:${id}`);
      return {
        stop: () =>
          new Promise<void>((resolve) => {
            journal.push(`stopping:${id}`);
            finishStop = () => {
              journal.push(`stopped:${id}`);
              resolve();
            };
          }),
      };
    },
  };
  return {
    spec,
    crash: (reason?: unknown) => {
      crash(reason);
    },
    finishStop: () => {
      finishStop();
    },
  };
}

/** A stop won over an escalation: stopped, no failure, nobody told of a crash. */
function expectStoppedQuietly(supervisor: Supervisor, crashes: unknown[]): void {
  expect(supervisor.state).toBe('stopped');
  expect(supervisor.failure).toBeUndefined();
  expect(crashes).toEqual([]);
}

/** A child that stops at once and can be crashed by the test. */
function crashable(id: string) {
  let crash!: (reason?: unknown) => void;
  const spec: StartChildSpec = {
    id,
    start: (context) => {
      crash = context.crash;
      return { stop: () => undefined };
    },
  };
  return {
    spec,
    crash: (reason?: unknown) => {
      crash(reason);
    },
  };
}

/** Crashes `child` twice: past an intensity of 1, the second crash escalates. */
async function escalate(child: { crash: (reason?: unknown) => void }): Promise<void> {
  child.crash(new Error('one'));
  await flush();
  child.crash(new Error('two'));
  await flush();
}

describe('stop() during an escalation', () => {
  it('waits for the escalation shutdown and ends stopped, not failed', async () => {
    const journal: string[] = [];
    const slow = slowStopper('b', journal);
    let crashA!: (reason?: unknown) => void;
    const quick: StartChildSpec = {
      id: 'a',
      start: (context) => {
        crashA = context.crash;
        return { stop: () => undefined };
      },
    };
    const supervisor = new Supervisor({
      name: 'top',
      clock: new ManualClock(),
      maxRestarts: 1,
      periodMs: 60_000,
      children: [{ ...slow.spec, stopTimeoutMs: 60_000 }, quick],
    });
    const crashes: unknown[] = [];
    supervisor.onCrash((reason) => crashes.push(reason));
    await supervisor.start();
    // a's first crash is restarted; its second exceeds the intensity: the escalation stops b.
    crashA(new Error('one'));
    await flush();
    crashA(new Error('two'));
    await flush();
    expect(journal.at(-1)).toBe('stopping:b'); // the escalation is waiting for b to stop
    let stopDone = false;
    const stopping = supervisor.stop().then(() => {
      stopDone = true;
    });
    await flush();
    expect(stopDone).toBe(false);
    slow.finishStop();
    await stopping;
    expect(journal.at(-1)).toBe('stopped:b');
    expectStoppedQuietly(supervisor, crashes);
  });

  it('a stop that comes while a crash is handled wins over the escalation it leads to', async () => {
    const journal: string[] = [];
    const child = slowStopper('a', journal);
    const supervisor = new Supervisor({
      name: 'top',
      clock: new ManualClock(),
      maxRestarts: 1,
      periodMs: 60_000,
      children: [{ ...child.spec, stopTimeoutMs: 60_000 }],
    });
    const crashes: unknown[] = [];
    supervisor.onCrash((reason) => crashes.push(reason));
    await supervisor.start();
    child.crash(new Error('one'));
    await flush();
    child.finishStop();
    await flush();
    child.crash(new Error('two')); // over the intensity once the child has stopped
    await flush();
    const stopping = supervisor.stop();
    child.finishStop();
    await stopping;
    expect(supervisor.state).toBe('stopped');
    expect(crashes).toEqual([]);
    await supervisor.start();
    expect(supervisor.state).toBe('running');
    const again = supervisor.stop();
    await flush();
    child.finishStop();
    await again;
  });

  it('without a stop, the escalation still ends failed and is reported', async () => {
    const journal: string[] = [];
    const child = slowStopper('a', journal);
    const supervisor = new Supervisor({
      name: 'top',
      clock: new ManualClock(),
      maxRestarts: 1,
      periodMs: 60_000,
      children: [child.spec],
    });
    const crashes: unknown[] = [];
    supervisor.onCrash((reason) => crashes.push(reason));
    await supervisor.start();
    child.crash();
    await flush();
    child.finishStop();
    await flush();
    child.crash();
    await flush();
    child.finishStop();
    await flush();
    expect(supervisor.state).toBe('failed');
    expect(crashes).toHaveLength(1);
    expect(supervisor.failure?.code).toBe(5201);
  });
});

describe('stop() and start() during an escalation (one lifecycle in core)', () => {
  it('a stop() made from inside a child stop of the escalation waits for it and wins', async () => {
    const clock = new ManualClock();
    const flaky = crashable('flaky');
    let innerStop: Promise<void> | undefined;
    let innerDone = false;
    const supervisor: Supervisor = new Supervisor({
      name: 'top',
      clock,
      maxRestarts: 1,
      periodMs: 60_000,
      children: [
        {
          id: 'owner',
          stopTimeoutMs: 60_000,
          // A child that stops its own supervisor when stopped (wired both ways).
          start: () => ({
            stop: async () => {
              innerStop ??= supervisor.stop().then(() => {
                innerDone = true;
              });
              await clock.sleep(100);
            },
          }),
        },
        flaky.spec,
      ],
    });
    const crashes: unknown[] = [];
    supervisor.onCrash((reason) => crashes.push(reason));
    await supervisor.start();
    await escalate(flaky); // the escalation stops 'owner'
    expect(innerStop).toBeDefined();
    expect(innerDone).toBe(false); // not returned at once while children still stop
    await clock.advanceAsync(100);
    await innerStop;
    expectStoppedQuietly(supervisor, crashes);
  });

  it('a start() asked for during an escalation runs after it, afresh, and the escalation is reported once', async () => {
    const journal: string[] = [];
    const slow = slowStopper('b', journal);
    const a = crashable('a');
    const supervisor = new Supervisor({
      name: 'top',
      clock: new ManualClock(),
      maxRestarts: 1,
      periodMs: 60_000,
      children: [{ ...slow.spec, stopTimeoutMs: 60_000 }, a.spec],
    });
    const crashes: unknown[] = [];
    supervisor.onCrash((reason) => crashes.push(reason));
    await supervisor.start();
    await escalate(a);
    expect(journal.at(-1)).toBe('stopping:b');
    const restarting = supervisor.start();
    await flush();
    expect(supervisor.state).toBe('stopping');
    slow.finishStop();
    await restarting;
    expect(crashes).toHaveLength(1);
    expect(supervisor.state).toBe('running');
    expect(supervisor.failure).toBeUndefined();
    expect(journal.filter((line) => line === 'start:b')).toHaveLength(2);
    const stopping = supervisor.stop();
    await flush();
    slow.finishStop();
    await stopping;
  });
});

describe('SelfHealing.stop() while checks run', () => {
  it('waits for the check in flight; a check asked for while stopping does not run', async () => {
    const finish = new Map<string, () => void>();
    const runs: string[] = [];
    const pending = (name: string) => () =>
      new Promise<boolean>((resolve) => {
        runs.push(name);
        finish.set(name, () => {
          resolve(true);
        });
      });
    const healing = new SelfHealing({
      clock: new ManualClock(),
      checks: [
        { name: 'a', intervalMs: 60_000, timeoutMs: 60_000, check: pending('a') },
        { name: 'b', intervalMs: 60_000, timeoutMs: 60_000, check: pending('b') },
      ],
    });
    const starting = healing.start();
    await flush();
    finish.get('a')!();
    finish.get('b')!();
    await starting;
    const runningA = healing.checkNow('a'); // in flight when the stop comes
    let stopped = false;
    const stopping = healing.stop().then(() => {
      stopped = true;
    });
    await healing.checkNow('b'); // asked for while the service stops: cancelled at once
    await flush();
    expect(runs).toEqual(['a', 'b', 'a']);
    expect(stopped).toBe(false); // a is still running
    finish.get('a')!();
    await runningA;
    await stopping;
    expect(stopped).toBe(true);
    expect(healing.health().status).not.toBe('healthy');
  });
});
