import type { Backoff } from '../backoff.js';
import type { ChildExitKind, RestartType, SupervisorStrategy } from './types.js';

/** What the restart planning needs to know about one child, in start order. */
export interface PlannedChild {
  /** The child's id. */
  readonly id: string;
  /** Its restart type. */
  readonly restart: RestartType;
  /** Whether it has an incarnation (starting, running, restarting or stopping). */
  readonly live: boolean;
}

/** What a supervisor does after a child exited and its restart counts toward the intensity. */
export interface RestartPlan {
  /** Live siblings to stop first, in stop order (reverse start order). */
  readonly stop: readonly string[];
  /** Temporary siblings stopped for the group restart, whose specs are dropped (as in OTP). */
  readonly drop: readonly string[];
  /** The children to start again, in start order, once `delayMs` has passed. */
  readonly restart: readonly string[];
  /** The delay before the restart, ms (0: at once). */
  readonly delayMs: number;
}

/**
 * Whether an exit of kind `kind` restarts a child of type `restart`: a permanent child always,
 * a transient one after a crash only, a temporary one never.
 *
 * @param restart - the child's restart type
 * @param kind - how its incarnation ended
 * @returns true when the supervisor restarts it
 */
export function restartWanted(restart: RestartType, kind: ChildExitKind): boolean {
  if (restart === 'temporary') return false;
  return restart === 'permanent' || kind === 'crash';
}

/**
 * The delay before the `n`-th restart (n >= 1) of a child within the intensity period: the
 * child's backoff for retry `n`, given the delay before its previous restart; 0 without a
 * backoff. A backoff returning a negative or non-finite number counts as 0.
 *
 * @param backoff - the child's restart backoff, if any
 * @param n - how many restarts of this child count in the intensity period, this one included
 * @param previousDelayMs - the delay before its previous restart (0 for the first)
 * @returns the delay in ms, finite and >= 0
 */
export function restartDelayMs(
  backoff: Backoff | undefined,
  n: number,
  previousDelayMs: number,
): number {
  if (!backoff) return 0;
  const delayMs = backoff(n, previousDelayMs);
  return Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
}

/**
 * Which children restart with `failedId` and in what order, by strategy (OTP's rules):
 * `one_for_one` only the failed child; `one_for_all` every live child; `rest_for_one` the failed
 * child and the live children started after it. The live siblings in the group are stopped in
 * reverse start order first; temporary siblings among them are dropped, not restarted.
 *
 * @param strategy - the supervisor's strategy
 * @param children - every child, in start order (the failed one included)
 * @param failedId - the child that exited
 * @param delayMs - the delay before the restart (see {@link restartDelayMs})
 * @returns the plan: what to stop, drop and restart, and when
 */
export function planRestart(
  strategy: SupervisorStrategy,
  children: readonly PlannedChild[],
  failedId: string,
  delayMs: number,
): RestartPlan {
  const at = children.findIndex((child) => child.id === failedId);
  const from = strategy === 'one_for_all' ? 0 : at;
  const group =
    strategy === 'one_for_one'
      ? [children[at]!]
      : children.slice(from).filter((child) => child.id === failedId || child.live);
  const siblings = group.filter((child) => child.id !== failedId);
  return {
    stop: siblings.map((child) => child.id).reverse(),
    drop: siblings.filter((child) => child.restart === 'temporary').map((child) => child.id),
    restart: group
      .filter((child) => child.id === failedId || child.restart !== 'temporary')
      .map((child) => child.id),
    delayMs,
  };
}
