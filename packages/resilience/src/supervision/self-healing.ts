import {
  ServiceLifecycle,
  systemClock,
  TIMED_OUT,
  within,
  worstHealth,
  type Clock,
  type HealthReport,
  type HealthStatus,
  type LifecycleState,
  type Service,
  type Timer,
} from '@foundation/core';
import { FoundationError, wrap } from '@foundation/errors';
import {
  jitteredDelayMs,
  nextCheckState,
  type CheckCounters,
  type CheckStatus,
} from './check-state.js';
import { SupervisionErrors } from './errors.js';
import {
  requireFunction,
  requireName,
  requireNumber,
  requireObject,
  requireUnique,
  invalidSpec,
  requireClock,
} from './validation.js';
import { describeReason } from './describe-reason.js';
import { EventFeed } from './event-feed.js';

/** What a check may return: `false` or an `unhealthy` report fail; anything else passes. */
export type CheckResult = boolean | undefined | HealthReport;

/** What a heal action is given. */
export interface HealContext {
  /** The check that asked for healing. */
  readonly check: string;
  /** The failure that made the check unhealthy (5205). */
  readonly error: FoundationError;
  /** Aborts when the heal times out or the self-healing service stops. */
  readonly signal: AbortSignal;
}

/** Repairs what a check found broken. Build the common ones with {@link heal}. */
export type HealAction = (context: HealContext) => unknown;

/** One named health check. */
export interface HealthCheckSpec {
  /** A unique name among the checks (not `__proto__`, `constructor` or `prototype`). */
  readonly name: string;
  /** Runs the check; throwing, rejecting, `false` or an `unhealthy` report is a failure. */
  readonly check: (signal: AbortSignal) => CheckResult | Promise<CheckResult>;
  /** Period between runs, ms (> 0). */
  readonly intervalMs: number;
  /** Spread of each period, as a fraction in [0, 1): ±10 % by default, so checks do not align. */
  readonly jitter?: number;
  /** How long one run may take before it fails, ms. Default 5 000. */
  readonly timeoutMs?: number;
  /** Failures in a row before the check is unhealthy. Default 3. */
  readonly failureThreshold?: number;
  /** Successes in a row before an unhealthy check is healthy again. Default 1. */
  readonly successThreshold?: number;
  /** Run when the check becomes unhealthy, and again on each failure while it stays so. */
  readonly heal?: HealAction;
  /** How long a heal may take, ms. Default 30 000. */
  readonly healTimeoutMs?: number;
}

