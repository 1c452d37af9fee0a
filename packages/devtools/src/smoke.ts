import { channel } from 'node:diagnostics_channel';
import { systemClock, type Clock } from '@foundation/core';
import { FoundationError, toFoundationError } from '@foundation/errors';
import { DevtoolsErrorCodes, inputError } from './codes.js';

const resultChannel = channel('foundation:devtools:smoke-result');

/** What a smoke test's `run` receives. */
export interface SmokeTestContext {
  /** Aborted when the test times out or the whole run is cancelled: stop waiting then. */
  readonly signal: AbortSignal;
}

/** One named check of a smoke suite. */
export interface SmokeTest {
  /** What the test checks, for people; unique within a suite. */
  readonly name: string;
  /**
   * Runs the check: returning (or resolving) passes, throwing (or rejecting) fails. It may
   * return {@link skipSmokeTest}'s marker to say the check does not apply.
   */
  run(context: SmokeTestContext): unknown;
  /** This test's own time limit, overriding {@link SmokeOptions.timeoutMs}. */
  readonly timeoutMs?: number;
}

/** How {@link runSmokeTests} runs a suite. */
export interface SmokeOptions {
  /** The time limit for each test, in milliseconds. Default 5 000. */
  readonly timeoutMs?: number;
  /** Cancels the run: the running tests are told, the rest are reported as cancelled. */
  readonly signal?: AbortSignal;
  /** Run the tests at the same time instead of one after another. Default false. */
  readonly concurrent?: boolean;
  /** The clock for time limits and durations. Default `systemClock`. */
  readonly clock?: Clock;
}

/** The outcome of one smoke test. */
export type SmokeStatus = 'ok' | 'failed' | 'timed-out' | 'skipped' | 'cancelled';

/** One test's line in a {@link SmokeReport}. */
export interface SmokeResult {
  /** The test's name. */
  readonly name: string;
  /** What happened. */
  readonly status: SmokeStatus;
  /** How long it ran, in nanoseconds (0 when it never started). */
  readonly durationNs: number;
  /** Why it did not pass (failed, timed out, cancelled), as a FoundationError. */
  readonly error?: FoundationError;
  /** What a passing test returned (when a string), or why it was skipped. */
  readonly message?: string;
}

/** Everything {@link runSmokeTests} found. */
export interface SmokeReport {
  /** True when no test failed, timed out or was cancelled. */
  readonly ok: boolean;
  /** One result per test, in the suite's order. */
  readonly results: readonly SmokeResult[];
  /** How many passed. */
  readonly passed: number;
  /** How many failed, timed out or were cancelled. */
  readonly failed: number;
  /** How many were skipped. */
  readonly skipped: number;
  /** Wall time of the whole run, in nanoseconds. */
  readonly durationNs: number;
}

const SKIP = Symbol.for('@foundation/devtools.smoke-skip');

/** The marker a smoke test returns to say it does not apply here. */
export interface SmokeSkip {
  /** Why the test does not apply. */
  readonly reason: string;
}

/**
 * Makes the marker a smoke test returns when it does not apply (a feature the application
 * lacks): the test is reported as skipped with the reason, never as passed.
 *
 * @param reason - Why the test does not apply, shown as the result's `message`.
 * @returns A frozen marker for the test's `run` to return (not throw).
 * @example
 * ```ts
 * { name: 'config read', run: () => (config ? config.get('port') : skipSmokeTest('no config')) }
 * ```
 */
export function skipSmokeTest(reason: string): SmokeSkip {
  return Object.freeze({ reason, [SKIP]: true });
}

function isSkip(value: unknown): value is SmokeSkip {
  return typeof value === 'object' && value !== null && SKIP in value;
}

function checkTimeout(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw inputError(path, 'must be a finite number of milliseconds > 0', {
      received: typeof value === 'number' ? String(value) : typeof value,
    });
  }
  return value;
}

function checkSuite(tests: unknown): readonly SmokeTest[] {
  if (!Array.isArray(tests)) throw inputError('tests', 'must be an array of smoke tests');
  const names = new Set<string>();
  tests.forEach((test: unknown, index) => {
    const at = `tests[${index}]`;
    if (typeof test !== 'object' || test === null) throw inputError(at, 'must be an object');
    const { name, run, timeoutMs } = test as Record<string, unknown>;
    if (typeof name !== 'string' || name === '')
      throw inputError(`${at}.name`, 'must be a non-empty string');
    if (names.has(name)) throw inputError(`${at}.name`, `'${name}' appears twice in the suite`);
    names.add(name);
    if (typeof run !== 'function') throw inputError(`${at}.run`, 'must be a function');
    checkTimeout(timeoutMs, `${at}.timeoutMs`);
  });
  return tests as readonly SmokeTest[];
}

const TIMED_OUT = Symbol('timed out');
const CANCELLED = Symbol('cancelled');

