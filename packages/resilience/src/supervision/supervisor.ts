import {
  abortReason,
  ServiceLifecycle,
  systemClock,
  TIMED_OUT,
  within,
  worstHealth,
  type Clock,
  type HealthReport,
  type LifecycleState,
  type Service,
  type Timer,
} from '@foundation/core';
import { FoundationError, serializeError, toFoundationError, wrap } from '@foundation/errors';
import { isStoppable, normalizeChildSpec, type NormalizedChild } from './child-spec.js';
import { SupervisionErrors } from './errors.js';
import { RestartIntensity, restartDelayMs } from './intensity.js';
import type {
  ChildCounts,
  ChildExit,
  ChildExitKind,
  ChildInfo,
  ChildSpec,
  ChildState,
  CrashReporter,
  Stoppable,
  SupervisorEvent,
  SupervisorOptions,
  SupervisorStrategy,
} from './types.js';
import {
  requireName,
  requireNumber,
  requireObject,
  requireOneOf,
  requireUnique,
  requireClock,
} from './validation.js';
import { describeReason } from './describe-reason.js';
import { EventFeed } from './event-feed.js';

/** The exits a child causes itself (a shutdown is the supervisor's doing). */
type EndKind = Exclude<ChildExitKind, 'shutdown'>;

const STRATEGIES: readonly SupervisorStrategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

/** The supervisor's live view of one child. */
interface ChildRecord {
  readonly spec: NormalizedChild;
  state: ChildState;
  handle: Stoppable | undefined;
  /** Bumped on every start, so a late crash of an old incarnation is ignored. */
  incarnation: number;
  controller: AbortController | undefined;
  healthTimer: Timer | undefined;
  polling: boolean;
  restarts: number;
  startedAtMs: number | undefined;
  lastExit: ChildExit | undefined;
  lastStopError: Error | undefined;
  /** Identifies the pending group restart this child waits for. */
  restartToken: object | undefined;
  /** When the exit that caused the pending restart happened, for the restart latency. */
  exitAtMs: number;
}

function restartWanted(spec: NormalizedChild, kind: ChildExitKind): boolean {
  if (spec.restart === 'temporary') return false;
  return spec.restart === 'permanent' || kind === 'crash';
}