/** Options of {@link SelfHealing}. */
export interface SelfHealingOptions {
  /** The service name. Default `self-healing`. */
  readonly name?: string;
  /** The checks. Names must be unique. */
  readonly checks: readonly HealthCheckSpec[];
  /** Time source for intervals and timeouts. Default `systemClock`. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for the jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** A check's state, as {@link SelfHealing.checks} reports it. */
export interface CheckState extends CheckCounters {
  /** The check's name. */
  readonly name: string;
  /** When it last ran (monotonic ms), undefined before its first run. */
  readonly lastRunAtMs: number | undefined;
  /** How long its last run took, ms. */
  readonly lastDurationMs: number | undefined;
  /** Its last failure, if any (kept after it recovers). */
  readonly lastError: FoundationError | undefined;
  /** How many heals ran. */
  readonly heals: number;
  /** The last heal's failure (5206), cleared by a successful heal. */
  readonly lastHealError: FoundationError | undefined;
}

/** An event of {@link SelfHealing}, also published on `foundation:resilience:self-healing`. */
export type SelfHealingEvent =
  | {
      /** A check's status changed. */
      readonly type: 'check_status_changed';
      /** The self-healing service's name. */
      readonly service: string;
      /** The check. */
      readonly check: string;
      /** The status before. */
      readonly from: CheckStatus;
      /** The status now. */
      readonly to: CheckStatus;
      /** The failure that caused it, when the check failed. */
      readonly error: FoundationError | undefined;
      /** When (monotonic ms). */
      readonly atMs: number;
    }
  | {
      /** A heal action ran. */
      readonly type: 'heal_attempted';
      /** The self-healing service's name. */
      readonly service: string;
      /** The check. */
      readonly check: string;
      /** Whether the heal succeeded. */
      readonly ok: boolean;
      /** Its failure (5206), if any. */
      readonly error: FoundationError | undefined;
      /** When (monotonic ms). */
      readonly atMs: number;
    };

interface NormalizedCheck {
  readonly name: string;
  readonly check: HealthCheckSpec['check'];
  readonly intervalMs: number;
  readonly jitter: number;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly heal: HealAction | undefined;
  readonly healTimeoutMs: number;
}

interface CheckRuntime {
  readonly spec: NormalizedCheck;
  state: CheckState;
  timer: Timer | undefined;
  inFlight: Promise<void> | undefined;
}

function normalizeCheck(value: unknown, path: string): NormalizedCheck {
  const spec = requireObject(value, path);
  const name = requireName(spec.name, `${path}.name`);
  const int = { min: 1, integer: true };
  return {
    name,
    check: requireFunction(spec.check, `${path}.check`) as HealthCheckSpec['check'],
    intervalMs: requireNumber(
      spec.intervalMs,
      { min: 0, exclusive: true },
      undefined,
      `${path}.intervalMs`,
    ),
    jitter: requireJitter(spec.jitter, `${path}.jitter`),
    timeoutMs: requireNumber(spec.timeoutMs, { min: 0 }, 5_000, `${path}.timeoutMs`),
    failureThreshold: requireNumber(spec.failureThreshold, int, 3, `${path}.failureThreshold`),
    successThreshold: requireNumber(spec.successThreshold, int, 1, `${path}.successThreshold`),
    heal:
      spec.heal === undefined
        ? undefined
        : (requireFunction(spec.heal, `${path}.heal`) as HealAction),
    healTimeoutMs: requireNumber(spec.healTimeoutMs, { min: 0 }, 30_000, `${path}.healTimeoutMs`),
  };
}

function requireJitter(value: unknown, path: string): number {
  const jitter = requireNumber(value, { min: 0 }, 0.1, path);
  if (jitter >= 1)
    throw invalidSpec(path, 'range', `${path} must be a fraction below 1, got ${jitter}`);
  return jitter;
}

/** Why a check's result is a failure, or undefined when it passed. */
function failureOf(result: CheckResult): string | undefined {
  if (result === false) return 'check returned false';
  if (typeof result === 'object' && result.status === 'unhealthy') {
    return `reported unhealthy${result.message ? `: ${result.message}` : ''}`;
  }
  return undefined;
}

/**
 * Periodic health checks that heal what they find broken (ElixirScope's `SelfHealing`), as a core
 * `Service`. Each check runs once at `start()`, then every `intervalMs` (with jitter), bounded by
 * its timeout; after `failureThreshold` failures in a row it is unhealthy and its heal action
 * runs; after `successThreshold` successes it is healthy again. Every status change is an event.
 * Its timers never hold the process open, and `stop()` cancels them and aborts what runs.
 *
 * @example
 * ```ts
 * const healing = new SelfHealing({
 *   checks: [{
 *     name: 'config',
 *     intervalMs: 10_000,
 *     check: () => config.health(),
 *     heal: heal.restartChild(supervisor, 'config'),
 *   }],
 * });
 * await healing.start();
 * ```
 */
export class SelfHealing implements Service {
  /** The service name. */
  readonly name: string;

  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #checks: CheckRuntime[];
  readonly #lifecycle: ServiceLifecycle;
  readonly #feed = new EventFeed<SelfHealingEvent>('foundation:resilience:self-healing');

