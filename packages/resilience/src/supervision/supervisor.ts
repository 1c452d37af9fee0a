import {
  abortReason,
  ServiceLifecycle,
  systemClock,
  worstHealth,
  type Clock,
  type HealthReport,
  type LifecycleState,
  type Service,
  type Timer,
} from '@foundation/core';
import { FoundationError, serializeError, wrap } from '@foundation/errors';
import { Child, type ChildOwner, type EndKind } from './child.js';
import { normalizeChildSpec } from './child-spec.js';
import { describeReason } from './describe-reason.js';
import { SupervisionErrors } from './errors.js';
import { EventFeed } from './event-feed.js';
import { RestartIntensity } from './intensity.js';
import { planRestart, restartDelayMs, restartWanted } from './restart-plan.js';
import type {
  ChildCounts,
  ChildExit,
  ChildInfo,
  ChildSpec,
  CrashReporter,
  SupervisorEvent,
  SupervisorOptions,
  SupervisorStrategy,
} from './types.js';
import {
  requireClock,
  requireName,
  requireNumber,
  requireObject,
  requireOneOf,
  requireUnique,
} from './validation.js';

const STRATEGIES: readonly SupervisorStrategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

/**
 * An OTP-style supervisor, itself a core `Service`: it starts its children in order, restarts
 * them by its strategy when they fail, stops them in reverse order, and escalates when the
 * restart intensity (`maxRestarts` within `periodMs`, Erlang's default 1 in 5 s) is exceeded:
 * it stops its children, reports a 5201 FoundationError with the restart history through
 * `health()`, `status()`, `subscribe` and `onCrash`, and so crashes itself in a parent
 * supervisor, which restarts it or escalates in turn.
 *
 * All changes (crashes, restarts, run-time child operations, stop) are handled one at a time,
 * in the order they arrive, like an OTP supervisor's mailbox. Do not await the supervisor's own
 * operations from inside a child's `start`: that waits on itself.
 *
 * @example
 * ```ts
 * const supervisor = new Supervisor({
 *   name: 'app',
 *   strategy: 'one_for_one',
 *   maxRestarts: 3,
 *   periodMs: 5_000,
 *   children: [
 *     { id: 'config', service: configService },
 *     { id: 'worker', restart: 'transient', start: ({ signal, crash }) => startWorker(signal, crash) },
 *   ],
 * });
 * await supervisor.start();
 * ```
 */
export class Supervisor implements Service, CrashReporter {
  /** The supervisor's service name. */
  readonly name: string;
  /** Its restart strategy. */
  readonly strategy: SupervisorStrategy;
  /** At most this many restarts within {@link Supervisor.periodMs}. */
  readonly maxRestarts: number;
  /** The intensity period, ms. */
  readonly periodMs: number;

  readonly #clock: Clock;
  readonly #healthTimeoutMs: number;
  readonly #intensity: RestartIntensity;
  readonly #owner: ChildOwner;
  #children: Child[];
  // Start, stop, escalation and the mailbox (crashes, restarts, run-time child operations).
  readonly #lifecycle: ServiceLifecycle;
  #totalRestarts = 0;
  readonly #backoffTimers = new Set<Timer>();
  readonly #feed = new EventFeed<SupervisorEvent>('foundation:resilience:supervisor');
  readonly #crashListeners = new Set<(reason: unknown) => void>();

