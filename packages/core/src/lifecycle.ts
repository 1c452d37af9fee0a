import { systemClock, type Clock } from './clock.js';
import { HEALTH_SEVERITY, worstHealth } from './health.js';
import type { HealthReport, HealthStatus, Service } from './interfaces.js';
import { checkConformance, ServiceDescriptor } from './interfaces.js';
import { LifecycleError } from './lifecycle-error.js';
import { ServiceLifecycle, type LifecycleState } from './service-lifecycle.js';
import { stopInReverse, stopWithin, type StopOutcome } from './stop-in-reverse.js';
import { TIMED_OUT, within } from './within.js';

/** A summary of an error, safe to print and serialize. */
export interface ErrorSummary {
  /** The error's name (its class). */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
}

/** The status of one service. */
export interface ServiceStatus {
  /** The service's name. */
  readonly name: string;
  /** Its lifecycle state. */
  readonly state: LifecycleState;
  /** Milliseconds since it started, 0 when not running. */
  readonly uptimeMs: number;
  /**
   * The last error it raised (start, stop, health or status), if any: a health check that timed
   * out or returned an invalid report counts too.
   */
  readonly lastError: ErrorSummary | undefined;
  /** What the service's own `status()` reported, if it has one. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

/** The status of a foundation and each of its services. */
export interface FoundationStatus {
  /** The foundation's lifecycle state. */
  readonly state: LifecycleState;
  /** Milliseconds since `initialize()` completed, 0 when not running. */
  readonly uptimeMs: number;
  /** Each service, in start order. */
  readonly services: readonly ServiceStatus[];
}

/** The health of a foundation: overall, and per service. */
export interface FoundationHealth {
  /** The worst status among the services (healthy when there are none). */
  readonly status: HealthStatus;
  /** Each service's report, by name. */
  readonly services: Readonly<Record<string, HealthReport>>;
}

/** What `shutdown()` did. */
export interface ShutdownReport {
  /** Services that stopped cleanly, in stop order. */
  readonly stopped: readonly string[];
  /** Services whose stop threw or rejected, with the error. */
  readonly failed: readonly { readonly name: string; readonly error: ErrorSummary }[];
  /** Services whose stop did not finish within the timeout and were abandoned. */
  readonly timedOut: readonly string[];
}

/** Options for {@link createFoundation}. */
export interface FoundationOptions {
  /** The services, in start order; names must be unique. */
  readonly services: readonly Service[];
  /** Time source for uptimes and timeouts. Default {@link systemClock}. */
  readonly clock?: Clock;
  /** How long one service may take to start. Default 30 000. */
  readonly startTimeoutMs?: number;
  /** How long one service may take to stop before it is abandoned. Default 5 000. */
  readonly stopTimeoutMs?: number;
  /** How long one `health()` may take before it counts as unhealthy. Default 5 000. */
  readonly healthTimeoutMs?: number;
}

/** A set of services started, watched and stopped together. */
export interface Foundation {
  /**
   * Starts the services in order. If one fails, those already started are stopped in reverse
   * order and a {@link LifecycleError} (2101) names the failing service, with the cause.
   * Calling it again while starting or running returns the same outcome.
   */
  initialize(signal?: AbortSignal): Promise<void>;
  /** The state, uptime and last error of each service. */
  status(): FoundationStatus;
  /**
   * Asks every running service for its health, concurrently; a service not running, or whose
   * check throws, exceeds `healthTimeoutMs` or returns an invalid report, is unhealthy.
   */
  health(): Promise<FoundationHealth>;
  /**
   * Stops the running services in reverse order, each bounded by `stopTimeoutMs` (a stop that
   * takes longer is abandoned and reported in `timedOut`). An `initialize()` in progress is
   * allowed to settle first: pass it a signal to cancel it. A service whose start was abandoned
   * at `startTimeoutMs` is waited for too (up to `stopTimeoutMs`): if its start completes late it
   * is stopped (and reported in `stopped`), otherwise it is reported in `timedOut`. Idempotent: later calls return the
   * same report, and `initialize()` is refused afterwards.
   */
  shutdown(): Promise<ShutdownReport>;
  /** Same as {@link Foundation.shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Entry {
  readonly service: Service;
  state: LifecycleState;
  startedAtMs: number;
  lastError: ErrorSummary | undefined;
  /**
   * A start abandoned at its deadline, still running: settles once the service is stopped (if
   * the start completed late) or gave up. Shutdown waits for it.
   */
  abandoned: Promise<'stopped' | 'gave-up'> | undefined;
}

type FailedStop = ShutdownReport['failed'][number];

const EMPTY_REPORT: ShutdownReport = Object.freeze({ stopped: [], failed: [], timedOut: [] });

function summarize(error: unknown): ErrorSummary {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: String(error) };
}

/** A health report a service returned, if it has a known status; anything else is refused. */
function isHealthReport(value: unknown): value is HealthReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'string' &&
    Object.hasOwn(HEALTH_SEVERITY, (value as { status: string }).status)
  );
}

