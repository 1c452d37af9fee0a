import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { QUALITY_CHANNELS, runGates, type Gate, type GateProgress } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'foundation-quality-runner-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function timedGate(
  name: string,
  clock: ManualClock,
  ms: number,
  status: 'passed' | 'failed' | 'skipped',
): Gate {
  return {
    name,
    run: () => {
      clock.advance(ms);
      return Promise.resolve({
        status,
        threshold: 't',
        measured: 'm',
        evidence: [{ message: `${name} evidence` }],
        ...(status === 'passed' ? {} : { reason: `${name} ${status}` }),
      });
    },
  };
}

describe('runGates', () => {
  it('runs custom gates in order, timing each with the injected clock', async () => {
    const clock = new ManualClock({ startMs: 1000, wallStartMs: Date.UTC(2026, 0, 2) });
    const progress: GateProgress[] = [];
    const report = await runGates(
      {},
      {
        rootDir: dir,
        clock,
        gates: [
          timedGate('first', clock, 250, 'passed'),
          timedGate('second', clock, 40, 'skipped'),
        ],
        onProgress: (event) => progress.push(event),
      },
    );
    expect(report).toMatchObject({
      schema: 'foundation-quality-report',
      schemaVersion: 1,
      rootDir: dir,
      startedAt: '2026-01-02T00:00:00.000Z',
      durationMs: 290,
      verdict: 'passed',
      summary: { passed: 1, failed: 0, skipped: 1 },
    });
    expect(report.gates.map((g) => [g.name, g.status, g.durationMs])).toEqual([
      ['first', 'passed', 250],
      ['second', 'skipped', 40],
    ]);
    expect(
      progress.map((p) => (p.phase === 'start' ? `start ${p.gate}` : `end ${p.result.name}`)),
    ).toEqual(['start first', 'end first', 'start second', 'end second']);
  });

  it('fails the verdict when a gate fails, and --only picks gates', async () => {
    const clock = new ManualClock();
    const gates = [timedGate('a', clock, 1, 'failed'), timedGate('b', clock, 1, 'passed')];
    expect((await runGates({}, { rootDir: dir, clock, gates })).verdict).toBe('failed');
    const onlyB = await runGates({}, { rootDir: dir, clock, gates, only: ['b'] });
    expect(onlyB.gates.map((g) => g.name)).toEqual(['b']);
    expect(onlyB.verdict).toBe('passed');
  });

  it('publishes gate start and finish on diagnostics channels', async () => {
    const seen: string[] = [];
    const onStart = (message: unknown) =>
      seen.push(`started ${(message as { gate: string }).gate}`);
    const onEnd = (message: unknown) =>
      seen.push(`finished ${(message as { result: { name: string } }).result.name}`);
    subscribe(QUALITY_CHANNELS.gateStarted, onStart);
    subscribe(QUALITY_CHANNELS.gateFinished, onEnd);
    try {
      const clock = new ManualClock();
      await runGates({}, { rootDir: dir, clock, gates: [timedGate('x', clock, 1, 'passed')] });
    } finally {
      unsubscribe(QUALITY_CHANNELS.gateStarted, onStart);
      unsubscribe(QUALITY_CHANNELS.gateFinished, onEnd);
    }
    expect(seen).toEqual(['started x', 'finished x']);
    expect(channel(QUALITY_CHANNELS.gateStarted).hasSubscribers).toBe(false);
  });

  it('stops with 8105 and no report when a gate throws, keeping input errors as they are', async () => {
    const crash: Gate = { name: 'crash', run: () => Promise.reject(new TypeError('bug')) };
    const error: unknown = await runGates({}, { rootDir: dir, gates: [crash] }).catch(
      (e: unknown) => e,
    );
    expect(FoundationError.is(error) && error.code).toBe(8105);
    expect((error as Error).message).toBe("gate 'crash' threw: bug");
    const thrower: Gate = {
      name: 'str',
      run: async () => {
        // A gate that throws a non-Error value.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'text';
      },
    };
    expect(
      ((await runGates({}, { rootDir: dir, gates: [thrower] }).catch((e: unknown) => e)) as Error)
        .message,
    ).toBe("gate 'str' threw: text");
    const input = new FoundationError('invalid_input', 'bad');
    const bad: Gate = { name: 'bad', run: () => Promise.reject(input) };
    expect(await runGates({}, { rootDir: dir, gates: [bad] }).catch((e: unknown) => e)).toBe(input);
  });

  it('honours cancellation before and during a gate', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const clock = new ManualClock();
    await expect(
      runGates(
        {},
        {
          rootDir: dir,
          clock,
          signal: controller.signal,
          gates: [timedGate('a', clock, 1, 'passed')],
        },
      ),
    ).rejects.toThrow('stop');
    const during = new AbortController();
    const cancelled: Gate = {
      name: 'c',
      run: () => {
        during.abort(new Error('cancelled'));
        return Promise.reject(new Error('cancelled'));
      },
    };
    await expect(
      runGates({}, { rootDir: dir, signal: during.signal, gates: [cancelled] }),
    ).rejects.toThrow('cancelled');
  });
});
