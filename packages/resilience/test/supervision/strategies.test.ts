import { ManualClock } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import { Supervisor, type SupervisorEvent } from '../../src/index.js';
import { flush, Probe } from './helpers.js';

function setup(strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one', ids = ['a', 'b', 'c']) {
  const clock = new ManualClock();
  const probe = new Probe();
  const supervisor = new Supervisor({
    name: 'sup',
    strategy,
    maxRestarts: 10,
    periodMs: 1_000,
    clock,
    children: ids.map((id) => probe.child(id)),
  });
  const events: SupervisorEvent[] = [];
  supervisor.subscribe((event) => events.push(event));
  return { clock, probe, supervisor, events };
}

describe('Supervisor strategies', () => {
  it('starts children in order and stops them in reverse order', async () => {
    const { probe, supervisor } = setup('one_for_one');
    await supervisor.start();
    expect(probe.take()).toEqual(['start:a', 'start:b', 'start:c']);
    expect(supervisor.state).toBe('running');
    await supervisor.stop();
    expect(probe.take()).toEqual(['stop:c', 'stop:b', 'stop:a']);
    expect(supervisor.state).toBe('stopped');
  });

  it('one_for_one restarts only the failed child', async () => {
    const { probe, supervisor, events } = setup('one_for_one');
    await supervisor.start();
    probe.take();
    probe.crash('b');
    await flush();
    expect(probe.take()).toEqual(['stop:b', 'start:b']);
    expect(supervisor.whichChildren().map((c) => [c.id, c.state, c.restarts])).toEqual([
      ['a', 'running', 0],
      ['b', 'running', 1],
      ['c', 'running', 0],
    ]);
    const types = events.map((e) => e.type);
    expect(types).toContain('child_exited');
    expect(types).toContain('child_restarted');
    const restarted = events.find((e) => e.type === 'child_restarted');
    expect(restarted).toMatchObject({ childId: 'b', restarts: 1, latencyMs: 0 });
  });

  it('one_for_all stops the others in reverse order, then starts all in order', async () => {
    const { probe, supervisor, events } = setup('one_for_all');
    await supervisor.start();
    probe.take();
    probe.crash('b');
    await flush();
    expect(probe.take()).toEqual(['stop:b', 'stop:c', 'stop:a', 'start:a', 'start:b', 'start:c']);
    const exits = events.filter((e) => e.type === 'child_exited');
    expect(exits.map((e) => [e.childId, e.kind])).toEqual([
      ['b', 'crash'],
      ['c', 'shutdown'],
      ['a', 'shutdown'],
    ]);
    expect(supervisor.countChildren()).toEqual({ specs: 3, active: 3, supervisors: 0, workers: 3 });
  });

  it('rest_for_one restarts the failed child and those started after it', async () => {
    const { probe, supervisor } = setup('rest_for_one', ['a', 'b', 'c', 'd']);
    await supervisor.start();
    probe.take();
    probe.crash('b');
    await flush();
    expect(probe.take()).toEqual(['stop:b', 'stop:d', 'stop:c', 'start:b', 'start:c', 'start:d']);
    probe.crash('d');
    await flush();
    expect(probe.take()).toEqual(['stop:d', 'start:d']);
  });

  it('ignores crashes reported by an incarnation that already ended', async () => {
    const crashes: ((reason?: unknown) => void)[] = [];
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      maxRestarts: 10,
      children: [
        {
          id: 'a',
          start: ({ crash }) => {
            crashes.push(crash);
            return { stop: () => undefined };
          },
        },
      ],
    });
    await supervisor.start();
    crashes[0]!('first');
    crashes[0]!('same incarnation again');
    await flush();
    expect(supervisor.whichChildren()[0]!.restarts).toBe(1);
    crashes[0]!('late, from the old incarnation');
    await flush();
    expect(supervisor.whichChildren()[0]!.restarts).toBe(1);
    crashes[1]!('the new incarnation');
    await flush();
    expect(supervisor.whichChildren()[0]!.restarts).toBe(2);
    expect(supervisor.whichChildren()[0]!.lastExit).toMatchObject({
      kind: 'crash',
      reason: 'the new incarnation',
    });
    await supervisor.stop();
  });
});

describe('restart types', () => {
  async function run(restart: 'permanent' | 'transient' | 'temporary', how: 'crash' | 'exit') {
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      maxRestarts: 5,
      children: [probe.child('x', { restart }), probe.child('y')],
    });
    await supervisor.start();
    probe.take();
    if (how === 'crash') probe.crash('x');
    else probe.exit('x');
    await flush();
    return { journal: probe.take(), supervisor };
  }

  it('permanent children are restarted after a crash and after a normal exit', async () => {
    expect((await run('permanent', 'crash')).journal).toEqual(['stop:x', 'start:x']);
    expect((await run('permanent', 'exit')).journal).toEqual(['stop:x', 'start:x']);
  });

  it('transient children are restarted only after an abnormal exit', async () => {
    expect((await run('transient', 'crash')).journal).toEqual(['stop:x', 'start:x']);
    const { journal, supervisor } = await run('transient', 'exit');
    expect(journal).toEqual(['stop:x']);
    const x = supervisor.whichChildren().find((c) => c.id === 'x')!;
    expect(x.state).toBe('stopped');
    expect(x.lastExit?.kind).toBe('normal');
    expect(supervisor.countChildren()).toMatchObject({ specs: 2, active: 1 });
  });

  it('temporary children are never restarted and their spec is removed', async () => {
    for (const how of ['crash', 'exit'] as const) {
      const { journal, supervisor } = await run('temporary', how);
      expect(journal).toEqual(['stop:x']);
      expect(supervisor.whichChildren().map((c) => c.id)).toEqual(['y']);
    }
  });

  it('temporary siblings stopped by a one_for_all restart are not restarted', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      strategy: 'one_for_all',
      maxRestarts: 5,
      children: [probe.child('t', { restart: 'temporary' }), probe.child('p')],
    });
    await supervisor.start();
    probe.take();
    probe.crash('p');
    await flush();
    expect(probe.take()).toEqual(['stop:p', 'stop:t', 'start:p']);
    expect(supervisor.whichChildren().map((c) => c.id)).toEqual(['p']);
  });

  it('children stopped on purpose are left out of a group restart', async () => {
    const probe = new Probe();
    const supervisor = new Supervisor({
      clock: new ManualClock(),
      strategy: 'one_for_all',
      maxRestarts: 5,
      children: [probe.child('a'), probe.child('b'), probe.child('c')],
    });
    await supervisor.start();
    await supervisor.terminateChild('a');
    probe.take();
    probe.crash('c');
    await flush();
    expect(probe.take()).toEqual(['stop:c', 'stop:b', 'start:b', 'start:c']);
    expect(supervisor.whichChildren()[0]!.state).toBe('stopped');
  });
});
