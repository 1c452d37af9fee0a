import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import {
  circuitBreaker,
  consecutive,
  countWindow,
  exponentialBackoff,
  constantBackoff,
  timeWindow,
  type BreakerStateChange,
  type CircuitBreaker,
} from '../src/index.js';
import { boom, captureChannel, catchError, rejection } from './helpers.js';

const fail = (breaker: CircuitBreaker) => rejection(breaker.execute(boom));
const succeed = (breaker: CircuitBreaker) => breaker.execute(() => 'ok');

function setup(options: Parameters<typeof circuitBreaker>[0] = {}) {
  const clock = new ManualClock();
  const changes: BreakerStateChange[] = [];
  const breaker = circuitBreaker({ clock, openMs: 1_000, ...options });
  breaker.onStateChange((change) => changes.push(change));
  return { clock, breaker, changes };
}

describe('circuitBreaker: closed → open → half-open → closed', () => {
  it('opens after consecutive failures and rejects fast with 5101 and a retry-after', async () => {
    const { clock, breaker, changes } = setup({ trip: consecutive(3), name: 'payments' });
    let calls = 0;
    const counted = () => {
      calls++;
      throw new Error('down');
    };
    await rejection(breaker.execute(counted));
    await rejection(breaker.execute(counted));
    expect(breaker.state).toBe('closed');
    await rejection(breaker.execute(counted));
    expect(breaker.state).toBe('open');
    clock.advance(400);
    const error = await rejection(breaker.execute(counted));
    expect(calls).toBe(3);
    expect(FoundationError.is(error) && error.code).toBe(5101);
    expect((error as FoundationError).context).toMatchObject({
      breaker: 'payments',
      state: 'open',
      retryAfterMs: 600,
    });
    expect((error as FoundationError).message).toContain("'payments' is open");
    expect(changes.map((c) => [c.from, c.to, c.reason])).toEqual([['closed', 'open', 'tripped']]);
  });

  it('a success resets the consecutive count', async () => {
    const { breaker } = setup({ trip: consecutive(2) });
    await fail(breaker);
    await succeed(breaker);
    await fail(breaker);
    expect(breaker.state).toBe('closed');
    await fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it('goes half-open when the open time is up and closes after a successful probe', async () => {
    const { clock, breaker, changes } = setup({ trip: consecutive(1) });
    await fail(breaker);
    clock.advance(1_000);
    expect(breaker.state).toBe('half_open');
    await expect(succeed(breaker)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes.map((c) => c.reason)).toEqual(['tripped', 'open_elapsed', 'probes_succeeded']);
    expect(changes[2]).toMatchObject({ from: 'half_open', to: 'closed', atMs: 1_000 });
  });

  it('goes straight from open to a probe when a call arrives after the open time', async () => {
    const { clock, breaker, changes } = setup({ trip: consecutive(1) });
    await fail(breaker);
    clock.advance(1_500);
    await fail(breaker);
    expect(changes.map((c) => c.reason)).toEqual(['tripped', 'open_elapsed', 'probe_failed']);
    expect(breaker.state).toBe('open');
  });

  it('limits concurrent probes and needs successThreshold successes to close', async () => {
    const { clock, breaker } = setup({
      trip: consecutive(1),
      halfOpenProbes: 2,
      successThreshold: 3,
    });
    await fail(breaker);
    clock.advance(1_000);
    const gates: (() => void)[] = [];
    const slow = () =>
      breaker.execute(
        () =>
          new Promise<string>((resolve) => {
            gates.push(() => {
              resolve('probe');
            });
          }),
      );
    const first = slow();
    const second = slow();
    const third = await rejection(slow());
    expect((third as FoundationError).code).toBe(5101);
    expect((third as FoundationError).context.state).toBe('half_open');
    expect((third as FoundationError).context.retryAfterMs).toBeUndefined();
    gates.forEach((open) => {
      open();
    });
    await expect(first).resolves.toBe('probe');
    await expect(second).resolves.toBe('probe');
    expect(breaker.state).toBe('half_open');
    await succeed(breaker);
    expect(breaker.state).toBe('closed');
  });

  it('a probe that never finishes is deemed stalled after probeTimeoutMs', async () => {
    const { clock, breaker, changes } = setup({ trip: consecutive(1), probeTimeoutMs: 5_000 });
    await fail(breaker);
    clock.advance(1_000);
    void breaker.execute(() => new Promise<never>(() => undefined));
    clock.advance(4_999);
    expect(((await rejection(succeed(breaker))) as FoundationError).context.state).toBe(
      'half_open',
    );
    clock.advance(1);
    const error = (await rejection(succeed(breaker))) as FoundationError;
    expect(error.context).toMatchObject({ state: 'open', retryAfterMs: 1_000 });
    expect(changes.at(-1)?.reason).toBe('probe_stalled');
    clock.advance(1_000);
    await expect(succeed(breaker)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('ignores a late outcome from an earlier state', async () => {
    const { clock, breaker } = setup({ trip: consecutive(1) });
    let release!: () => void;
    const late = breaker.execute(
      () =>
        new Promise<void>((_, reject) => {
          release = () => {
            reject(new Error('late'));
          };
        }),
    );
    await fail(breaker);
    clock.advance(1_000);
    await succeed(breaker);
    expect(breaker.state).toBe('closed');
    release();
    await rejection(late);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().failures).toBe(2);
  });

  it('grows the open time with openBackoff on each reopening and resets it on recovery', async () => {
    const { clock, breaker } = setup({
      openMs: undefined,
      trip: consecutive(1),
      openBackoff: exponentialBackoff({ initialMs: 100, factor: 2, jitter: 'none' }),
    });
    await fail(breaker);
    expect(breaker.stats().retryAfterMs).toBe(100);
    clock.advance(100);
    await fail(breaker);
    expect(breaker.stats()).toMatchObject({ retryAfterMs: 200, consecutiveOpens: 2 });
    clock.advance(200);
    await fail(breaker);
    expect(breaker.stats().retryAfterMs).toBe(400);
    clock.advance(400);
    await succeed(breaker);
    await fail(breaker);
    expect(breaker.stats()).toMatchObject({ retryAfterMs: 100, consecutiveOpens: 1 });
  });

  it('refuses openMs together with openBackoff', () => {
    const error = catchError(() => circuitBreaker({ openMs: 5, openBackoff: constantBackoff(5) }));
    expect(error.code).toBe(3204);
    expect(error.context).toMatchObject({ path: 'openBackoff' });
  });
});

describe('circuitBreaker: trip rules', () => {
  it('countWindow trips on the failure share of the last calls once minCalls is reached', async () => {
    const { breaker } = setup({ trip: countWindow(4, 0.5, 4) });
    await fail(breaker);
    await fail(breaker);
    await fail(breaker);
    expect(breaker.state).toBe('closed'); // only 3 calls, minCalls 4
    await succeed(breaker);
    expect(breaker.state).toBe('closed'); // a success never trips
    await fail(breaker); // window: F F S F = 3/4
    expect(breaker.state).toBe('open');
  });

  it('countWindow slides: old failures leave the window', async () => {
    const { breaker } = setup({ trip: countWindow(3, 0.6, 3) });
    await fail(breaker);
    await succeed(breaker);
    await succeed(breaker);
    await fail(breaker); // S S F = 1/3
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().window).toEqual({ calls: 3, failures: 1, failureRate: 1 / 3 });
    await fail(breaker); // S F F = 2/3
    expect(breaker.state).toBe('open');
  });

  it('timeWindow counts only calls within the window', async () => {
    const { clock, breaker } = setup({ trip: timeWindow(1_000, 0.5, 4) });
    await fail(breaker);
    await fail(breaker);
    await fail(breaker);
    clock.advance(1_100); // those three slid out
    expect(breaker.stats().window.calls).toBe(0);
    await fail(breaker);
    await succeed(breaker);
    await succeed(breaker);
    expect(breaker.state).toBe('closed');
    clock.advance(300);
    await fail(breaker); // F S S F = 2/4
    expect(breaker.state).toBe('open');
  });

  it('counts slow successes as failures when slowCallMs is set', async () => {
    const { clock, breaker } = setup({ trip: consecutive(2), slowCallMs: 100 });
    const slowCall = () =>
      breaker.execute(async () => {
        await clock.sleep(150);
        return 'slow';
      });
    const first = slowCall();
    await clock.advanceAsync(150);
    await expect(first).resolves.toBe('slow');
    const second = slowCall();
    await clock.advanceAsync(150);
    await second;
    expect(breaker.state).toBe('open');
    expect(breaker.stats()).toMatchObject({ slowCalls: 2, successes: 2, failures: 0 });
  });

  it('validates rule arguments', () => {
    expect(catchError(() => consecutive(0)).context).toMatchObject({ path: 'failures' });
    expect(catchError(() => consecutive(1.5)).code).toBe(3204);
    expect(catchError(() => countWindow(0, 0.5)).context).toMatchObject({ path: 'size' });
    expect(catchError(() => countWindow(10, 1.5)).context).toMatchObject({
      path: 'failureRate',
      rule: 'must be a number > 0 and <= 1',
    });
    expect(catchError(() => countWindow(10, 0)).context).toMatchObject({ path: 'failureRate' });
    expect(catchError(() => countWindow(10, 0.5, 11)).context).toMatchObject({ path: 'minCalls' });
    expect(catchError(() => timeWindow(0, 0.5)).context).toMatchObject({ path: 'windowMs' });
    expect(catchError(() => timeWindow(10, Number.NaN)).context).toMatchObject({
      path: 'failureRate',
    });
    expect(catchError(() => timeWindow(10, 0.5, -1)).context).toMatchObject({ path: 'minCalls' });
    expect(
      catchError(() => circuitBreaker({ trip: { kind: 'nope' } as never })).context,
    ).toMatchObject({
      path: 'trip.kind',
    });
    expect(catchError(() => circuitBreaker({ trip: null as never })).context).toMatchObject({
      path: 'trip',
    });
  });
});

describe('circuitBreaker: failures, aborts and results', () => {
  it('an error isFailure rejects counts as a success', async () => {
    const { breaker } = setup({
      trip: consecutive(1),
      isFailure: (error) => (error as Error).message !== 'not found',
    });
    await rejection(
      breaker.execute(() => {
        throw new Error('not found');
      }),
    );
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ successes: 1, failures: 0 });
  });

  it("the caller's own abort counts neither way and frees the probe slot", async () => {
    const { clock, breaker } = setup({ trip: consecutive(1) });
    const controller = new AbortController();
    const aborted = breaker.execute(
      ({ signal }) =>
        new Promise((_, reject) => {
          signal!.addEventListener('abort', () => {
            reject(new Error('gave up'));
          });
        }),
      { signal: controller.signal },
    );
    controller.abort();
    await rejection(aborted);
    expect(breaker.state).toBe('closed');
    await fail(breaker);
    clock.advance(1_000);
    const probeController = new AbortController();
    const probe = breaker.execute(() => Promise.reject(probeController.signal.reason as Error), {
      signal: probeController.signal,
    });
    probeController.abort(new Error('mine'));
    await rejection(probe);
    expect(breaker.state).toBe('half_open');
    await expect(succeed(breaker)).resolves.toBe('ok'); // the slot was freed
    expect(breaker.state).toBe('closed');
  });

  it('refuses a call whose signal has already aborted with 5105, without running it', async () => {
    const { breaker } = setup();
    let ran = false;
    const error = await rejection(
      breaker.execute(
        () => {
          ran = true;
        },
        { signal: AbortSignal.abort(new Error('stop')) },
      ),
    );
    expect((error as FoundationError).code).toBe(5105);
    expect(((error as FoundationError).cause as Error).message).toBe('stop');
    expect(ran).toBe(false);
  });

  it('passes the attempt number through', async () => {
    const { breaker } = setup();
    await expect(breaker.execute(({ attempt }) => attempt, { attempt: 4 })).resolves.toBe(4);
    await expect(breaker.execute(({ attempt }) => attempt)).resolves.toBe(1);
  });

  it('executeResult returns refusals and errors as values', async () => {
    const { breaker } = setup({ trip: consecutive(1) });
    const failed = await breaker.executeResult(boom);
    expect(failed.ok).toBe(false);
    expect(!failed.ok && (failed.error as Error).message).toBe('boom');
    const refused = await breaker.executeResult(() => 'never');
    expect(!refused.ok && (refused.error as FoundationError).code).toBe(5101);
    const aborted = await breaker.executeResult(() => 1, { signal: AbortSignal.abort() });
    expect(!aborted.ok && (aborted.error as FoundationError).code).toBe(5105);
    breaker.reset();
    await expect(breaker.executeResult(() => 7)).resolves.toEqual({ ok: true, value: 7 });
  });

  it('executeResult counts outcomes like execute', async () => {
    const { breaker } = setup({ trip: consecutive(2), slowCallMs: 10 });
    await breaker.executeResult(boom);
    await breaker.executeResult(boom);
    expect(breaker.state).toBe('open');
  });
});

describe('circuitBreaker: isolate, reset, stats, events', () => {
  it('isolate refuses every call until reset', async () => {
    const { clock, breaker, changes } = setup();
    breaker.isolate();
    breaker.isolate();
    clock.advance(1_000_000);
    const error = (await rejection(succeed(breaker))) as FoundationError;
    expect(error.context).toEqual({ breaker: 'breaker', state: 'isolated' });
    expect(breaker.state).toBe('isolated');
    breaker.reset();
    breaker.reset();
    expect(breaker.state).toBe('closed');
    await expect(succeed(breaker)).resolves.toBe('ok');
    expect(changes.map((c) => c.reason)).toEqual(['isolated', 'reset']);
  });

  it('stats count calls, outcomes and rejections', async () => {
    const { breaker } = setup({ trip: consecutive(2) });
    await succeed(breaker);
    await fail(breaker);
    await fail(breaker);
    await rejection(succeed(breaker));
    expect(breaker.stats()).toEqual({
      name: 'breaker',
      state: 'open',
      calls: 3,
      successes: 1,
      failures: 2,
      slowCalls: 0,
      rejections: 1,
      window: { calls: 0, failures: 0, failureRate: 0 },
      consecutiveOpens: 1,
      retryAfterMs: 1_000,
    });
  });

  it('publishes state changes on foundation:resilience:breaker and survives a throwing listener', async () => {
    const { breaker } = setup({ trip: consecutive(1), name: 'svc' });
    const stop = breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    let listenerErrors: unknown[] = [];
    const messages = await captureChannel('foundation:resilience:breaker', async () => {
      listenerErrors = await captureChannel('foundation:resilience:listener-error', () =>
        fail(breaker),
      );
    });
    expect(messages).toEqual([
      { name: 'svc', from: 'closed', to: 'open', reason: 'tripped', atMs: 0 },
    ]);
    expect(listenerErrors).toHaveLength(1);
    expect(breaker.state).toBe('open');
    stop();
    const quiet = await captureChannel('foundation:resilience:listener-error', () => {
      breaker.reset();
    });
    expect(quiet).toEqual([]);
    expect(catchError(() => breaker.onStateChange(5 as never)).code).toBe(3204);
  });

  it('a throwing listener with no diagnostics subscriber still leaves the breaker working', async () => {
    const breaker = circuitBreaker({ trip: consecutive(1), clock: new ManualClock() });
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    await fail(breaker);
    expect(breaker.state).toBe('open');
  });
});

describe('circuitBreaker: snapshot and restore', () => {
  it('round-trips an open breaker through JSON into a fresh one', async () => {
    const { clock, breaker } = setup({ trip: consecutive(1), name: 'a' });
    await fail(breaker);
    clock.advance(300);
    const json = JSON.parse(JSON.stringify(breaker.snapshot())) as unknown;
    expect(json).toEqual({
      version: 1,
      name: 'a',
      state: 'open',
      openRemainingMs: 700,
      consecutiveOpens: 1,
      rule: { kind: 'consecutive', failures: 1 },
      window: { failures: 0 },
    });
    const other = setup({ trip: consecutive(1), name: 'a' });
    other.clock.advance(50_000);
    other.breaker.restore(json);
    expect(other.breaker.state).toBe('open');
    expect(other.breaker.stats()).toMatchObject({ retryAfterMs: 700, consecutiveOpens: 1 });
    expect(other.changes.at(-1)).toMatchObject({ to: 'open', reason: 'restored' });
    other.clock.advance(700);
    expect(other.breaker.state).toBe('half_open');
  });

  it('bounds a restored openRemainingMs by the configured open duration', () => {
    const { clock, breaker } = setup({ trip: consecutive(1) }); // openMs 1 000
    breaker.restore({
      version: 1,
      name: 'breaker',
      state: 'open',
      openRemainingMs: 1e308,
      consecutiveOpens: 1,
      rule: { kind: 'consecutive', failures: 1 },
      window: breaker.snapshot().window,
    });
    expect(breaker.state).toBe('open');
    expect(breaker.stats().retryAfterMs).toBe(1_000);
    clock.advance(1_000);
    expect(breaker.state).toBe('half_open');
    const backed = circuitBreaker({
      clock,
      openBackoff: exponentialBackoff({ initialMs: 100, maxMs: 800, jitter: 'none' }),
    });
    backed.restore({
      ...breaker.snapshot(),
      state: 'open',
      openRemainingMs: 1e9,
      consecutiveOpens: 3,
    });
    expect(backed.stats().retryAfterMs).toBe(400); // the third opening in a row: 100 · 2²
  });

  it('restores count and time windows with the same rule', async () => {
    const count = setup({ trip: countWindow(4, 0.5, 4) });
    await fail(count.breaker);
    await succeed(count.breaker);
    await fail(count.breaker);
    const countCopy = setup({ trip: countWindow(4, 0.5, 4) });
    countCopy.breaker.restore(count.breaker.snapshot());
    expect(countCopy.breaker.stats().window).toMatchObject({ calls: 3, failures: 2 });
    await fail(countCopy.breaker);
    expect(countCopy.breaker.state).toBe('open');

    const timed = setup({ trip: timeWindow(1_000, 0.5, 3) });
    await fail(timed.breaker);
    timed.clock.advance(500);
    await fail(timed.breaker);
    const timedCopy = setup({ trip: timeWindow(1_000, 0.5, 3) });
    timedCopy.clock.advance(123_456);
    timedCopy.breaker.restore(timed.breaker.snapshot());
    expect(timedCopy.breaker.stats().window).toMatchObject({ calls: 2, failures: 2 });
    timedCopy.clock.advance(600); // the first failure slides out
    expect(timedCopy.breaker.stats().window).toMatchObject({ calls: 1, failures: 1 });
  });

  it('drops the window when the rule changed, keeping the state', async () => {
    const { breaker } = setup({ trip: countWindow(4, 0.5, 4) });
    await fail(breaker);
    breaker.isolate();
    const other = setup({ trip: consecutive(3) });
    other.breaker.restore(breaker.snapshot());
    expect(other.breaker.state).toBe('isolated');
    expect(other.breaker.stats().window.calls).toBe(0);
  });

  it('refuses malformed snapshots and leaves the state unchanged', async () => {
    const { breaker } = setup({ trip: countWindow(4, 0.5, 4) });
    await fail(breaker);
    const good = breaker.snapshot();
    const bad: [unknown, string][] = [
      [null, 'snapshot'],
      [[], 'snapshot'],
      [{ ...good, version: 2 }, 'snapshot.version'],
      [{ ...good, state: 'melted' }, 'snapshot.state'],
      [{ ...good, openRemainingMs: -1 }, 'snapshot.openRemainingMs'],
      [{ ...good, consecutiveOpens: 0.5 }, 'snapshot.consecutiveOpens'],
      [{ ...good, rule: { kind: 'count_window', size: 0 } }, 'size'],
      [{ ...good, window: { outcomes: [1, 2] } }, 'snapshot.window'],
      [{ ...good, window: { outcomes: [1, 1, 1, 1, 1] } }, 'snapshot.window'],
      [{ ...good, window: null }, 'snapshot.window'],
    ];
    for (const [snapshot, path] of bad) {
      const error = catchError(() => {
        breaker.restore(snapshot);
      });
      expect(error.code).toBe(3204);
      expect(error.context.path).toBe(path);
    }
    expect(breaker.snapshot()).toEqual(good);
  });

  it('refuses bad window data for consecutive and time rules', () => {
    const consecutiveBreaker = setup({ trip: consecutive(3) }).breaker;
    const snap = consecutiveBreaker.snapshot();
    for (const window of [{ failures: 3 }, { failures: -1 }, {}]) {
      expect(
        catchError(() => {
          consecutiveBreaker.restore({ ...snap, window });
        }).context.path,
      ).toBe('snapshot.window');
    }
    const timed = setup({ trip: timeWindow(1_000, 0.5) }).breaker;
    const timedSnap = timed.snapshot();
    const badWindows = [
      { buckets: 'x' },
      { buckets: Array.from({ length: 11 }, () => ({ ageMs: 0, calls: 1, failures: 0 })) },
      { buckets: [{ ageMs: 1_000, calls: 1, failures: 0 }] },
      { buckets: [{ ageMs: 0, calls: 1, failures: 2 }] },
      { buckets: [null] },
    ];
    for (const window of badWindows) {
      expect(
        catchError(() => {
          timed.restore({ ...timedSnap, window });
        }).context.path,
      ).toBe('snapshot.window');
    }
  });

  it('restores half-open with no probe in flight', async () => {
    const { clock, breaker } = setup({ trip: consecutive(1) });
    await fail(breaker);
    clock.advance(1_000);
    const snap = breaker.snapshot();
    expect(snap.state).toBe('half_open');
    const other = setup({ trip: consecutive(1) });
    other.breaker.restore(snap);
    await expect(succeed(other.breaker)).resolves.toBe('ok');
    expect(other.breaker.state).toBe('closed');
  });
});

describe('circuitBreaker: options', () => {
  it('refuses invalid options with the path and the rule', () => {
    const cases: [Parameters<typeof circuitBreaker>[0], string][] = [
      [{ name: '' }, 'name'],
      [{ openMs: 0 }, 'openMs'],
      [{ openMs: -5 }, 'openMs'],
      [{ halfOpenProbes: 0 }, 'halfOpenProbes'],
      [{ successThreshold: 1.5 }, 'successThreshold'],
      [{ probeTimeoutMs: Number.POSITIVE_INFINITY }, 'probeTimeoutMs'],
      [{ slowCallMs: 0 }, 'slowCallMs'],
      [{ isFailure: 'yes' as never }, 'isFailure'],
      [{ openBackoff: 3 as never }, 'openBackoff'],
      [{ clock: {} as never }, 'clock'],
      ['nope' as never, 'options'],
    ];
    for (const [options, path] of cases) {
      const error = catchError(() => circuitBreaker(options));
      expect(error.code).toBe(3204);
      expect(error.context.path).toBe(path);
      expect(typeof error.context.rule).toBe('string');
    }
  });

  it('works with the system clock by default', async () => {
    const breaker = circuitBreaker();
    await expect(breaker.execute(() => 1)).resolves.toBe(1);
    expect(breaker.name).toBe('breaker');
  });
});
