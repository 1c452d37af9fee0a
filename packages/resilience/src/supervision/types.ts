import type { Clock, HealthReport, Service } from '@foundation/core';
import type { Backoff } from '../backoff.js';

/**
 * When a child is restarted after it exits (OTP's restart types):
 * - `permanent`: always;
 * - `transient`: only after an abnormal exit (a crash), not after a normal `exit()`;
 * - `temporary`: never; its spec is removed once it exits.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/**
 * Which children are restarted when one fails (OTP's strategies):
 * - `one_for_one`: only the failed child;
 * - `one_for_all`: every child: the others are stopped in reverse start order, then all are
 *   started again in order;
 * - `rest_for_one`: the failed child and the children started after it.
 */
export type SupervisorStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** How a child's incarnation ended. */
export type ChildExitKind =
  /** It failed: `start` rejected, it called `crash`, its health poll failed, or it was reported. */
  | 'crash'
  /** It finished on its own by calling `exit()`. */
  | 'normal'
  /** The supervisor stopped it (terminateChild, a sibling's restart, or the supervisor's stop). */
  | 'shutdown';

/** Where a child is in its lifecycle. */
export type ChildState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** Something a child's start returns: anything that can be stopped (and may report health). */
export interface Stoppable {
  /** Releases what the child holds. A stop that outlasts `stopTimeoutMs` is abandoned. */
  stop(): Promise<void> | void;
  /** Optional health, used by the supervisor's `health()` and by `healthCheck` polling. */
  health?(): HealthReport | Promise<HealthReport>;
}

/** What a start-function child is given. */
export interface ChildContext {
  /**
   * Aborts when this incarnation of the child ends (crash, restart, terminate, supervisor stop)
   * or when the start is cancelled. A start that waits must give up when it aborts.
   */
  readonly signal: AbortSignal;
  /**
   * Reports that this incarnation failed; the supervisor applies its restart strategy. A plain
   * function (not a method), so it can be destructured and passed around.
   */
  readonly crash: (reason?: unknown) => void;
  /** Reports that this incarnation finished normally (a `transient` child is then not restarted). */
  readonly exit: () => void;
}

/**
 * A service that can fail on its own after it started may expose `onCrash`: a supervisor that
 * runs it as a child subscribes, and treats each call as a crash. {@link Supervisor} implements
 * it (it calls the listeners when it escalates), which is how nested supervisors fail upward.
 */
export interface CrashReporter {
  /** Calls `listener` with the reason whenever the service fails; returns the unsubscribe. */
  onCrash(listener: (reason: unknown) => void): () => void;
}

/**
 * The old form of a child's restart backoff: the n-th restart of a child within the intensity
 * period waits `min(maxDelayMs, initialDelayMs * factor^(n-1))`.
 *
 * @deprecated Pass a {@link Backoff} instead, the one `retry` and the breaker take:
 * `exponentialBackoff({ initialMs, maxMs, factor, jitter: 'none' })` is this backoff.
 */
export interface RestartBackoff {
  /** The delay before the first restart within the period, ms (>= 0). */
  readonly initialDelayMs: number;
  /** The longest delay, ms. Default 30 000. */
  readonly maxDelayMs?: number;
  /** The growth factor per restart (>= 1). Default 2. */
  readonly factor?: number;
}

/** Periodic health polling of a running child; an unhealthy report, a throw or a timeout is a crash. */
export interface ChildHealthPoll {
  /** Poll period, ms (> 0). */
  readonly intervalMs: number;
  /** How long one `health()` may take, ms. Default 5 000. */
  readonly timeoutMs?: number;
}

/** What every child spec has besides how it is started. */
export interface ChildSpecBase {
  /** A unique id among the supervisor's children (not `__proto__`, `constructor` or `prototype`). */
  readonly id: string;
  /** When the child is restarted. Default `permanent`. */
  readonly restart?: RestartType;
  /** How long its stop may take before it is abandoned (and reported, 5203), ms. Default 5 000. */
  readonly stopTimeoutMs?: number;
  /**
   * The old name of `stopTimeoutMs` (not with it).
   *
   * @deprecated Use `stopTimeoutMs`, the name every Foundation package uses.
   */
  readonly shutdownTimeoutMs?: number;
  /** How long its start may take before it counts as failed, ms. Default 30 000. */
  readonly startTimeoutMs?: number;
  /**
   * Delay before restarts: a {@link Backoff} (as `retry` and the breaker take), called with the
   * child's restart count within the intensity period (1 for the first) and the delay before its
   * previous restart. Default: none (restart at once, as OTP does). The deprecated
   * {@link RestartBackoff} object is still accepted.
   */
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old form, still accepted
  readonly backoff?: Backoff | RestartBackoff;
  /** Optional health polling: an unhealthy child is crashed and restarted. */
  readonly healthCheck?: ChildHealthPoll;
}

/** A child defined by a start function that returns something {@link Stoppable}. */
export interface StartChildSpec extends ChildSpecBase {
  /** Starts one incarnation of the child. Rejecting or throwing means it failed to start. */
  start(context: ChildContext): Stoppable | Promise<Stoppable>;
  /** Not used with `start`. */
  readonly service?: undefined;
}