  /**
   * Creates a supervisor (it starts nothing until `start`).
   *
   * @throws FoundationError 5204 for a duplicate child id, an unknown strategy or restart type, a
   * non-positive intensity or period, or a child that is not stoppable (with `path` and `rule`).
   */
  constructor(options: SupervisorOptions = {}) {
    const opts = requireObject(options, 'options');
    this.name = opts.name === undefined ? 'supervisor' : requireName(opts.name, 'options.name');
    this.strategy = requireOneOf(opts.strategy, STRATEGIES, 'one_for_one', 'options.strategy');
    this.maxRestarts = requireNumber(
      opts.maxRestarts,
      { min: 1, integer: true },
      1,
      'options.maxRestarts',
    );
    this.periodMs = requireNumber(
      opts.periodMs,
      { min: 0, exclusive: true },
      5_000,
      'options.periodMs',
    );
    this.#healthTimeoutMs = requireNumber(
      opts.healthTimeoutMs,
      { min: 0 },
      5_000,
      'options.healthTimeoutMs',
    );
    const children = opts.children ?? [];
    if (!Array.isArray(children)) {
      throw new FoundationError(
        SupervisionErrors.invalid_supervisor_spec,
        'options.children must be an array',
        {
          context: { path: 'options.children', rule: 'array' },
        },
      );
    }
    this.#clock = requireClock(opts.clock, systemClock, 'options.clock');
    this.#owner = {
      supervisor: this.name,
      clock: this.#clock,
      exited: (child, incarnation, kind, reason) => {
        void this.#enqueue(() => this.#handleExit(child, incarnation, kind, reason));
      },
      stopTimedOut: (child, error) => {
        this.#feed.emit(() => ({
          type: 'child_stop_timeout',
          supervisor: this.name,
          childId: child.spec.id,
          error,
          atMs: this.#clock.nowMs(),
        }));
      },
    };
    const ids = new Set<string>();
    this.#children = (children as unknown[]).map((value, index) => {
      const spec = normalizeChildSpec(value, `options.children[${index}]`);
      requireUnique(spec.id, ids, `options.children[${index}].id`);
      return new Child(spec, this.#owner);
    });
    this.#intensity = new RestartIntensity(this.maxRestarts, this.periodMs);
    this.#lifecycle = new ServiceLifecycle(this.name, {
      start: (run) => this.#startChildren(run),
      stop: () => this.#stopChildren(),
      calledOff: () => {
        const reason = new Error(`${this.name} was stopped before it started`);
        throw wrap(reason, SupervisionErrors.child_start_failed, 'start aborted');
      },
    });
  }

  /** Where the supervisor is in its lifecycle; `failed` after an escalation or a failed start. */
  get state(): LifecycleState {
    return this.#lifecycle.state;
  }

  /** The escalation (5201) or start failure (5202) that put the supervisor in `failed`. */
  get failure(): FoundationError | undefined {
    return this.#lifecycle.failure as FoundationError | undefined;
  }

  /**
   * Starts the children in order. If one fails to start, those already started are stopped in
   * reverse order and the start rejects with a 5202 FoundationError naming the child. Starting a
   * stopped or failed supervisor starts it afresh (with an empty restart history).
   */
  start(signal?: AbortSignal): Promise<void> {
    return this.#lifecycle.start(signal);
  }

  /**
   * Stops the children in reverse order, each bounded by its `stopTimeoutMs` (a stop that
   * hangs is abandoned and reported as `child_stop_timeout`); pending restarts are cancelled.
   * A start in progress, or one still waiting for an earlier stop, rejects with 5202. A stop
   * during an escalation waits for the escalation's shutdown and wins: the supervisor ends
   * `stopped` and no crash is reported. Safe to call twice.
   */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /** Same as {@link Supervisor.stop}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * The worst health among the live children: a running child reports its own `health()` (bounded
   * by `healthTimeoutMs`; a throw or timeout is unhealthy), a child being (re)started is degraded.
   * A failed supervisor is unhealthy with its 5201/5202 error in `details.error`.
   */
  async health(): Promise<HealthReport> {
    const { state, failure } = this;
    if (failure) {
      return {
        status: 'unhealthy',
        message: failure.message,
        details: { error: serializeError(failure) },
      };
    }
    if (state !== 'running') {
      return { status: 'unhealthy', message: `supervisor is ${state}` };
    }
    const live = this.#children.filter((child) => child.live);
    const reports = await Promise.all(live.map((child) => child.health(this.#healthTimeoutMs)));
    const unwell: string[] = [];
    reports.forEach((report, index) => {
      if (report.status !== 'healthy') unwell.push(`${live[index]!.spec.id} ${report.status}`);
    });
    return {
      status: worstHealth(reports.map((report) => report.status)),
      message: unwell.length === 0 ? `${live.length} children healthy` : unwell.join(', '),
      details: {
        children: Object.fromEntries(live.map((child, index) => [child.spec.id, reports[index]])),
        stopped: this.#children.filter((child) => !child.live).map((child) => child.spec.id),
      },
    };
  }

  /** Facts for status pages: strategy, intensity, restarts, each child, and any failure. */
  status(): Readonly<Record<string, unknown>> {
    const now = this.#clock.nowMs();
    return {
      state: this.state,
      strategy: this.strategy,
      maxRestarts: this.maxRestarts,
      periodMs: this.periodMs,
      restartsInPeriod: this.#intensity.window(now).length,
      totalRestarts: this.#totalRestarts,
      children: this.whichChildren().map((child) => ({
        id: child.id,
        type: child.type,
        restart: child.restart,
        state: child.state,
        restarts: child.restarts,
        uptimeMs: child.startedAtMs === undefined ? 0 : now - child.startedAtMs,
        lastExit: child.lastExit && {
          kind: child.lastExit.kind,
          atMs: child.lastExit.atMs,
          reason: describeReason(child.lastExit.reason),
        },
      })),
      failure: this.failure && serializeError(this.failure),
    };
  }

  /** Each child, in start order (OTP's which_children). */
  whichChildren(): ChildInfo[] {
    return this.#children.map((child) => child.info());
  }

  /** How many child specs there are, how many run, and how many are supervisors or workers. */
  countChildren(): ChildCounts {
    const supervisors = this.#children.filter((c) => c.spec.type === 'supervisor').length;
    return {
      specs: this.#children.length,
      active: this.#children.filter((c) => c.state === 'running').length,
      supervisors,
      workers: this.#children.length - supervisors,
    };
  }

  /**
   * Adds a child at run time, after the existing ones, and starts it.
   *
   * @throws FoundationError 5204 for an invalid spec or a duplicate id, 2102 when the supervisor
   * is not running, 5202 when the child fails to start (its spec is then not kept).
   */
  async startChild(spec: ChildSpec): Promise<void> {
    const normalized = normalizeChildSpec(spec, 'spec');
    await this.#enqueue(async () => {
      this.#requireRunning('startChild');
      requireUnique(normalized.id, new Set(this.#children.map((c) => c.spec.id)), 'spec.id');
      const child = new Child(normalized, this.#owner);
      this.#children.push(child);
      const error = await this.#startChild(child);
      if (error) {
        this.#remove(child);
        throw error;
      }
    });
  }

  /**
   * Restarts one child by hand: stops it if it runs, then starts it again. The strategy is not
   * applied and the restart does not count toward the intensity.
   *
   * @throws FoundationError 3401 for an unknown id, 2102 when the supervisor is not running,
   * 5202 when the child fails to start again (it is then left stopped).
   */
  restartChild(id: string): Promise<void> {
    return this.#enqueue(async () => {
      const child = this.#find(id, 'restartChild');
      if (child.live) await this.#shutdownChild(child);
      child.restarts++;
      this.#totalRestarts++;
      const error = await this.#startChild(child);
      if (error) throw error;
    });
  }

  /**
   * Stops one child (it is not restarted). A temporary child's spec is removed; others are kept
   * for {@link Supervisor.restartChild}.
   *
   * @throws FoundationError 3401 for an unknown id, 2102 when the supervisor is not running.
   */
  terminateChild(id: string): Promise<void> {
    return this.#enqueue(async () => {
      const child = this.#find(id, 'terminateChild');
      await this.#shutdownChild(child);
      if (child.spec.restart === 'temporary') this.#remove(child);
    });
  }

  /**
   * Reports that a child failed (a service child that cannot call `crash` itself, or a health
   * check that found it broken): the supervisor handles it as a crash of the current incarnation.
   * Resolves once the crash is handled (restarted, restart scheduled, or escalated).
   *
   * @throws FoundationError 3401 for an unknown id, 2102 when the supervisor is not running.
   */
  reportCrash(id: string, reason?: unknown): Promise<void> {
    return this.#enqueue(async () => {
      const child = this.#find(id, 'reportCrash');
      await this.#handleExit(child, child.incarnation, 'crash', reason);
    });
  }

  /**
   * Listens to the supervisor's events (also published on `foundation:resilience:supervisor`).
   * A listener that throws is ignored. Returns the unsubscribe function.
   */
  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  /**
   * Calls `listener` with the 5201 error whenever this supervisor escalates. A parent supervisor
   * subscribes automatically; at the top level, use it as the escalation hook.
   */
  onCrash(listener: (reason: unknown) => void): () => void {
    this.#crashListeners.add(listener);
    return () => {
      this.#crashListeners.delete(listener);
    };
  }

  /** The start hook: starts the children in order, or stops those started and fails. */
  async #startChildren(run: AbortSignal): Promise<void> {
    this.#intensity.reset();
    const started: Child[] = [];
    for (const child of [...this.#children]) {
      const error = run.aborted
        ? wrap(abortReason(run), SupervisionErrors.child_start_failed, 'start aborted')
        : await this.#startChild(child);
      if (error) {
        for (const done of started.reverse()) await this.#shutdownChild(done);
        throw error;
      }
      started.push(child);
    }
  }

  /** The stop hook: cancels pending restarts and stops every child in reverse order. */
  async #stopChildren(): Promise<void> {
    for (const timer of this.#backoffTimers) timer.cancel();
    this.#backoffTimers.clear();
    for (const child of [...this.#children].reverse()) await this.#shutdownChild(child);
  }

  /** Runs `op` after every change queued before it (the supervisor's mailbox). */
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    return this.#lifecycle.serialize(op);
  }

  #find(id: string, operation: string): Child {
    this.#requireRunning(operation);
    const child = this.#children.find((c) => c.spec.id === id);
    if (!child) {
      throw new FoundationError('data_not_found', `${operation}: no child with id '${id}'`, {
        context: { path: 'id', rule: 'known_child', supervisor: this.name },
      });
    }
    return child;
  }

  #requireRunning(operation: string): void {
    const { state } = this;
    if (state !== 'running') {
      throw new FoundationError(
        'service_unavailable',
        `${operation}: supervisor '${this.name}' is ${state}`,
        { context: { supervisor: this.name, state } },
      );
    }
  }

  #remove(child: Child): void {
    this.#children = this.#children.filter((c) => c !== child);
  }

  /** Starts one incarnation of a child and reports it; resolves to the 5202 error on failure. */
  async #startChild(child: Child): Promise<FoundationError | undefined> {
    const error = await child.start(this.#lifecycle.signal);
    if (error) return error;
    this.#feed.emit(() => ({
      type: 'child_started',
      supervisor: this.name,
      childId: child.spec.id,
      atMs: this.#clock.nowMs(),
    }));
    return undefined;
  }

  /** Stops a child on the supervisor's behalf (not a failure): an exit of kind `shutdown`. */
  async #shutdownChild(child: Child): Promise<void> {
    if (!(await child.stop())) return;
    child.lastExit = { kind: 'shutdown', reason: undefined, atMs: this.#clock.nowMs() };
    this.#emitExit(child, child.lastExit);
  }

  #emitExit(child: Child, exit: ChildExit): void {
    this.#feed.emit(() => ({
      type: 'child_exited',
      supervisor: this.name,
      childId: child.spec.id,
      kind: exit.kind,
      reason: exit.reason,
      atMs: exit.atMs,
    }));
  }

  /** Handles the end of a running incarnation: records it, releases it, applies the strategy. */
  async #handleExit(
    child: Child,
    incarnation: number,
    kind: EndKind,
    reason: unknown,
  ): Promise<void> {
    if (this.state !== 'running' || child.incarnation !== incarnation) return;
    if (child.state !== 'running') return;
    child.lastExit = { kind, reason, atMs: this.#clock.nowMs() };
    this.#emitExit(child, child.lastExit);
    await child.stop();
    await this.#afterExit(child, kind, reason);
  }

  /** Decides whether and what to restart after `child` exited, or escalates. */
  async #afterExit(child: Child, kind: EndKind, reason: unknown): Promise<void> {
    const { spec } = child;
    if (!restartWanted(spec.restart, kind)) {
      if (spec.restart === 'temporary') this.#remove(child);
      return;
    }
    const exitAtMs = child.lastExit!.atMs;
    const now = this.#clock.nowMs();
    const exceeded = this.#intensity.record({
      childId: spec.id,
      atMs: now,
      reason: describeReason(reason),
    });
    if (exceeded) {
      await this.#escalate(reason);
      return;
    }
    const n = this.#intensity.countFor(spec.id, now);
    const delayMs = restartDelayMs(spec.backoff, n, n === 1 ? 0 : child.lastDelayMs);
    child.lastDelayMs = delayMs;
    const plan = planRestart(
      this.strategy,
      this.#children.map((c) => ({ id: c.spec.id, restart: c.spec.restart, live: c.live })),
      spec.id,
      delayMs,
    );
    const byId = (id: string): Child => this.#children.find((c) => c.spec.id === id)!;
    for (const id of plan.stop) await this.#shutdownChild(byId(id));
    for (const id of plan.drop) this.#remove(byId(id));
    const token = {};
    for (const id of plan.restart) {
      const member = byId(id);
      member.state = 'restarting';
      member.restartToken = token;
      member.exitAtMs = exitAtMs;
    }
    if (plan.delayMs === 0) {
      await this.#restartGroup(token);
      return;
    }
    const timer = this.#clock.setTimeout(() => {
      this.#backoffTimers.delete(timer);
      void this.#enqueue(() => this.#restartGroup(token));
    }, plan.delayMs);
    this.#backoffTimers.add(timer);
  }

  /** Starts, in order, the children waiting for the group restart `token`. */
  async #restartGroup(token: object): Promise<void> {
    for (const child of [...this.#children]) {
      if (this.state !== 'running') return;
      if (child.restartToken !== token || child.state !== 'restarting') continue;
      child.restartToken = undefined;
      child.restarts++;
      this.#totalRestarts++;
      const error = await this.#startChild(child);
      if (error) {
        // A failed restart is a new crash of this child: it counts, and the strategy applies.
        child.lastExit = { kind: 'crash', reason: error, atMs: this.#clock.nowMs() };
        this.#emitExit(child, child.lastExit);
        await this.#afterExit(child, 'crash', error);
        return;
      }
      const atMs = this.#clock.nowMs();
      this.#feed.emit(() => ({
        type: 'child_restarted',
        supervisor: this.name,
        childId: child.spec.id,
        restarts: child.restarts,
        latencyMs: atMs - child.exitAtMs,
        atMs,
      }));
    }
  }

  /** Too many restarts: stop everything, fail, and tell whoever listens (a parent included). */
  async #escalate(reason: unknown): Promise<void> {
    // A stop() that came while this crash was handled already stops everything: a supervisor
    // being stopped does not fail.
    if (this.state !== 'running') return;
    const history = this.#intensity.window(this.#clock.nowMs());
    const error = new FoundationError(
      SupervisionErrors.supervisor_escalated,
      `supervisor '${this.name}' exceeded ${this.maxRestarts} restart(s) in ${this.periodMs} ms; ` +
        `children stopped (last: ${history.at(-1)!.childId}: ${describeReason(reason)})`,
      {
        cause: reason,
        context: {
          supervisor: this.name,
          maxRestarts: this.maxRestarts,
          periodMs: this.periodMs,
          restarts: history,
        },
      },
    );
    // The lifecycle's failure: a stop() called meanwhile waits for the shutdown and wins (the
    // supervisor then ends `stopped`, and nobody is told of a crash of a supervisor being stopped).
    if (!(await this.#lifecycle.fail(error))) return;
    this.#feed.emit(() => ({
      type: 'escalated',
      supervisor: this.name,
      error,
      atMs: this.#clock.nowMs(),
    }));
    for (const listener of [...this.#crashListeners]) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not stop the escalation from reaching the others.
      }
    }
  }
}
