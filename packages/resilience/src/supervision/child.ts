import {
  abortReason,
  stopWithin,
  TIMED_OUT,
  within,
  type Clock,
  type HealthReport,
  type Timer,
} from '@foundation/core';
import { FoundationError, toFoundationError, wrap } from '@foundation/errors';
import { isStoppable, type NormalizedChild } from './child-spec.js';
import { describeReason } from './describe-reason.js';
import { SupervisionErrors } from './errors.js';
import type { ChildExit, ChildExitKind, ChildInfo, ChildState, Stoppable } from './types.js';

/** The exits a child causes itself (a shutdown is the supervisor's doing). */
export type EndKind = Exclude<ChildExitKind, 'shutdown'>;

/** What a {@link Child} tells its supervisor. */
export interface ChildOwner {
  /** The supervisor's name, for errors and events. */
  readonly supervisor: string;
  /** The supervisor's clock. */
  readonly clock: Clock;
  /** An incarnation crashed or exited (its own `crash`/`exit`, a failed health poll, `onCrash`). */
  exited(child: Child, incarnation: number, kind: EndKind, reason: unknown): void;
  /** A stop outlasted the child's stop timeout and was abandoned (the 5203 error). */
  stopTimedOut(child: Child, error: FoundationError): void;
}

/**
 * One child of a supervisor and its incarnations: starting one within its start timeout,
 * polling its health, stopping it within its stop timeout, and what is known about it (state,
 * restarts, last exit). Restart decisions are the supervisor's.
 */
export class Child {
  /** The child's checked spec. */
  readonly spec: NormalizedChild;
  /** Where it is in its lifecycle. */
  state: ChildState = 'stopped';
  /** How many times its supervisor restarted it. */
  restarts = 0;
  /** Its last exit, if any. */
  lastExit: ChildExit | undefined;
  /** Identifies the pending group restart this child waits for. */
  restartToken: object | undefined;
  /** When the exit that caused the pending restart happened, for the restart latency. */
  exitAtMs = 0;
  /** The delay before its last backoff restart, ms (what a backoff gets as the previous delay). */
  lastDelayMs = 0;

  readonly #owner: ChildOwner;
  #handle: Stoppable | undefined;
  // Bumped on every start, so a late crash of an old incarnation is ignored.
  #incarnation = 0;
  #controller: AbortController | undefined;
  #healthTimer: Timer | undefined;
  #polling = false;
  #startedAtMs: number | undefined;
  #lastStopError: Error | undefined;

  /**
   * Creates a stopped child.
   *
   * @param spec - the child's checked spec
   * @param owner - the supervisor it reports to
   */
  constructor(spec: NormalizedChild, owner: ChildOwner) {
    this.spec = spec;
    this.#owner = owner;
  }

  /** The current incarnation's number (0 before the first start). */
  get incarnation(): number {
    return this.#incarnation;
  }

  /** Whether it has an incarnation: anything but `stopped`. */
  get live(): boolean {
    return this.state !== 'stopped';
  }

  /** When its current incarnation started (monotonic ms), undefined when not running. */
  get startedAtMs(): number | undefined {
    return this.#startedAtMs;
  }

  /** What {@link Supervisor.whichChildren} reports about it, frozen. */
  info(): ChildInfo {
    return Object.freeze({
      id: this.spec.id,
      type: this.spec.type,
      restart: this.spec.restart,
      state: this.state,
      restarts: this.restarts,
      startedAtMs: this.#startedAtMs,
      lastExit: this.lastExit,
      lastStopError: this.#lastStopError,
    });
  }