/**
 * A child that is a core `Service` (a nested {@link Supervisor} included). Its failures are
 * seen when `start` rejects, through `healthCheck` polling, through its `onCrash` (see
 * {@link CrashReporter}), or when someone calls `supervisor.reportCrash(id, reason)`.
 */
export interface ServiceChildSpec extends ChildSpecBase {
  /** The service; it is started with `start(signal)` and stopped with `stop()` on every restart. */
  readonly service: Service;
  /** Not used with `service`. */
  readonly start?: undefined;
}

/** One child of a supervisor. */
export type ChildSpec = StartChildSpec | ServiceChildSpec;

/** Options of a {@link Supervisor}. */
export interface SupervisorOptions {
  /** The supervisor's service name. Default `supervisor`. */
  readonly name?: string;
  /** The restart strategy. Default `one_for_one`. */
  readonly strategy?: SupervisorStrategy;
  /**
   * Restart intensity: at most this many restarts (a positive integer) within `periodMs`;
   * one more makes the supervisor stop its children and escalate. Default 1 (Erlang's).
   */
  readonly maxRestarts?: number;
  /** The intensity period, ms (> 0). Default 5 000 (Erlang's 5 s). */
  readonly periodMs?: number;
  /** The children, in start order. Ids must be unique. */
  readonly children?: readonly ChildSpec[];
  /** How long one child's `health()` may take inside the supervisor's `health()`, ms. Default 5 000. */
  readonly healthTimeoutMs?: number;
  /** Time source for intensity, backoff and timeouts. Default `systemClock`. */
  readonly clock?: Clock;
}

/** A child's last exit. */
export interface ChildExit {
  /** How it ended. */
  readonly kind: ChildExitKind;
  /** The reason given (the error for a crash), undefined for normal exits and shutdowns. */
  readonly reason: unknown;
  /** When, on the supervisor's clock (monotonic ms). */
  readonly atMs: number;
}

/** What {@link Supervisor.whichChildren} says about one child. */
export interface ChildInfo {
  /** The child's id. */
  readonly id: string;
  /** `supervisor` for a nested supervisor, `worker` otherwise. */
  readonly type: 'worker' | 'supervisor';
  /** Its restart type. */
  readonly restart: RestartType;
  /** Where it is in its lifecycle. */
  readonly state: ChildState;
  /** How many times it was restarted by this supervisor. */
  readonly restarts: number;
  /** When its current incarnation started (monotonic ms), undefined when not running. */
  readonly startedAtMs: number | undefined;
  /** Its last exit, if any. */
  readonly lastExit: ChildExit | undefined;
  /** The last problem stopping it (a 5203 stop timeout, or what its stop threw), if any. */
  readonly lastStopError: Error | undefined;
}

/** What {@link Supervisor.countChildren} returns (OTP's count_children). */
export interface ChildCounts {
  /** Child specs held. */
  readonly specs: number;
  /** Children running now. */
  readonly active: number;
  /** Child specs that are supervisors. */
  readonly supervisors: number;
  /** Child specs that are workers. */
  readonly workers: number;
}

/** One restart counted toward the intensity. */
export interface RestartRecord {
  /** The child whose exit caused it. */
  readonly childId: string;
  /** When (monotonic ms). */
  readonly atMs: number;
  /** The exit reason, summarized. */
  readonly reason: string;
}

/** An event of a supervisor, given to `subscribe` listeners and published on the diagnostics
 * channel `foundation:resilience:supervisor`. */
export type SupervisorEvent =
  | {
      /** A child incarnation started (the first time or after a restart). */
      readonly type: 'child_started';
      /** The supervisor's name. */
      readonly supervisor: string;
      /** The child's id. */
      readonly childId: string;
      /** When (monotonic ms). */
      readonly atMs: number;
    }
  | {
      /** A child incarnation ended. */
      readonly type: 'child_exited';
      /** The supervisor's name. */
      readonly supervisor: string;
      /** The child's id. */
      readonly childId: string;
      /** How it ended. */
      readonly kind: ChildExitKind;
      /** The reason (for crashes). */
      readonly reason: unknown;
      /** When (monotonic ms). */
      readonly atMs: number;
    }
  | {
      /** A child was started again by the restart strategy. */
      readonly type: 'child_restarted';
      /** The supervisor's name. */
      readonly supervisor: string;
      /** The child's id. */
      readonly childId: string;
      /** Its restart count so far. */
      readonly restarts: number;
      /** From the exit that caused the restart to the child running again, ms. */
      readonly latencyMs: number;
      /** When (monotonic ms). */
      readonly atMs: number;
    }
  | {
      /** A child's stop outlasted its stop timeout and was abandoned. */
      readonly type: 'child_stop_timeout';
      /** The supervisor's name. */
      readonly supervisor: string;
      /** The child's id. */
      readonly childId: string;
      /** The 5203 error. */
      readonly error: Error;
      /** When (monotonic ms). */
      readonly atMs: number;
    }
  | {
      /** The restart intensity was exceeded: children stopped, failure escalated. */
      readonly type: 'escalated';
      /** The supervisor's name. */
      readonly supervisor: string;
      /** The 5201 error, with the restart history in its context. */
      readonly error: Error;
      /** When (monotonic ms). */
      readonly atMs: number;
    };