async function runOne(
  test: SmokeTest,
  timeoutMs: number,
  clock: Clock,
  outer: AbortSignal | undefined,
): Promise<SmokeResult> {
  if (outer?.aborted)
    return { name: test.name, status: 'cancelled', durationNs: 0, error: cancelled(test.name) };
  const controller = new AbortController();
  // The timer's own signal: aborted when the test settles, so no sleep outlives it. A pending
  // sleep keeps the process alive, which is right: the caller is awaiting this result.
  const timerStop = new AbortController();
  let onOuterAbort: (() => void) | undefined;
  const cancelledOutcome = new Promise<typeof CANCELLED>((resolve) => {
    onOuterAbort = () => {
      controller.abort(outer?.reason);
      resolve(CANCELLED);
    };
    outer?.addEventListener('abort', onOuterAbort, { once: true });
  });
  const timer = clock.sleep(timeoutMs, timerStop.signal).then(
    () => TIMED_OUT,
    // Rejects only when the test settled first and the timer was called off: never wins then.
    () => new Promise<never>(() => undefined),
  );
  const startNs = clock.nowNs();
  try {
    const value: unknown = await Promise.race([
      Promise.resolve().then(() => test.run({ signal: controller.signal })),
      timer,
      cancelledOutcome,
    ]);
    const durationNs = clock.nowNs() - startNs;
    if (value === TIMED_OUT) {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      return {
        name: test.name,
        status: 'timed-out',
        durationNs,
        error: new FoundationError(
          'timeout',
          `smoke test '${test.name}' timed out after ${timeoutMs} ms`,
          {
            context: { test: test.name, timeoutMs },
          },
        ),
      };
    }
    if (value === CANCELLED) {
      return { name: test.name, status: 'cancelled', durationNs, error: cancelled(test.name) };
    }
    if (isSkip(value))
      return { name: test.name, status: 'skipped', durationNs, message: value.reason };
    return {
      name: test.name,
      status: 'ok',
      durationNs,
      ...(typeof value === 'string' && { message: value }),
    };
  } catch (error) {
    return {
      name: test.name,
      status: 'failed',
      durationNs: clock.nowNs() - startNs,
      error: toFoundationError(error, DevtoolsErrorCodes.devtools_smoke_failed),
    };
  } finally {
    timerStop.abort();
    if (onOuterAbort) outer?.removeEventListener('abort', onOuterAbort);
  }
}

function cancelled(name: string): FoundationError {
  return new FoundationError(
    DevtoolsErrorCodes.devtools_smoke_failed,
    `smoke test '${name}' was cancelled`,
    {
      context: { test: name, reason: 'cancelled' },
    },
  );
}

/**
 * Runs a smoke suite (the seed's `run_all_smoke_tests`): each named check bounded by a time
 * limit, in order or concurrently, and returns a report. A failing, hanging or cancelled test
 * never throws: it is a line of the report, with its error as a FoundationError. Each result
 * is published on `foundation:devtools:smoke-result` ({ result }).
 *
 * @param tests - The suite: named checks with unique names, each optionally with its own
 *   time limit.
 * @param options - The time limit per test (default 5 000 ms), a cancelling signal, whether to
 *   run concurrently (default one after another) and the clock.
 * @returns One result per test in the suite's order, the passed, failed and skipped counts,
 *   `ok` when nothing failed, timed out or was cancelled, and the run's duration.
 * @throws FoundationError 3204 (`invalid_input`) when the suite or the options are malformed
 * (naming the path, such as `tests[2].run`), before any test runs.
 * @example
 * ```ts
 * const report = await runSmokeTests(
 *   [{ name: 'database answers', run: ({ signal }) => db.ping({ signal }) }],
 *   { timeoutMs: 2_000 },
 * );
 * if (!report.ok) process.exitCode = 1;
 * ```
 */
export async function runSmokeTests(
  tests: readonly SmokeTest[],
  options: SmokeOptions = {},
): Promise<SmokeReport> {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw inputError('options', 'must be an object');
  const suite = checkSuite(tests);
  const defaultTimeoutMs = checkTimeout(options.timeoutMs, 'options.timeoutMs') ?? 5_000;
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  const startNs = clock.nowNs();
  const publish = (result: SmokeResult): SmokeResult => {
    if (resultChannel.hasSubscribers) resultChannel.publish({ result });
    return result;
  };
  const runTest = async (test: SmokeTest) =>
    publish(await runOne(test, test.timeoutMs ?? defaultTimeoutMs, clock, signal));
  let results: SmokeResult[];
  if (options.concurrent === true) {
    results = await Promise.all(suite.map(runTest));
  } else {
    results = [];
    for (const test of suite) results.push(await runTest(test));
  }
  const passed = results.filter((r) => r.status === 'ok').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const failed = results.length - passed - skipped;
  return {
    ok: failed === 0,
    results,
    passed,
    failed,
    skipped,
    durationNs: clock.nowNs() - startNs,
  };
}
