/**
 * Graceful shutdown on process signals: the reusable part of stopping a service well. On the
 * first SIGTERM or SIGINT the steps are stopped in reverse order (the last thing started stops
 * first: stop accepting requests before stopping what they use), each told through an
 * `AbortSignal` when the drain deadline passes so it can stop waiting and force; a second
 * signal exits at once.
 */
import { constants } from 'node:os';
import { systemClock, type Clock } from './clock.js';
import { InvalidInputError } from './invalid-input-error.js';
import type { ErrorSummary } from './lifecycle.js';
import { TIMED_OUT, within } from './within.js';

/** One thing to stop on shutdown: a server, a foundation, a queue consumer. */
export interface ShutdownStep {
  /** A name for the report. */
  readonly name: string;
  /**
   * Stops it. `deadline` aborts when the drain deadline passes (it may have already, for steps
   * reached late): finish now (close remaining connections, drop the queue). Throwing or rejecting counts as a failed step; the next
   * steps still run.
   */
  stop(deadline: AbortSignal): unknown;
}

/** Where signals come from: `process` by default, any event emitter in tests. */
export interface SignalSource {
  /** Adds a listener for a signal name. */
  on(event: string, listener: (signal: string) => void): unknown;
  /** Removes it. */
  off(event: string, listener: (signal: string) => void): unknown;
}

/** What happened during a graceful shutdown, for a CLI to print or a logger to record. */
export type ShutdownEvent =
  | { readonly type: 'started'; readonly reason: string }
  | { readonly type: 'step-stopped'; readonly name: string }
  | { readonly type: 'step-failed'; readonly name: string; readonly error: ErrorSummary }
  | { readonly type: 'step-timed-out'; readonly name: string }
  | { readonly type: 'forced'; readonly signal: string; readonly exitCode: number }
  | { readonly type: 'finished'; readonly report: GracefulShutdownReport };

/** What a graceful shutdown did. */
export interface GracefulShutdownReport {
  /** The signal (or the reason given to `shutdown()`) that started it. */
  readonly reason: string;
  /** Steps that stopped, in stop order. */
  readonly stopped: readonly string[];
  /** Steps whose stop threw or rejected. */
  readonly failed: readonly { readonly name: string; readonly error: ErrorSummary }[];
  /** Steps still stopping when their time (the deadline plus `forceTimeoutMs`) ran out. */
  readonly timedOut: readonly string[];
  /** The exit code: 0 when every step stopped, 1 otherwise. */
  readonly exitCode: number;
}

/** Options of {@link handleShutdownSignals}. */
export interface GracefulShutdownOptions {
  /** What to stop, in start order; they are stopped in reverse order. */
  readonly steps: readonly ShutdownStep[];
  /** The signals that start the shutdown. Default `['SIGINT', 'SIGTERM']`. */
  readonly signals?: readonly string[];
  /** How long the steps may take to drain before their deadline signal aborts. Default 10 000. */
  readonly drainTimeoutMs?: number;
  /** How long each step may still take after the deadline before it is abandoned. Default 2 000. */
  readonly forceTimeoutMs?: number;
  /** Time source. Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Ends the process; called once with the exit code. Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Where signals come from. Default `process`. */
  readonly source?: SignalSource;
  /** Told each step of the way (a library never prints; a CLI can). Errors it throws are ignored. */
  readonly onEvent?: (event: ShutdownEvent) => void;
}

/** A signal handler installed by {@link handleShutdownSignals}. */
export interface GracefulShutdown {
  /**
   * Starts the shutdown as a signal would (or returns the one in progress), and exits with its
   * report's code when done.
   */
  shutdown(reason?: string): Promise<GracefulShutdownReport>;
  /** Removes the signal listeners; a shutdown in progress goes on. */
  dispose(): void;
}

const DEFAULT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function summarize(error: unknown): ErrorSummary {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: String(error) };
}

/** The conventional exit code of a process ended by `signal`: 128 + its number. */
function signalExitCode(signal: string): number {
  const number = (constants.signals as Readonly<Record<string, number | undefined>>)[signal];
  return number === undefined ? 1 : 128 + number;
}

function checkOptions(options: GracefulShutdownOptions): void {
  const where = 'handleShutdownSignals';
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new InvalidInputError(where, 'options', 'must be an object', options);
  }
  if (!Array.isArray(options.steps)) {
    throw new InvalidInputError(where, 'options.steps', 'must be an array', options.steps);
  }
  options.steps.forEach((step: unknown, index) => {
    const { name, stop } = (step ?? {}) as { name?: unknown; stop?: unknown };
    if (typeof name !== 'string' || name === '') {
      throw new InvalidInputError(
        where,
        `options.steps[${index}].name`,
        'must be a non-empty string',
      );
    }
    if (typeof stop !== 'function') {
      throw new InvalidInputError(where, `options.steps[${index}].stop`, 'must be a function');
    }
  });
  const signals: unknown = options.signals;
  if (
    signals !== undefined &&
    (!Array.isArray(signals) || signals.some((signal) => typeof signal !== 'string'))
  ) {
    throw new InvalidInputError(where, 'options.signals', 'must be an array of signal names');
  }
  for (const name of ['drainTimeoutMs', 'forceTimeoutMs'] as const) {
    const value: unknown = options[name];
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    ) {
      throw new InvalidInputError(where, `options.${name}`, 'must be a finite number >= 0', value);
    }
  }
  for (const name of ['exit', 'onEvent'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidInputError(where, `options.${name}`, 'must be a function', options[name]);
    }
  }
}

