import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ManualClock } from '@foundation/core';
import { FoundationError, isFoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSmokeTests, skipSmokeTest, type SmokeTest } from '../src/index.js';

const one = (): number => 1;
const never = (): Promise<never> => new Promise<never>(() => undefined);

describe('runSmokeTests', () => {
  it('reports ok, failed, skipped and timed-out tests without throwing', async () => {
    const clock = new ManualClock();
    const tests: SmokeTest[] = [
      { name: 'passes', run: () => 'fine' },
      {
        name: 'fails',
        run: () => {
          throw new Error('boom');
        },
      },
      { name: 'rejects with a non-error', run: () => Promise.reject(new Error('nope')) },
      { name: 'skips', run: () => skipSmokeTest('no database here') },
      { name: 'hangs', run: never, timeoutMs: 50 },
    ];
    const pending = runSmokeTests(tests, { clock, timeoutMs: 1_000 });
    await clock.advanceAsync(50);
    const report = await pending;
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['passes', 'ok'],
      ['fails', 'failed'],
      ['rejects with a non-error', 'failed'],
      ['skips', 'skipped'],
      ['hangs', 'timed-out'],
    ]);
    expect(report).toMatchObject({ ok: false, passed: 1, failed: 3, skipped: 1 });
    expect(report.results[0]!.message).toBe('fine');
    expect(report.results[3]!.message).toBe('no database here');
    const failed = report.results[1]!.error!;
    expect(isFoundationError(failed)).toBe(true);
    expect(failed.codeName).toBe('devtools_smoke_failed');
    expect(failed.message).toContain('boom');
    expect(report.results[4]!.error!.codeName).toBe('timeout');
    expect(report.results[4]!.durationNs).toBe(50_000_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('keeps a FoundationError a test throws as it is', async () => {
    const thrown = new FoundationError('network_error', 'down');
    const report = await runSmokeTests([
      {
        name: 'network',
        run: () => {
          throw thrown;
        },
      },
    ]);
    expect(report.results[0]!.error).toBe(thrown);
  });

  it('tells a timed-out test through its signal', async () => {
    const clock = new ManualClock();
    let aborted = false;
    const pending = runSmokeTests(
      [
        {
          name: 'waits',
          run: ({ signal }) =>
            new Promise((_resolve, reject) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                reject(new Error('aborted'));
              });
            }),
        },
      ],
      { clock, timeoutMs: 10 },
    );
    await clock.advanceAsync(10);
    const report = await pending;
    expect(report.results[0]!.status).toBe('timed-out');
    expect(aborted).toBe(true);
  });

  it('runs tests concurrently when asked', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const pending = runSmokeTests(
      ['a', 'b', 'c'].map((name) => ({
        name,
        run: async () => {
          order.push(`start ${name}`);
          await clock.sleep(10);
          order.push(`end ${name}`);
        },
      })),
      { clock, concurrent: true },
    );
    await clock.advanceAsync(10);
    const report = await pending;
    expect(report.ok).toBe(true);
    expect(order.slice(0, 3)).toEqual(['start a', 'start b', 'start c']);
    expect(report.durationNs).toBe(10_000_000);
  });

  it('cancels the running test and the rest when the signal aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let sawAbort = false;
    const pending = runSmokeTests(
      [
        {
          name: 'first',
          run: ({ signal }) => {
            signal.addEventListener('abort', () => (sawAbort = true));
            return never();
          },
        },
        { name: 'second', run: () => 'never runs' },
      ],
      { clock, signal: controller.signal },
    );
    await clock.advanceAsync(1);
    controller.abort();
    const report = await pending;
    expect(report.results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(report.results[1]!.durationNs).toBe(0);
    expect(sawAbort).toBe(true);
    expect(report.ok).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('publishes each result on foundation:devtools:smoke-result', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown): void => {
      seen.push((message as { result: { name: string } }).result.name);
    };
    subscribe('foundation:devtools:smoke-result', listener);
    try {
      await runSmokeTests([{ name: 'one', run: () => undefined }]);
    } finally {
      unsubscribe('foundation:devtools:smoke-result', listener);
    }
    expect(seen).toEqual(['one']);
  });

  it.each([
    [null, 'tests'],
    [[null], 'tests[0]'],
    [[{ name: '', run: one }], 'tests[0].name'],
    [[{ name: 'x', run: 'no' }], 'tests[0].run'],
    [
      [
        { name: 'x', run: one },
        { name: 'x', run: one },
      ],
      'tests[1].name',
    ],
    [[{ name: 'x', run: one, timeoutMs: -1 }], 'tests[0].timeoutMs'],
  ])('refuses a malformed suite %#, naming %s', async (tests, path) => {
    const error = await runSmokeTests(tests as never).catch((e: unknown) => e);
    expect(isFoundationError(error)).toBe(true);
    expect((error as FoundationError).codeName).toBe('invalid_input');
    expect((error as FoundationError).context.path).toBe(path);
  });

  it('refuses malformed options', async () => {
    await expect(runSmokeTests([], null as never)).rejects.toMatchObject({
      context: { path: 'options' },
    });
    await expect(runSmokeTests([], { timeoutMs: Number.NaN })).rejects.toMatchObject({
      context: { path: 'options.timeoutMs', received: 'NaN' },
    });
    await expect(runSmokeTests([], { timeoutMs: '100' as never })).rejects.toMatchObject({
      context: { path: 'options.timeoutMs', received: 'string' },
    });
  });

  it('property: every test gets exactly one result, and the counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('ok', 'throw', 'skip'), { maxLength: 12 }),
        fc.boolean(),
        async (kinds, concurrent) => {
          const tests: SmokeTest[] = kinds.map((kind, i) => ({
            name: `t${i}`,
            run: () => {
              if (kind === 'throw') throw new Error(`t${i}`);
              return kind === 'skip' ? skipSmokeTest('n/a') : undefined;
            },
          }));
          const report = await runSmokeTests(tests, { concurrent });
          expect(report.results.map((r) => r.name)).toEqual(tests.map((t) => t.name));
          expect(report.passed + report.failed + report.skipped).toBe(kinds.length);
          expect(report.failed).toBe(kinds.filter((k) => k === 'throw').length);
          expect(report.ok).toBe(!kinds.includes('throw'));
        },
      ),
      { numRuns: 50 },
    );
  });
});
