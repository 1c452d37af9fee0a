import { assertDelayMs, systemClock, type Clock } from './clock.js';
import type { HealthReport, HealthStatus, Service } from './interfaces.js';
import { checkConformance, ServiceDescriptor } from './interfaces.js';
import { LifecycleError } from './lifecycle-error.js';

/** Where a service (or the whole foundation) is in its lifecycle. */
export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

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
  /** The last error it raised (start, stop or health), if any. */
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
  /** Asks every running service for its health; a service not running is unhealthy. */
  health(): Promise<FoundationHealth>;
  /** Stops the services in reverse order, each bounded by `stopTimeoutMs`. Idempotent. */
  shutdown(): Promise<ShutdownReport>;
  /** Same as {@link Foundation.shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Entry {
  readonly service: Service;
  state: LifecycleState;
  startedAtMs: number;
  lastError: ErrorSummary | undefined;
}

const SEVERITY: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

function summarize(error: unknown): ErrorSummary {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: String(error) };
}

/** Races `work` against a timer; resolves to `'timeout'` if the timer wins. */
async function within<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T | 'timeout'> {
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => {
      resolve('timeout');
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    timer?.cancel();
  }
}

function validate(options: FoundationOptions): void {
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
  assertDelayMs(options.startTimeoutMs ?? 0, 'startTimeoutMs');
  assertDelayMs(options.stopTimeoutMs ?? 0, 'stopTimeoutMs');
  assertDelayMs(options.healthTimeoutMs ?? 0, 'healthTimeoutMs');
}

/**
 * Creates a foundation: the lifecycle that starts services in order, reports their status and
 * health, and stops them in reverse order.
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
  }));
  let state: LifecycleState = 'idle';
  let readyAtMs = 0;
  let starting: Promise<void> | undefined;
  let stopping: Promise<ShutdownReport> | undefined;

  async function stopEntries(list: readonly Entry[]): Promise<ShutdownReport> {
    const report = {
      stopped: [] as string[],
      failed: [] as ShutdownReport['failed'][number][],
      timedOut: [] as string[],
    };
    for (const entry of [...list].reverse()) {
      if (entry.state !== 'running' && entry.state !== 'starting') continue;
      const { name } = entry.service;
      entry.state = 'stopping';
      try {
        const outcome = await within(Promise.resolve(entry.service.stop()), stopTimeoutMs, clock);
        if (outcome === 'timeout') {
          entry.state = 'failed';
          entry.lastError = { name: 'StopTimeout', message: `stop exceeded ${stopTimeoutMs} ms` };
          report.timedOut.push(name);
        } else {
          entry.state = 'stopped';
          report.stopped.push(name);
        }
      } catch (error) {
        entry.state = 'failed';
        entry.lastError = summarize(error);
        report.failed.push({ name, error: entry.lastError });
      }
    }
    return report;
  }

  async function start(signal: AbortSignal | undefined): Promise<void> {
    state = 'starting';
    const controller = new AbortController();
    const forward = (): void => {
      controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', forward, { once: true });
    try {
      for (const entry of entries) {
        const { name } = entry.service;
        entry.state = 'starting';
        try {
          signal?.throwIfAborted();
          const outcome = await within(
            Promise.resolve().then(() => entry.service.start(controller.signal)),
            startTimeoutMs,
            clock,
          );
          if (outcome === 'timeout') {
            controller.abort(new Error(`start of '${name}' exceeded ${startTimeoutMs} ms`));
            throw new Error(`start exceeded ${startTimeoutMs} ms`);
          }
        } catch (error) {
          entry.lastError = summarize(error);
          await stopEntries(entries.filter((e) => e !== entry));
          entry.state = 'failed';
          state = 'failed';
          throw new LifecycleError(
            2101,
            `service '${name}' failed to start: ${entry.lastError.message}`,
            {
              service: name,
              cause: error,
            },
          );
        }
        entry.state = 'running';
        entry.startedAtMs = clock.nowMs();
      }
      state = 'running';
      readyAtMs = clock.nowMs();
    } finally {
      signal?.removeEventListener('abort', forward);
    }
  }

  async function serviceHealth(entry: Entry): Promise<HealthReport> {
    if (entry.state !== 'running') {
      return { status: 'unhealthy', message: `service is ${entry.state}` };
    }
    try {
      const outcome = await within(
        Promise.resolve().then(() => entry.service.health()),
        healthTimeoutMs,
        clock,
      );
      if (outcome === 'timeout') {
        return { status: 'unhealthy', message: `health check exceeded ${healthTimeoutMs} ms` };
      }
      return outcome;
    } catch (error) {
      entry.lastError = summarize(error);
      return { status: 'unhealthy', message: `health check failed: ${entry.lastError.message}` };
    }
  }

  const foundation: Foundation = {
    initialize(signal) {
      if (stopping) return Promise.reject(new LifecycleError(2101, 'foundation was shut down'));
      starting ??= start(signal);
      return starting;
    },
    status() {
      const now = clock.nowMs();
      return {
        state,
        uptimeMs: state === 'running' ? now - readyAtMs : 0,
        services: entries.map((entry) => ({
          name: entry.service.name,
          state: entry.state,
          uptimeMs: entry.state === 'running' ? now - entry.startedAtMs : 0,
          lastError: entry.lastError,
          details: entry.service.status?.(),
        })),
      };
    },
    async health() {
      const reports = await Promise.all(entries.map(serviceHealth));
      const services: Record<string, HealthReport> = {};
      let overall: HealthStatus = 'healthy';
      reports.forEach((report, index) => {
        services[entries[index]!.service.name] = report;
        if (SEVERITY[report.status] > SEVERITY[overall]) overall = report.status;
      });
      return { status: overall, services };
    },
    shutdown() {
      stopping ??= (async () => {
        await starting?.catch(() => undefined);
        state = 'stopping';
        const report = await stopEntries(entries);
        state = 'stopped';
        return report;
      })();
      return stopping;
    },
    async [Symbol.asyncDispose]() {
      await foundation.shutdown();
    },
  };
  return foundation;
}