/**
 * Installs graceful shutdown on process signals. On the first signal (SIGINT or SIGTERM by
 * default): the steps are stopped one by one in reverse order; each gets an `AbortSignal` that
 * aborts when `drainTimeoutMs` has passed since the signal, and is abandoned (reported in
 * `timedOut`) if it is still stopping `forceTimeoutMs` after that; then `exit` is called with 0,
 * or 1 when a step failed or timed out. A second signal while stopping exits at once with 128 +
 * the signal's number. The deadline timers keep the process alive while the shutdown runs.
 *
 * @param options - the steps in start order, and optionally the signals (default SIGINT and
 *   SIGTERM), `drainTimeoutMs` (default 10 000), `forceTimeoutMs` (default 2 000), the clock,
 *   `exit` (default `process.exit`), the signal source (default `process`) and `onEvent`
 * @returns a handle whose `shutdown()` starts the shutdown by hand and whose `dispose()`
 *   removes the signal listeners; the listeners are installed before it returns
 * @throws InvalidInputError (3204) naming the bad option.
 *
 * @example
 * ```ts
 * handleShutdownSignals({
 *   steps: [
 *     { name: 'foundation', stop: () => foundation.shutdown() },
 *     { name: 'http', stop: (deadline) => drainServer(server, deadline) },
 *   ],
 *   drainTimeoutMs: 10_000,
 * });
 * ```
 */
export function handleShutdownSignals(options: GracefulShutdownOptions): GracefulShutdown {
  checkOptions(options);
  const steps = [...options.steps];
  const signals = options.signals ?? DEFAULT_SIGNALS;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const forceTimeoutMs = options.forceTimeoutMs ?? 2_000;
  const clock = options.clock ?? systemClock;
  const exit =
    options.exit ??
    ((code: number) => {
      process.exit(code);
    });
  const source: SignalSource = options.source ?? process;
  let running: Promise<GracefulShutdownReport> | undefined;
  let exited = false;

  const tell = (event: ShutdownEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // Reporting must never stop the shutdown.
    }
  };
  const exitOnce = (code: number): void => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  async function run(reason: string): Promise<GracefulShutdownReport> {
    tell({ type: 'started', reason });
    const deadline = new AbortController();
    const deadlineAtMs = clock.nowMs() + drainTimeoutMs;
    const timer = clock.setTimeout(() => {
      deadline.abort(new Error(`drain deadline of ${drainTimeoutMs} ms passed`));
    }, drainTimeoutMs);
    const stopped: string[] = [];
    const failed: { name: string; error: ErrorSummary }[] = [];
    const timedOut: string[] = [];
    try {
      for (const step of steps.reverse()) {
        const budgetMs = Math.max(0, deadlineAtMs - clock.nowMs()) + forceTimeoutMs;
        try {
          const outcome = await within(() => step.stop(deadline.signal), budgetMs, clock);
          if (outcome === TIMED_OUT) {
            timedOut.push(step.name);
            tell({ type: 'step-timed-out', name: step.name });
          } else {
            stopped.push(step.name);
            tell({ type: 'step-stopped', name: step.name });
          }
        } catch (error) {
          failed.push({ name: step.name, error: summarize(error) });
          tell({ type: 'step-failed', name: step.name, error: summarize(error) });
        }
      }
    } finally {
      timer.cancel();
    }
    const exitCode = failed.length === 0 && timedOut.length === 0 ? 0 : 1;
    const report: GracefulShutdownReport = { reason, stopped, failed, timedOut, exitCode };
    tell({ type: 'finished', report });
    dispose();
    exitOnce(exitCode);
    return report;
  }

  function onSignal(signal: string): void {
    if (running === undefined) {
      running = run(signal);
      return;
    }
    // The operator asked twice: stop waiting for the drain.
    const exitCode = signalExitCode(signal);
    tell({ type: 'forced', signal, exitCode });
    exitOnce(exitCode);
  }

  function dispose(): void {
    for (const signal of signals) source.off(signal, onSignal);
  }

  for (const signal of signals) source.on(signal, onSignal);
  return {
    shutdown(reason = 'shutdown()') {
      running ??= run(reason);
      return running;
    },
    dispose,
  };
}