function validateTimeout(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    const got = typeof value === 'number' ? String(value) : typeof value;
    throw new LifecycleError(
      3204,
      `createFoundation: ${name} must be a finite number >= 0, got ${got}`,
    );
  }
}

function validate(options: FoundationOptions): void {
  // Options come from callers that may not be type-checked, so every field is checked here.
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new LifecycleError(3204, 'createFoundation: options must be an object');
  }
  if (!Array.isArray(options.services)) {
    throw new LifecycleError(3204, 'createFoundation: services must be an array of Service');
  }
  const names = new Set<string>();
  options.services.forEach((service: unknown, index) => {
    const problems = checkConformance(service, ServiceDescriptor);
    if (problems.length > 0) {
      const list = problems.map((p) => `${p.member} (${p.problem})`).join(', ');
      throw new LifecycleError(
        3204,
        `createFoundation: services[${index}] is not a Service: ${list}`,
      );
    }
    const { name } = service as Service;
    if (names.has(name)) {
      throw new LifecycleError(3204, `createFoundation: duplicate service name '${name}'`, {
        service: name,
      });
    }
    names.add(name);
  });
  validateTimeout(options.startTimeoutMs, 'startTimeoutMs');
  validateTimeout(options.stopTimeoutMs, 'stopTimeoutMs');
  validateTimeout(options.healthTimeoutMs, 'healthTimeoutMs');
}

/**
 * Creates a foundation: the lifecycle that starts services in order, reports their status and
 * health, and stops them in reverse order. Nothing starts until `initialize()`.
 *
 * @param options - the services in start order (unique names), and optionally the clock and
 *   the start, stop and health timeouts in milliseconds (defaults 30 000, 5 000 and 5 000)
 * @returns a {@link Foundation} in the `idle` state, with no service started yet
 * @throws LifecycleError (3204 invalid_input) when the options are invalid: not an object, no
 *   `services` array, a value that is not a {@link Service}, duplicate names, or a timeout
 *   that is not a finite number >= 0.
 *
 * @example
 * ```ts
 * const foundation = createFoundation({ services: [config, store, monitor] });
 * await foundation.initialize();
 * console.log((await foundation.health()).status); // 'healthy'
 * await foundation.shutdown();
 * ```
 */
