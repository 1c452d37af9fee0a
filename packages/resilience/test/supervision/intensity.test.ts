import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Supervisor, type SupervisorEvent } from '../../src/index.js';
import { flush, Probe } from './helpers.js';

function setup(maxRestarts?: number, periodMs?: number) {
  const clock = new ManualClock();
  const probe = new Probe();
  const supervisor = new Supervisor({
    name: 'top',
    clock,
    ...(maxRestarts !== undefined && { maxRestarts }),
    ...(periodMs !== undefined && { periodMs }),
    children: [probe.child('a'), probe.child('b'), probe.child('c')],
  });
  return { clock, probe, supervisor };
}

describe('restart intensity', () => {
  it("defaults to Erlang's 1 restart in 5 s", () => {
    const { supervisor } = setup();
    expect(supervisor.maxRestarts).toBe(1);
    expect(supervisor.periodMs).toBe(5_000);
    expect(supervisor.strategy).toBe('one_for_one');
    expect(supervisor.name).toBe('top');
    expect(new Supervisor().name).toBe('supervisor');
  });

  it('escalates on the second restart within the period', async () => {
    const { clock, probe, supervisor } = setup();
    const events: SupervisorEvent[] = [];
    supervisor.subscribe((event) => events.push(event));
    const escalations: unknown[] = [];
    supervisor.onCrash((reason) => escalations.push(reason));
    await supervisor.start();
    probe.crash('b');
    await flush();
    expect(supervisor.state).toBe('running');
    await clock.advanceAsync(4_999);
    probe.take();
    probe.crash('b', new Error('boom'));
    await flush();
    // Children are stopped in reverse order (b already stopped by its crash).
    expect(probe.take()).toEqual(['stop:b', 'stop:c', 'stop:a']);
    expect(supervisor.state).toBe('failed');
    expect(escalations).toHaveLength(1);
    const error = escalations[0] as FoundationError;
    expect(FoundationError.is(error)).toBe(true);
    expect(error.code).toBe(5201);
    expect(error.codeName).toBe('supervisor_escalated');
    expect(error.context).toMatchObject({
      supervisor: 'top',
      maxRestarts: 1,
      periodMs: 5_000,
      restarts: [
        { childId: 'b', atMs: 0, reason: 'b crashed' },
        { childId: 'b', atMs: 4_999, reason: 'boom' },
      ],
    });
    expect((error.cause as Error).message).toBe('boom');
    expect(supervisor.failure).toBe(error);
    expect(events.at(-1)).toMatchObject({ type: 'escalated', supervisor: 'top', error });

    const health = await supervisor.health();
    expect(health.status).toBe('unhealthy');
    expect(health.message).toContain("supervisor 'top' exceeded 1 restart(s) in 5000 ms");
    expect(health.details?.error).toMatchObject({ code: 5201 });
    const status = supervisor.status();
    expect(status).toMatchObject({ state: 'failed', failure: { code: 5201 } });
    expect(supervisor.countChildren().active).toBe(0);
  });

  it('does not escalate when restarts fall just outside the period', async () => {
    const { clock, probe, supervisor } = setup();
    await supervisor.start();
    for (let i = 0; i < 5; i++) {
      probe.crash('a');
      await flush();
      expect(supervisor.state).toBe('running');
      await clock.advanceAsync(5_000);
    }
    expect(supervisor.whichChildren()[0]!.restarts).toBe(5);
    expect(supervisor.status()).toMatchObject({ restartsInPeriod: 0, totalRestarts: 5 });
    await supervisor.stop();
  });

  it('counts restarts of all children together', async () => {
    const { probe, supervisor } = setup(2, 1_000);
    await supervisor.start();
    probe.crash('a');
    await flush();
    probe.crash('b');
    await flush();
    expect(supervisor.state).toBe('running');
    expect(supervisor.status()).toMatchObject({ restartsInPeriod: 2 });
    probe.crash('c');
    await flush();
    expect(supervisor.state).toBe('failed');
  });

  it('can be started afresh after escalating, with an empty history', async () => {
    const { probe, supervisor } = setup();
    await supervisor.start();
    probe.crash('a');
    await flush();
    probe.crash('a');
    await flush();
    expect(supervisor.state).toBe('failed');
    probe.take();
    await supervisor.start();
    expect(probe.take()).toEqual(['start:a', 'start:b', 'start:c']);
    expect(supervisor.failure).toBeUndefined();
    expect(supervisor.status()).toMatchObject({ state: 'running', restartsInPeriod: 0 });
    expect((await supervisor.health()).status).toBe('healthy');
    await supervisor.stop();
  });

  it('escalates exactly when a window of periodMs holds more than maxRestarts restarts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 12 }),
        async (maxRestarts, periodMs, gaps) => {
          const { clock, probe, supervisor } = setup(maxRestarts, periodMs);
          await supervisor.start();
          // The model: the i-th crash escalates when more than maxRestarts crashes, it included,
          // happened less than periodMs before it.
          const times: number[] = [];
          let expectedAt = -1;
          let t = 0;
          for (const [index, gap] of gaps.entries()) {
            t += gap;
            times.push(t);
            const recent = times.filter((at) => t - at < periodMs).length;
            if (expectedAt < 0 && recent > maxRestarts) expectedAt = index;
          }
          let escalatedAt = -1;
          for (const [index, gap] of gaps.entries()) {
            await clock.advanceAsync(gap);
            probe.crash('a');
            await flush(3);
            if (supervisor.state === 'failed') {
              escalatedAt = index;
              break;
            }
          }
          expect(escalatedAt).toBe(expectedAt);
          await supervisor.stop();
        },
      ),
      { numRuns: 60 },
    );
  });
});