  /**
   * Starts a new incarnation within the spec's start timeout, its signal following `run`.
   * Resolves to the 5202 error when it fails (the child is then stopped), undefined when it runs.
   *
   * @param run - the supervisor's run signal: aborting it aborts the start
   */
  async start(run: AbortSignal): Promise<FoundationError | undefined> {
    const { spec } = this;
    const incarnation = ++this.#incarnation;
    const controller = new AbortController();
    this.#controller = controller;
    this.state = 'starting';
    const forward = (): void => {
      controller.abort(run.reason);
    };
    run.addEventListener('abort', forward, { once: true });
    const launching = Promise.resolve().then(() =>
      spec.launch({
        signal: controller.signal,
        crash: (reason) => {
          this.#owner.exited(this, incarnation, 'crash', reason);
        },
        exit: () => {
          this.#owner.exited(this, incarnation, 'normal', undefined);
        },
      }),
    );
    try {
      const outcome = await within(() => launching, spec.startTimeoutMs, this.#owner.clock);
      if (outcome === TIMED_OUT) {
        const error = this.#startError(`start exceeded ${spec.startTimeoutMs} ms`, 'timeout');
        controller.abort(error);
        // If the abandoned start still succeeds, release what it built.
        void launching
          .then((late) => (isStoppable(late) ? late.stop() : undefined))
          .catch(() => undefined);
        throw error;
      }
      if (!isStoppable(outcome)) {
        throw this.#startError('start must return something with stop()', 'stoppable');
      }
      if (spec.healthCheck && typeof outcome.health !== 'function') {
        await this.#stopHandle(outcome);
        throw this.#startError('healthCheck needs a health() on what start returns', 'health');
      }
      if (controller.signal.aborted) {
        await this.#stopHandle(outcome);
        throw abortReason(controller.signal);
      }
      this.#handle = outcome;
      this.state = 'running';
      this.#startedAtMs = this.#owner.clock.nowMs();
      if (spec.healthCheck) {
        this.#healthTimer = this.#owner.clock.setInterval(() => {
          this.#pollHealth(incarnation);
        }, spec.healthCheck.intervalMs);
      }
      return undefined;
    } catch (error) {
      controller.abort(error);
      this.state = 'stopped';
      this.#handle = undefined;
      if (FoundationError.is(error) && error.codeName === 'child_start_failed') return error;
      return wrap(
        error,
        SupervisionErrors.child_start_failed,
        `child '${spec.id}' of supervisor '${this.#owner.supervisor}' failed to start: ${describeReason(error)}`,
        { context: { supervisor: this.#owner.supervisor, childId: spec.id } },
      );
    } finally {
      run.removeEventListener('abort', forward);
    }
  }

  /**
   * Ends the current incarnation: stops polling, aborts its signal, stops its handle within the
   * spec's stop timeout (a hang or a throw is recorded as `lastStopError`).
   *
   * @returns a promise of whether it was running (so the stop is an exit to report)
   */
  async stop(): Promise<boolean> {
    const wasRunning = this.state === 'running';
    this.#healthTimer?.cancel();
    this.#healthTimer = undefined;
    this.#controller?.abort(new Error(`child '${this.spec.id}' is stopping`));
    this.restartToken = undefined;
    const handle = this.#handle;
    this.#handle = undefined;
    this.#startedAtMs = undefined;
    if (handle) {
      this.state = 'stopping';
      await this.#stopHandle(handle);
    }
    this.state = 'stopped';
    return wasRunning;
  }

  /**
   * The child's health for its supervisor's `health()`: its own report (bounded by
   * `timeoutMs`; a throw or timeout is unhealthy), degraded while it is not running.
   *
   * @param timeoutMs - how long its `health()` may take
   */
  async health(timeoutMs: number): Promise<HealthReport> {
    const handle = this.#handle;
    if (this.state !== 'running' || !handle) {
      return { status: 'degraded', message: `child is ${this.state}` };
    }
    if (!handle.health) return { status: 'healthy', message: 'running' };
    try {
      const outcome = await within(() => handle.health!(), timeoutMs, this.#owner.clock);
      if (outcome === TIMED_OUT) {
        return { status: 'unhealthy', message: `health exceeded ${timeoutMs} ms` };
      }
      return outcome;
    } catch (error) {
      return { status: 'unhealthy', message: `health threw: ${describeReason(error)}` };
    }
  }

  #startError(problem: string, rule: string): FoundationError {
    const { supervisor } = this.#owner;
    return new FoundationError(
      SupervisionErrors.child_start_failed,
      `child '${this.spec.id}' of supervisor '${supervisor}' failed to start: ${problem}`,
      { context: { supervisor, childId: this.spec.id, rule } },
    );
  }

  /** Polls a running incarnation's health; an unhealthy report, a throw or a timeout crashes it. */
  #pollHealth(incarnation: number): void {
    const handle = this.#handle;
    const poll = this.spec.healthCheck;
    if (this.#polling || this.#incarnation !== incarnation || !handle?.health || !poll) return;
    this.#polling = true;
    const { clock, supervisor } = this.#owner;
    // Nobody awaits a poll: its deadline must not hold the process open.
    void within(() => handle.health!(), poll.timeoutMs, clock, { background: true })
      .then(
        (outcome) => {
          if (outcome === TIMED_OUT) return `health check exceeded ${poll.timeoutMs} ms`;
          if (outcome.status !== 'unhealthy') return undefined;
          return `reported unhealthy${outcome.message ? `: ${outcome.message}` : ''}`;
        },
        (error: unknown) => `health check threw: ${describeReason(error)}`,
      )
      .then((problem) => {
        this.#polling = false;
        if (problem === undefined) return;
        const error = new FoundationError(
          SupervisionErrors.health_check_failed,
          `child '${this.spec.id}' ${problem}`,
          { context: { supervisor, childId: this.spec.id } },
        );
        this.#owner.exited(this, incarnation, 'crash', error);
      });
  }

  /** Stops a handle within the stop timeout; a hang or a throw is recorded. */
  async #stopHandle(handle: Stoppable): Promise<void> {
    const { spec } = this;
    const outcome = await stopWithin(() => handle.stop(), spec.stopTimeoutMs, this.#owner.clock);
    if (outcome.kind === 'failed') {
      this.#lastStopError = toFoundationError(outcome.error);
    } else if (outcome.kind === 'timed_out') {
      const { supervisor } = this.#owner;
      const error = new FoundationError(
        SupervisionErrors.child_stop_timeout,
        `child '${spec.id}' did not stop within ${spec.stopTimeoutMs} ms and was abandoned`,
        { context: { supervisor, childId: spec.id, stopTimeoutMs: spec.stopTimeoutMs } },
      );
      this.#lastStopError = error;
      this.#owner.stopTimedOut(this, error);
    }
  }
}
