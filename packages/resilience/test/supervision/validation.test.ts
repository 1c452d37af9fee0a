import { ManualClock, type Service } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SelfHealing, Supervisor, type ChildSpec } from '../../src/index.js';
import { Probe } from './helpers.js';

function refusal(make: () => unknown): FoundationError {
  try {
    make();
  } catch (error) {
    expect(FoundationError.is(error)).toBe(true);
    const refused = error as FoundationError;
    expect(refused.code).toBe(5204);
    return refused;
  }
  throw new Error('expected a refusal');
}

const service: Service = {
  name: 'svc',
  start: () => undefined,
  stop: () => undefined,
  health: () => ({ status: 'healthy' }),
};

describe('supervisor specs are checked at construction', () => {
  const probe = new Probe();

  it('refuses duplicate child ids', () => {
    const error = refusal(
      () => new Supervisor({ children: [probe.child('a'), probe.child('b'), probe.child('a')] }),
    );
    expect(error.context).toMatchObject({ path: 'options.children[2].id', rule: 'unique' });
    expect(error.message).toContain("'a' is a duplicate");
  });

  it('refuses unknown strategies and restart types', () => {
    const strategy = refusal(() => new Supervisor({ strategy: 'one_for_some' as never }));
    expect(strategy.context).toMatchObject({ path: 'options.strategy', rule: 'one_of' });
    expect(strategy.message).toContain('one_for_one, one_for_all, rest_for_one');
    const restart = refusal(
      () => new Supervisor({ children: [probe.child('a', { restart: 'forever' as never })] }),
    );
    expect(restart.context).toMatchObject({ path: 'options.children[0].restart' });
  });

  it('refuses non-positive intensities and periods', () => {
    for (const maxRestarts of [0, -1, 1.5, Number.NaN, Infinity]) {
      const error = refusal(() => new Supervisor({ maxRestarts }));
      expect(error.context).toMatchObject({ path: 'options.maxRestarts', rule: 'range' });
    }
    for (const periodMs of [0, -5, Number.POSITIVE_INFINITY]) {
      const error = refusal(() => new Supervisor({ periodMs }));
      expect(error.context).toMatchObject({ path: 'options.periodMs', rule: 'range' });
    }
    refusal(() => new Supervisor({ maxRestarts: '3' as never }));
  });

  it('refuses children that are not stoppable', () => {
    const { stop: _stop, ...noStop } = service;
    const error = refusal(
      () => new Supervisor({ children: [{ id: 'x', service: noStop as Service }] }),
    );
    expect(error.context).toMatchObject({ path: 'options.children[0].service', rule: 'stoppable' });
    expect(error.message).toContain('stop (missing)');
    const both = refusal(
      () =>
        new Supervisor({
          children: [{ id: 'x', service, start: () => service } as unknown as ChildSpec],
        }),
    );
    expect(both.context).toMatchObject({ rule: 'start_or_service' });
    const neither = refusal(() => new Supervisor({ children: [{ id: 'x' } as ChildSpec] }));
    expect(neither.context).toMatchObject({ rule: 'start_or_service' });
    const notFunction = refusal(
      () => new Supervisor({ children: [{ id: 'x', start: 42 } as unknown as ChildSpec] }),
    );
    expect(notFunction.context).toMatchObject({ path: 'options.children[0].start' });
  });

  it('refuses forbidden and empty ids and names', () => {
    for (const id of ['__proto__', 'constructor', 'prototype']) {
      const error = refusal(() => new Supervisor({ children: [probe.child(id)] }));
      expect(error.context).toMatchObject({ rule: 'forbidden_key' });
    }
    refusal(() => new Supervisor({ children: [probe.child('')] }));
    refusal(() => new Supervisor({ name: '' }));
  });

  it('refuses malformed options, timeouts, backoffs and health polls', () => {
    refusal(() => new Supervisor(null as never));
    refusal(() => new Supervisor([] as never));
    refusal(() => new Supervisor({ children: {} as never }));
    refusal(() => new Supervisor({ children: [null as never] }));
    refusal(() => new Supervisor({ healthTimeoutMs: -1 }));
    const cases: Partial<ChildSpec>[] = [
      // The deprecated old name is still checked.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      { shutdownTimeoutMs: -1 },
      { stopTimeoutMs: -1 },
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      { stopTimeoutMs: 10, shutdownTimeoutMs: 10 },
      { startTimeoutMs: Number.NaN },
      { backoff: {} as never },
      { backoff: { initialDelayMs: -1 } },
      { backoff: { initialDelayMs: 100, maxDelayMs: 50 } },
      { backoff: { initialDelayMs: 100, factor: 0.5 } },
      { backoff: 'fast' as never },
      { healthCheck: { intervalMs: 0 } },
      { healthCheck: {} as never },
      { healthCheck: { intervalMs: 10, timeoutMs: -1 } },
    ];
    for (const extra of cases) {
      refusal(() => new Supervisor({ children: [{ ...probe.child('a'), ...extra } as ChildSpec] }));
    }
  });

  it('refuses any hostile options with a 5204 error, never another kind of error', () => {
    const hostile = fc.oneof(
      fc.anything(),
      fc.record({
        name: fc.anything(),
        strategy: fc.anything(),
        maxRestarts: fc.anything(),
        periodMs: fc.anything(),
        children: fc.array(
          fc.record({ id: fc.anything(), restart: fc.anything(), start: fc.anything() }),
          { maxLength: 3 },
        ),
      }),
    );
    fc.assert(
      fc.property(hostile, (options) => {
        try {
          new Supervisor(options as never);
        } catch (error) {
          expect(FoundationError.is(error)).toBe(true);
          expect((error as FoundationError).code).toBe(5204);
          expect((error as FoundationError).context.path).toEqual(expect.any(String));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a duplicate or invalid child given at run time, leaving the children unchanged', async () => {
    const supervisor = new Supervisor({ clock: new ManualClock(), children: [probe.child('a')] });
    await supervisor.start();
    await expect(supervisor.startChild(probe.child('a'))).rejects.toMatchObject({
      code: 5204,
      context: { path: 'spec.id', rule: 'unique' },
    });
    await expect(supervisor.startChild({ id: 'b' } as ChildSpec)).rejects.toMatchObject({
      code: 5204,
    });
    expect(supervisor.whichChildren().map((c) => c.id)).toEqual(['a']);
    await supervisor.stop();
  });
});

describe('self-healing specs are checked at construction', () => {
  const check = { name: 'c', intervalMs: 100, check: () => true };

  it('refuses duplicate names, bad intervals, thresholds, jitter and missing functions', () => {
    const duplicate = refusal(() => new SelfHealing({ checks: [check, check] }));
    expect(duplicate.context).toMatchObject({ path: 'options.checks[1].name', rule: 'unique' });
    const cases: Record<string, unknown>[] = [
      { intervalMs: 0 },
      { intervalMs: undefined },
      { failureThreshold: 0 },
      { successThreshold: 1.5 },
      { jitter: 1 },
      { jitter: -0.1 },
      { timeoutMs: -1 },
      { healTimeoutMs: Number.NaN },
      { check: 'yes' },
      { heal: 'restart' },
      { name: '__proto__' },
    ];
    for (const extra of cases) {
      refusal(() => new SelfHealing({ checks: [{ ...check, ...extra }] }));
    }
    refusal(() => new SelfHealing({ checks: 'all' as never }));
    refusal(() => new SelfHealing(undefined as never));
    refusal(() => new SelfHealing({ checks: [], random: 4 as never }));
    refusal(() => new SelfHealing({ checks: [], name: 'constructor' }));
  });
});