export function createFoundation(options: FoundationOptions): Foundation {
  validate(options);
  const clock = options.clock ?? systemClock;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
  const entries: Entry[] = options.services.map((service) => ({
    service,
    state: 'idle',
    startedAtMs: 0,
    lastError: undefined,
    abandoned: undefined,
  }));
  let readyAtMs = 0;
  let lastReport: ShutdownReport = EMPTY_REPORT;
  // One-shot: the first initialize() and shutdown() are the only ones (later calls share them).
  let starting: Promise<void> | undefined;
  let stopping: Promise<ShutdownReport> | undefined;

  /** Stops one entry within `stopTimeoutMs`, if it is starting or running. */
  async function stopEntry(entry: Entry): Promise<StopOutcome | undefined> {
    if (entry.state !== 'running' && entry.state !== 'starting') return undefined;
    entry.state = 'stopping';
    const outcome = await stopWithin(() => entry.service.stop(), stopTimeoutMs, clock);
    entry.state = outcome.kind === 'stopped' ? 'stopped' : 'failed';
    if (outcome.kind === 'timed_out') {
      entry.lastError = { name: 'StopTimeout', message: `stop exceeded ${stopTimeoutMs} ms` };
    } else if (outcome.kind === 'failed') {
      entry.lastError = summarize(outcome.error);
    }
    return outcome;
  }

  async function stopEntries(list: readonly Entry[]): Promise<ShutdownReport> {
    const report = await stopInReverse(list, stopEntry);
    return {
      stopped: report.stopped.map((entry) => entry.service.name),
      failed: report.failed.map(({ item }) => ({
        name: item.service.name,
        error: item.lastError!,
      })),
      timedOut: report.timedOut.map((entry) => entry.service.name),
    };
  }

  /**
   * A start abandoned at its deadline may still complete: the service would then run with
   * nobody to stop it. Stop it as soon as its start settles successfully.
   */
  async function stopWhenStarted(
    entry: Entry,
    launching: Promise<unknown>,
  ): Promise<'stopped' | 'gave-up'> {
    try {
      await launching;
    } catch {
      return 'gave-up';
    }
    try {
      await entry.service.stop();
    } catch (error) {
      entry.lastError = summarize(error);
      throw error;
    }
    return 'stopped';
  }

  /** Waits (up to `stopTimeoutMs` each) for abandoned starts, adding them to the report. */
  async function settleAbandoned(report: ShutdownReport): Promise<ShutdownReport> {
    const stopped = [...report.stopped];
    const failed: FailedStop[] = [...report.failed];
    const timedOut = [...report.timedOut];
    for (const entry of [...entries].reverse()) {
      if (!entry.abandoned) continue;
      const { name } = entry.service;
      try {
        const outcome = await within(() => entry.abandoned, stopTimeoutMs, clock);
        if (outcome === TIMED_OUT) timedOut.push(name);
        else if (outcome === 'stopped') stopped.push(name);
      } catch (error) {
        failed.push({ name, error: summarize(error) });
      }
    }
    return { stopped, failed, timedOut };
  }

  /** Starts one entry within `startTimeoutMs`; a start that outlasts it is abandoned. */
  async function startEntry(entry: Entry, run: AbortSignal): Promise<void> {
    const { name } = entry.service;
    run.throwIfAborted();
    // Its own signal, so an abandoned start can be aborted without aborting the run.
    const controller = new AbortController();
    const forward = (): void => {
      controller.abort(run.reason);
    };
    run.addEventListener('abort', forward, { once: true });
    try {
      const launching = Promise.resolve().then(() => entry.service.start(controller.signal));
      const outcome = await within(() => launching, startTimeoutMs, clock);
      if (outcome === TIMED_OUT) {
        controller.abort(new Error(`start of '${name}' exceeded ${startTimeoutMs} ms`));
        entry.abandoned = stopWhenStarted(entry, launching);
        throw new Error(`start exceeded ${startTimeoutMs} ms`);
      }
    } finally {
      run.removeEventListener('abort', forward);
    }
  }

  const lifecycle = new ServiceLifecycle('foundation', {
    async start(run) {
      for (const entry of entries) {
        const { name } = entry.service;
        entry.state = 'starting';
        try {
          await startEntry(entry, run);
        } catch (error) {
          entry.lastError = summarize(error);
          await stopEntries(entries.filter((e) => e !== entry));
          entry.state = 'failed';
          throw new LifecycleError(
            2101,
            `service '${name}' failed to start: ${entry.lastError.message}`,
            { service: name, cause: error },
          );
        }
        entry.state = 'running';
        entry.startedAtMs = clock.nowMs();
      }
      readyAtMs = clock.nowMs();
    },
    async stop() {
      // A start abandoned at its deadline may still be running: stopping is not done until it
      // has settled (and been stopped, if it started late).
      lastReport = await settleAbandoned(await stopEntries(entries));
    },
  });

  async function serviceHealth(entry: Entry): Promise<HealthReport> {
    if (entry.state !== 'running') {
      return { status: 'unhealthy', message: `service is ${entry.state}` };
    }
    try {
      const outcome = await within(() => entry.service.health(), healthTimeoutMs, clock);
      if (outcome === TIMED_OUT) {
        const message = `health check exceeded ${healthTimeoutMs} ms`;
        entry.lastError = { name: 'HealthTimeout', message };
        return { status: 'unhealthy', message };
      }
      if (!isHealthReport(outcome)) {
        // A malformed report must not count as healthy (nor break the aggregation).
        const message = 'health() returned an invalid report';
        entry.lastError = { name: 'InvalidHealthReport', message };
        return { status: 'unhealthy', message };
      }
      return outcome;
    } catch (error) {
      entry.lastError = summarize(error);
      return { status: 'unhealthy', message: `health check failed: ${entry.lastError.message}` };
    }
  }

  function serviceDetails(entry: Entry): Readonly<Record<string, unknown>> | undefined {
    try {
      return entry.service.status?.();
    } catch (error) {
      // One broken status() must not take down the whole status page.
      entry.lastError = summarize(error);
      return undefined;
    }
  }

  const foundation: Foundation = {
    initialize(signal) {
      if (stopping) return Promise.reject(new LifecycleError(2101, 'foundation was shut down'));
      starting ??= lifecycle.start(signal).catch((error: unknown) => {
        if (error instanceof LifecycleError) throw error;
        // The caller's signal aborted before (or just as) the services started.
        throw new LifecycleError(2101, `initialize aborted: ${summarize(error).message}`, {
          cause: error,
        });
      });
      return starting;
    },
    status() {
      const now = clock.nowMs();
      const { state } = lifecycle;
      return {
        state,
        uptimeMs: state === 'running' ? now - readyAtMs : 0,
        services: entries.map((entry) => ({
          name: entry.service.name,
          state: entry.state,
          uptimeMs: entry.state === 'running' ? now - entry.startedAtMs : 0,
          details: serviceDetails(entry),
          lastError: entry.lastError,
        })),
      };
    },
    async health() {
      const reports = await Promise.all(entries.map(serviceHealth));
      // fromEntries defines own properties, so a service named `__proto__` stays a plain key.
      const services = Object.fromEntries(
        reports.map((report, index) => [entries[index]!.service.name, report]),
      );
      return { status: worstHealth(reports.map((report) => report.status)), services };
    },
    shutdown() {
      stopping ??= (async () => {
        // An initialize() in progress settles first (pass it a signal to cancel it).
        await starting?.catch(() => undefined);
        await lifecycle.stop();
        return lastReport;
      })();
      return stopping;
    },
    async [Symbol.asyncDispose]() {
      await foundation.shutdown();
    },
  };
  return foundation;
}