function isLive(record: ChildRecord): boolean {
  return record.state !== 'stopped';
}

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
  #records: ChildRecord[];
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
    const ids = new Set<string>();
    this.#records = (children as unknown[]).map((child, index) => {
      const spec = normalizeChildSpec(child, `options.children[${index}]`);
      requireUnique(spec.id, ids, `options.children[${index}].id`);
      return newRecord(spec);
    });
    this.#clock = requireClock(opts.clock, systemClock, 'options.clock');
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
   * Stops the children in reverse order, each bounded by its `shutdownTimeoutMs` (a stop that
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
    const live = this.#records.filter(isLive);
    const reports = await Promise.all(live.map((record) => this.#childHealth(record)));
    const unwell: string[] = [];
    reports.forEach((report, index) => {
      if (report.status !== 'healthy') unwell.push(`${live[index]!.spec.id} ${report.status}`);
    });
    return {
      status: worstHealth(reports.map((report) => report.status)),
      message: unwell.length === 0 ? `${live.length} children healthy` : unwell.join(', '),
      details: {
        children: Object.fromEntries(live.map((record, index) => [record.spec.id, reports[index]])),
        stopped: this.#records.filter((r) => !isLive(r)).map((r) => r.spec.id),
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
    return this.#records.map((record) =>
      Object.freeze({
        id: record.spec.id,
        type: record.spec.type,
        restart: record.spec.restart,
        state: record.state,
        restarts: record.restarts,
        startedAtMs: record.startedAtMs,
        lastExit: record.lastExit,
        lastStopError: record.lastStopError,
      }),
    );
  }

  /** How many child specs there are, how many run, and how many are supervisors or workers. */
  countChildren(): ChildCounts {
    const supervisors = this.#records.filter((r) => r.spec.type === 'supervisor').length;
    return {
      specs: this.#records.length,
      active: this.#records.filter((r) => r.state === 'running').length,
      supervisors,
      workers: this.#records.length - supervisors,
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
      requireUnique(normalized.id, new Set(this.#records.map((r) => r.spec.id)), 'spec.id');
      const record = newRecord(normalized);
      this.#records.push(record);
      const error = await this.#startChild(record);
      if (error) {
        this.#remove(record);
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
      const record = this.#find(id, 'restartChild');
      if (isLive(record)) await this.#shutdownChild(record);
      record.restarts++;
      this.#totalRestarts++;
      const error = await this.#startChild(record);
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
      const record = this.#find(id, 'terminateChild');
      await this.#shutdownChild(record);
      if (record.spec.restart === 'temporary') this.#remove(record);
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
      const record = this.#find(id, 'reportCrash');
      await this.#handleExit(record, record.incarnation, 'crash', reason);
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
    const started: ChildRecord[] = [];
    for (const record of [...this.#records]) {
      const error = run.aborted
        ? wrap(abortReason(run), SupervisionErrors.child_start_failed, 'start aborted')
        : await this.#startChild(record);
      if (error) {
        for (const done of started.reverse()) await this.#shutdownChild(done);
        throw error;
      }
      started.push(record);
    }
  }

  /** The stop hook: cancels pending restarts and stops every child in reverse order. */
  async #stopChildren(): Promise<void> {
    for (const timer of this.#backoffTimers) timer.cancel();
    this.#backoffTimers.clear();
    for (const record of [...this.#records].reverse()) await this.#shutdownChild(record);
  }

  /** Runs `op` after every change queued before it (the supervisor's mailbox). */
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    return this.#lifecycle.serialize(op);
  }

  #find(id: string, operation: string): ChildRecord {
    this.#requireRunning(operation);
    const record = this.#records.find((r) => r.spec.id === id);
    if (!record) {
      throw new FoundationError('data_not_found', `${operation}: no child with id '${id}'`, {
        context: { path: 'id', rule: 'known_child', supervisor: this.name },
      });
    }
    return record;
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

  #remove(record: ChildRecord): void {
    this.#records = this.#records.filter((r) => r !== record);
  }

  /** Called by a child (crash/exit), its health poll, or its service's onCrash. */
  #childExited(record: ChildRecord, incarnation: number, kind: EndKind, reason: unknown): void {
    void this.#enqueue(() => this.#handleExit(record, incarnation, kind, reason));
  }

  /**
   * Starts one incarnation of a child. Resolves to the 5202 error when it fails, undefined
   * when it runs.
   */
  async #startChild(record: ChildRecord): Promise<FoundationError | undefined> {
    const { spec } = record;
    const incarnation = ++record.incarnation;
    const controller = new AbortController();
    record.controller = controller;
    record.state = 'starting';
    const run = this.#lifecycle.signal;
    const forward = (): void => {
      controller.abort(run.reason);
    };
    run.addEventListener('abort', forward, { once: true });
    const launching = Promise.resolve().then(() =>
      spec.launch({
        signal: controller.signal,
        crash: (reason) => {
          this.#childExited(record, incarnation, 'crash', reason);
        },
        exit: () => {
          this.#childExited(record, incarnation, 'normal', undefined);
        },
      }),
    );
    try {
      const outcome = await within(() => launching, spec.startTimeoutMs, this.#clock);
      if (outcome === TIMED_OUT) {
        const error = this.#startError(
          spec.id,
          `start exceeded ${spec.startTimeoutMs} ms`,
          'timeout',
        );
        controller.abort(error);
        // If the abandoned start still succeeds, release what it built.
        void launching
          .then((late) => (isStoppable(late) ? late.stop() : undefined))
          .catch(() => undefined);
        throw error;
      }
      if (!isStoppable(outcome)) {
        throw this.#startError(spec.id, 'start must return something with stop()', 'stoppable');
      }
      if (spec.healthCheck && typeof outcome.health !== 'function') {
        await this.#stopHandle(record, outcome);
        throw this.#startError(
          spec.id,
          'healthCheck needs a health() on what start returns',
          'health',
        );
      }
      if (controller.signal.aborted) {
        await this.#stopHandle(record, outcome);
        throw abortReason(controller.signal);
      }
      record.handle = outcome;
      record.state = 'running';
      record.startedAtMs = this.#clock.nowMs();
      if (spec.healthCheck) {
        const { intervalMs } = spec.healthCheck;
        record.healthTimer = this.#clock.setInterval(() => {
          this.#pollHealth(record, incarnation);
        }, intervalMs);
      }
      this.#feed.emit(() => ({
        type: 'child_started',
        supervisor: this.name,
        childId: spec.id,
        atMs: this.#clock.nowMs(),
      }));
      return undefined;
    } catch (error) {
      controller.abort(error);
      record.state = 'stopped';
      record.handle = undefined;
      if (FoundationError.is(error) && error.codeName === 'child_start_failed') return error;
      return wrap(
        error,
        SupervisionErrors.child_start_failed,
        `child '${spec.id}' of supervisor '${this.name}' failed to start: ${describeReason(error)}`,
        { context: { supervisor: this.name, childId: spec.id } },
      );
    } finally {
      run.removeEventListener('abort', forward);
    }
  }

  #startError(childId: string, problem: string, rule: string): FoundationError {
    return new FoundationError(
      SupervisionErrors.child_start_failed,
      `child '${childId}' of supervisor '${this.name}' failed to start: ${problem}`,
      { context: { supervisor: this.name, childId, rule } },
    );
  }

  /** Polls a running child's health; an unhealthy report, a throw or a timeout crashes it. */
  #pollHealth(record: ChildRecord, incarnation: number): void {
    const handle = record.handle;
    const poll = record.spec.healthCheck;
    if (record.polling || record.incarnation !== incarnation || !handle?.health || !poll) return;
    record.polling = true;
    // Nobody awaits a poll: its deadline must not hold the process open.
    void within(() => handle.health!(), poll.timeoutMs, this.#clock, { background: true })
      .then(
        (outcome) => {
          if (outcome === TIMED_OUT) return `health check exceeded ${poll.timeoutMs} ms`;
          if (outcome.status !== 'unhealthy') return undefined;
          return `reported unhealthy${outcome.message ? `: ${outcome.message}` : ''}`;
        },
        (error: unknown) => `health check threw: ${describeReason(error)}`,
      )
      .then((problem) => {
        record.polling = false;
        if (problem === undefined) return;
        const error = new FoundationError(
          SupervisionErrors.health_check_failed,
          `child '${record.spec.id}' ${problem}`,
          { context: { supervisor: this.name, childId: record.spec.id } },
        );
        this.#childExited(record, incarnation, 'crash', error);
      });
  }

  async #childHealth(record: ChildRecord): Promise<HealthReport> {
    const handle = record.handle;
    if (record.state !== 'running' || !handle) {
      return { status: 'degraded', message: `child is ${record.state}` };
    }
    if (!handle.health) return { status: 'healthy', message: 'running' };
    try {
      const outcome = await within(() => handle.health!(), this.#healthTimeoutMs, this.#clock);
      if (outcome === TIMED_OUT) {
        return { status: 'unhealthy', message: `health exceeded ${this.#healthTimeoutMs} ms` };
      }
      return outcome;
    } catch (error) {
      return { status: 'unhealthy', message: `health threw: ${describeReason(error)}` };
    }
  }

  /** Stops a handle within the child's shutdown timeout; a hang or a throw is recorded. */
  async #stopHandle(record: ChildRecord, handle: Stoppable): Promise<void> {
    const { spec } = record;
    try {
      const outcome = await within(() => handle.stop(), spec.shutdownTimeoutMs, this.#clock);
      if (outcome !== TIMED_OUT) return;
      const error = new FoundationError(
        SupervisionErrors.child_stop_timeout,
        `child '${spec.id}' did not stop within ${spec.shutdownTimeoutMs} ms and was abandoned`,
        {
          context: {
            supervisor: this.name,
            childId: spec.id,
            shutdownTimeoutMs: spec.shutdownTimeoutMs,
          },
        },
      );
      record.lastStopError = error;
      this.#feed.emit(() => ({
        type: 'child_stop_timeout',
        supervisor: this.name,
        childId: spec.id,
        error,
        atMs: this.#clock.nowMs(),
      }));
    } catch (error) {
      record.lastStopError = toFoundationError(error);
    }
  }

  /** Ends the current incarnation: stops polling, aborts its signal, stops its handle. */
  async #stopChild(record: ChildRecord): Promise<void> {
    record.healthTimer?.cancel();
    record.healthTimer = undefined;
    record.controller?.abort(new Error(`child '${record.spec.id}' is stopping`));
    record.restartToken = undefined;
    const handle = record.handle;
    record.handle = undefined;
    record.startedAtMs = undefined;
    if (handle) {
      record.state = 'stopping';
      await this.#stopHandle(record, handle);
    }
    record.state = 'stopped';
  }

  /** Stops a child on the supervisor's behalf (not a failure): an exit of kind `shutdown`. */
  async #shutdownChild(record: ChildRecord): Promise<void> {
    const wasRunning = record.state === 'running';
    await this.#stopChild(record);
    if (!wasRunning) return;
    const atMs = this.#clock.nowMs();
    record.lastExit = { kind: 'shutdown', reason: undefined, atMs };
    this.#emitExit(record, record.lastExit);
  }

  #emitExit(record: ChildRecord, exit: ChildExit): void {
    this.#feed.emit(() => ({
      type: 'child_exited',
      supervisor: this.name,
      childId: record.spec.id,
      kind: exit.kind,
      reason: exit.reason,
      atMs: exit.atMs,
    }));
  }

  /** Handles the end of a running incarnation: records it, releases it, applies the strategy. */
  async #handleExit(
    record: ChildRecord,
    incarnation: number,
    kind: EndKind,
    reason: unknown,
  ): Promise<void> {
    if (this.state !== 'running' || record.incarnation !== incarnation) return;
    if (record.state !== 'running') return;
    record.lastExit = { kind, reason, atMs: this.#clock.nowMs() };
    this.#emitExit(record, record.lastExit);
    await this.#stopChild(record);
    await this.#afterExit(record, kind, reason);
  }

  /** Decides whether and what to restart after `record` exited, or escalates. */
  async #afterExit(record: ChildRecord, kind: EndKind, reason: unknown): Promise<void> {
    if (!restartWanted(record.spec, kind)) {
      if (record.spec.restart === 'temporary') this.#remove(record);
      return;
    }
    const exitAtMs = record.lastExit!.atMs;
    const now = this.#clock.nowMs();
    const exceeded = this.#intensity.record({
      childId: record.spec.id,
      atMs: now,
      reason: describeReason(reason),
    });
    if (exceeded) {
      await this.#escalate(reason);
      return;
    }
    const group = this.#groupFor(record);
    for (const sibling of [...group].reverse()) {
      if (sibling !== record) await this.#shutdownChild(sibling);
    }
    // Temporary siblings stopped for a group restart are never restarted (as in OTP).
    for (const sibling of group) {
      if (sibling !== record && sibling.spec.restart === 'temporary') this.#remove(sibling);
    }
    const token = {};
    for (const member of group) {
      if (member !== record && member.spec.restart === 'temporary') continue;
      member.state = 'restarting';
      member.restartToken = token;
      member.exitAtMs = exitAtMs;
    }
    const delayMs = restartDelayMs(
      record.spec.backoff,
      this.#intensity.countFor(record.spec.id, now),
    );
    if (delayMs === 0) {
      await this.#restartGroup(token);
      return;
    }
    const timer = this.#clock.setTimeout(() => {
      this.#backoffTimers.delete(timer);
      void this.#enqueue(() => this.#restartGroup(token));
    }, delayMs);
    this.#backoffTimers.add(timer);
  }

  /** The children to restart with `failed`, by strategy, in start order. */
  #groupFor(failed: ChildRecord): ChildRecord[] {
    if (this.strategy === 'one_for_one') return [failed];
    const from = this.strategy === 'one_for_all' ? 0 : this.#records.indexOf(failed);
    return this.#records.slice(from).filter((r) => r === failed || isLive(r));
  }

  /** Starts, in order, the children waiting for the group restart `token`. */
  async #restartGroup(token: object): Promise<void> {
    for (const record of [...this.#records]) {
      if (this.state !== 'running') return;
      if (record.restartToken !== token || record.state !== 'restarting') continue;
      record.restartToken = undefined;
      record.restarts++;
      this.#totalRestarts++;
      const error = await this.#startChild(record);
      if (error) {
        // A failed restart is a new crash of this child: it counts, and the strategy applies.
        record.lastExit = { kind: 'crash', reason: error, atMs: this.#clock.nowMs() };
        this.#emitExit(record, record.lastExit);
        await this.#afterExit(record, 'crash', error);
        return;
      }
      const atMs = this.#clock.nowMs();
      this.#feed.emit(() => ({
        type: 'child_restarted',
        supervisor: this.name,
        childId: record.spec.id,
        restarts: record.restarts,
        latencyMs: atMs - record.exitAtMs,
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
    // The shutdown is this supervisor's stop in progress: a stop() called meanwhile waits for
    // it and wins: the supervisor then ends `stopped`, and nobody is told of a crash of a
    // supervisor being stopped.
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

function newRecord(spec: NormalizedChild): ChildRecord {
  return {
    spec,
    state: 'stopped',
    handle: undefined,
    incarnation: 0,
    controller: undefined,
    healthTimer: undefined,
    polling: false,
    restarts: 0,
    startedAtMs: undefined,
    lastExit: undefined,
    lastStopError: undefined,
    restartToken: undefined,
    exitAtMs: 0,
  };
}