  /**
   * Creates the service (nothing runs until `start`).
   *
   * @throws FoundationError 5204 for a duplicate or forbidden check name, a missing check function,
   * a non-positive interval, an out-of-range threshold, timeout or jitter (with `path` and `rule`).
   */
  constructor(options: SelfHealingOptions) {
    const opts = requireObject(options, 'options');
    this.name = opts.name === undefined ? 'self-healing' : requireName(opts.name, 'options.name');
    if (!Array.isArray(opts.checks)) {
      throw invalidSpec('options.checks', 'array', 'options.checks must be an array');
    }
    const names = new Set<string>();
    this.#checks = (opts.checks as unknown[]).map((value, index) => {
      const spec = normalizeCheck(value, `options.checks[${index}]`);
      requireUnique(spec.name, names, `options.checks[${index}].name`);
      return { spec, state: initialState(spec.name), timer: undefined, inFlight: undefined };
    });
    this.#clock = requireClock(opts.clock, systemClock, 'options.clock');
    this.#random =
      opts.random === undefined
        ? Math.random
        : (requireFunction(opts.random, 'options.random') as () => number);
    this.#lifecycle = new ServiceLifecycle(this.name, {
      start: (run) => this.#startChecks(run),
      stop: () => this.#stopChecks(),
      // A start called off by a later stop ends quietly, like one that stop cuts short.
      calledOff: () => undefined,
    });
  }

  /** Where the service is in its lifecycle. */
  get state(): LifecycleState {
    return this.#lifecycle.state;
  }

  /**
   * Runs every check once (concurrently), then schedules each. Starting while running does
   * nothing; a start in progress is shared; a stop in progress is awaited first. If `signal`
   * aborts before the first round of checks is done, the service stops and the start rejects
   * with the signal's reason.
   */
  start(signal?: AbortSignal): Promise<void> {
    return this.#lifecycle.start(signal);
  }

  /**
   * Cancels every timer and aborts the checks and heals in progress. A start in progress, or
   * one still waiting for an earlier stop, ends without starting. Safe to call twice.
   */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /** Same as {@link SelfHealing.stop}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * Runs one check now (or every check, without a name) and resolves when it is done; a run
   * already in progress is awaited instead of started twice.
   *
   * @throws FoundationError 3401 for an unknown check name.
   */
  async checkNow(name?: string): Promise<void> {
    const targets = name === undefined ? this.#checks : [this.#find(name)];
    await Promise.all(targets.map((runtime) => this.#runCheck(runtime)));
  }

  /** Every check's state, in the order given. */
  checks(): CheckState[] {
    return this.#checks.map((runtime) => runtime.state);
  }

  /**
   * Unhealthy when any check is unhealthy; degraded when one is failing below its threshold or
   * has not run; healthy otherwise (and unhealthy when the service is not running).
   */
  health(): HealthReport {
    if (this.state !== 'running') {
      return { status: 'unhealthy', message: `${this.name} is ${this.state}` };
    }
    const problems: string[] = [];
    const verdicts = this.#checks.map(({ state }): HealthStatus => {
      let verdict: HealthStatus = 'healthy';
      if (state.status === 'unhealthy') verdict = 'unhealthy';
      else if (state.status === 'pending' || state.consecutiveFailures > 0) verdict = 'degraded';
      if (verdict !== 'healthy') problems.push(`${state.name} ${verdict}`);
      return verdict;
    });
    return {
      status: worstHealth(verdicts),
      message:
        problems.length === 0 ? `${this.#checks.length} checks healthy` : problems.join(', '),
      details: {
        checks: Object.fromEntries(this.#checks.map((r) => [r.spec.name, r.state.status])),
      },
    };
  }

  /** Facts for status pages: the state and every check's counters and last error. */
  status(): Readonly<Record<string, unknown>> {
    return {
      state: this.state,
      checks: this.checks().map((check) => ({
        name: check.name,
        status: check.status,
        consecutiveFailures: check.consecutiveFailures,
        consecutiveSuccesses: check.consecutiveSuccesses,
        lastRunAtMs: check.lastRunAtMs,
        lastDurationMs: check.lastDurationMs,
        heals: check.heals,
        lastError: check.lastError?.message,
        lastHealError: check.lastHealError?.message,
      })),
    };
  }

  /**
   * Listens to status changes and heals (also published on `foundation:resilience:self-healing`).
   * A listener that throws is ignored. Returns the unsubscribe function.
   */
  subscribe(listener: (event: SelfHealingEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  /** The start hook: runs every check once, then schedules each (unless stopped meanwhile). */
  async #startChecks(run: AbortSignal): Promise<void> {
    for (const runtime of this.#checks) runtime.state = initialState(runtime.spec.name);
    await Promise.all(this.#checks.map((runtime) => this.#runCheck(runtime)));
    if (run.aborted) return;
    for (const runtime of this.#checks) this.#schedule(runtime);
  }

  /** The stop hook: cancels every timer and waits for the checks in flight (already aborted). */
  async #stopChecks(): Promise<void> {
    for (const runtime of this.#checks) {
      runtime.timer?.cancel();
      runtime.timer = undefined;
    }
    await Promise.all(this.#checks.map((runtime) => runtime.inFlight ?? Promise.resolve()));
  }

  #find(name: string): CheckRuntime {
    const runtime = this.#checks.find((r) => r.spec.name === name);
    if (!runtime) {
      throw new FoundationError('data_not_found', `${this.name}: no check named '${name}'`, {
        context: { path: 'name', rule: 'known_check' },
      });
    }
    return runtime;
  }

  #schedule(runtime: CheckRuntime): void {
    // Scheduled from the start hook (still `starting`) and after each run, until the run ends.
    if (this.#lifecycle.signal.aborted) return;
    const { intervalMs, jitter } = runtime.spec;
    const delayMs = jitteredDelayMs(intervalMs, jitter, this.#random());
    runtime.timer = this.#clock.setTimeout(() => {
      runtime.timer = undefined;
      void this.#runCheck(runtime, true).then(() => {
        this.#schedule(runtime);
      });
    }, delayMs);
  }

  /** Runs a check unless it runs already; `background` for the scheduled runs nobody awaits. */
  #runCheck(runtime: CheckRuntime, background = false): Promise<void> {
    runtime.inFlight ??= this.#checkOnce(runtime, background).finally(() => {
      runtime.inFlight = undefined;
    });
    return runtime.inFlight;
  }

  async #checkOnce(runtime: CheckRuntime, background: boolean): Promise<void> {
    const { spec } = runtime;
    const run = this.#lifecycle.signal;
    // A function, because the signal can abort while the check runs.
    const cancelled = (): boolean => run.aborted;
    if (cancelled()) return;
    const startedMs = this.#clock.nowMs();
    let problem: string | undefined;
    let cause: unknown;
    try {
      const outcome = await this.#bounded(
        spec.check,
        spec.timeoutMs,
        'check timed out',
        background,
      );
      problem = outcome === TIMED_OUT ? `timed out after ${spec.timeoutMs} ms` : failureOf(outcome);
    } catch (error) {
      problem = `threw: ${describeReason(error)}`;
      cause = error;
    }
    // A check cut short by stop() says nothing about what it checks.
    if (cancelled()) return;
    const error =
      problem === undefined
        ? undefined
        : new FoundationError(
            SupervisionErrors.health_check_failed,
            `check '${spec.name}' ${problem}`,
            {
              cause,
              context: { service: this.name, check: spec.name },
            },
          );
    const before = runtime.state;
    const counters = nextCheckState(before, error === undefined, spec);
    runtime.state = {
      ...before,
      ...counters,
      lastRunAtMs: startedMs,
      lastDurationMs: this.#clock.nowMs() - startedMs,
      lastError: error ?? before.lastError,
    };
    if (counters.status !== before.status) {
      this.#feed.emit(() => ({
        type: 'check_status_changed',
        service: this.name,
        check: spec.name,
        from: before.status,
        to: counters.status,
        error,
        atMs: this.#clock.nowMs(),
      }));
    }
    if (error && counters.status === 'unhealthy' && spec.heal) {
      await this.#heal(runtime, error, background);
    }
  }

  async #heal(runtime: CheckRuntime, error: FoundationError, background: boolean): Promise<void> {
    const { spec } = runtime;
    const heal = spec.heal!;
    let failure: FoundationError | undefined;
    try {
      const outcome = await this.#bounded(
        (signal) => heal({ check: spec.name, error, signal }),
        spec.healTimeoutMs,
        'heal timed out',
        background,
      );
      if (outcome === TIMED_OUT) {
        failure = new FoundationError(
          SupervisionErrors.heal_action_failed,
          `heal of '${spec.name}' timed out after ${spec.healTimeoutMs} ms`,
          { context: { service: this.name, check: spec.name } },
        );
      }
    } catch (cause) {
      failure = wrap(
        cause,
        SupervisionErrors.heal_action_failed,
        `heal of '${spec.name}' failed: ${describeReason(cause)}`,
        {
          context: { service: this.name, check: spec.name },
        },
      );
    }
    runtime.state = { ...runtime.state, heals: runtime.state.heals + 1, lastHealError: failure };
    this.#feed.emit(() => ({
      type: 'heal_attempted',
      service: this.name,
      check: spec.name,
      ok: failure === undefined,
      error: failure,
      atMs: this.#clock.nowMs(),
    }));
  }

  /**
   * Runs `work` (a check or a heal) within `timeoutMs`, with a signal that aborts when the
   * service stops or, with `timeoutReason`, when the time is up. A `background` run's deadline
   * does not hold the process open (nobody awaits it); an awaited one does.
   */
  async #bounded<T>(
    work: (signal: AbortSignal) => T | PromiseLike<T>,
    timeoutMs: number,
    timeoutReason: string,
    background: boolean,
  ): Promise<Awaited<T> | typeof TIMED_OUT> {
    const run = this.#lifecycle.signal;
    const controller = new AbortController();
    const forward = (): void => {
      controller.abort(run.reason);
    };
    run.addEventListener('abort', forward, { once: true });
    try {
      const outcome = await within(() => work(controller.signal), timeoutMs, this.#clock, {
        background,
      });
      if (outcome === TIMED_OUT) controller.abort(new Error(timeoutReason));
      return outcome;
    } finally {
      run.removeEventListener('abort', forward);
    }
  }
}

function initialState(name: string): CheckState {
  return {
    name,
    status: 'pending',
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastRunAtMs: undefined,
    lastDurationMs: undefined,
    lastError: undefined,
    heals: 0,
    lastHealError: undefined,
  };
}
