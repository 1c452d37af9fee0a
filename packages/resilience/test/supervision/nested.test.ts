import { createFoundation, ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import { Supervisor, type SupervisorEvent } from '../../src/index.js';
import { flush, Probe } from './helpers.js';

function tree(clock: ManualClock, probe: Probe) {
  const leaf = new Supervisor({
    name: 'leaf',
    clock,
    maxRestarts: 1,
    periodMs: 1_000,
    children: [probe.child('w1'), probe.child('w2')],
  });
  const middle = new Supervisor({
    name: 'middle',
    clock,
    maxRestarts: 1,
    periodMs: 1_000,
    children: [probe.child('m'), { id: 'leaf', service: leaf }],
  });
  const root = new Supervisor({
    name: 'root',
    clock,
    maxRestarts: 1,
    periodMs: 1_000,
    children: [probe.child('r'), { id: 'middle', service: middle }],
  });
  return { leaf, middle, root };
}

async function exceedLeaf(probe: Probe): Promise<void> {
  probe.crash('w1');
  await flush();
  probe.crash('w1');
  await flush(10);
}

describe('nested supervisors', () => {
  it('reports nested supervisors as supervisors', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const { root, middle } = tree(clock, probe);
    await root.start();
    expect(probe.take()).toEqual(['start:r', 'start:m', 'start:w1', 'start:w2']);
    expect(root.countChildren()).toEqual({ specs: 2, active: 2, supervisors: 1, workers: 1 });
    expect(root.whichChildren()[1]).toMatchObject({ id: 'middle', type: 'supervisor' });
    expect(middle.countChildren().supervisors).toBe(1);
    const health = await root.health();
    expect(health.status).toBe('healthy');
    await root.stop();
    expect(probe.take()).toEqual(['stop:w2', 'stop:w1', 'stop:m', 'stop:r']);
  });

  it('a supervisor that escalates is restarted by its parent', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const { root, middle, leaf } = tree(clock, probe);
    const events: SupervisorEvent[] = [];
    middle.subscribe((event) => events.push(event));
    await root.start();
    probe.take();
    await exceedLeaf(probe);
    // leaf stopped its children and failed; middle restarted it with fresh children.
    expect(probe.take()).toEqual([
      'stop:w1',
      'start:w1',
      'stop:w1',
      'stop:w2',
      'start:w1',
      'start:w2',
    ]);
    expect(leaf.state).toBe('running');
    expect(middle.state).toBe('running');
    const exit = events.find((e) => e.type === 'child_exited' && e.childId === 'leaf');
    expect(exit).toMatchObject({ kind: 'crash' });
    expect(FoundationError.is((exit as { reason: unknown }).reason)).toBe(true);
    expect(middle.whichChildren()[1]).toMatchObject({ id: 'leaf', restarts: 1, state: 'running' });
    await root.stop();
  });

  it('escalation travels up level by level to the top', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const { root, middle, leaf } = tree(clock, probe);
    const top: unknown[] = [];
    root.onCrash((reason) => top.push(reason));
    await root.start();
    // Twice the leaf escalates: the middle supervisor restarts it once, then escalates too;
    // then root restarts middle once; the third round makes root escalate.
    await exceedLeaf(probe);
    expect(middle.state).toBe('running');
    await exceedLeaf(probe);
    expect(middle.state).toBe('running');
    expect(root.whichChildren()[1]).toMatchObject({ id: 'middle', restarts: 1 });
    expect(root.state).toBe('running');
    await exceedLeaf(probe);
    await exceedLeaf(probe);
    expect(root.state).toBe('failed');
    expect(middle.state).not.toBe('running');
    expect(leaf.state).not.toBe('running');
    expect(top).toHaveLength(1);
    const error = top[0] as FoundationError;
    expect(error.codeName).toBe('supervisor_escalated');
    expect(error.context.supervisor).toBe('root');
    // The chain of causes leads down to the leaf's escalation.
    const middleError = error.cause as FoundationError;
    expect(middleError.context.supervisor).toBe('middle');
    expect((middleError.cause as FoundationError).context.supervisor).toBe('leaf');
    expect(root.countChildren().active).toBe(0);
  });

  it('a top-level supervisor under createFoundation reports its escalation through health()', async () => {
    const clock = new ManualClock();
    const probe = new Probe();
    const supervisor = new Supervisor({ name: 'app', clock, children: [probe.child('a')] });
    const foundation = createFoundation({ services: [supervisor], clock });
    await foundation.initialize();
    expect((await foundation.health()).status).toBe('healthy');
    probe.crash('a');
    await flush();
    probe.crash('a');
    await flush();
    const health = await foundation.health();
    expect(health.status).toBe('unhealthy');
    expect(health.services.app!.message).toMatch(/exceeded 1 restart/);
    const status = foundation.status();
    expect(status.services[0]!.details).toMatchObject({ state: 'failed', failure: { code: 5201 } });
    const report = await foundation.shutdown();
    expect(report.failed).toEqual([]);
  });
});
