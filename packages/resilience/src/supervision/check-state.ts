/** Where a self-healing check stands: not run yet, healthy, or unhealthy. */
export type CheckStatus = 'pending' | 'healthy' | 'unhealthy';

/** The counting part of a check's state: what the threshold rule reads and updates. */
export interface CheckCounters {
  /** The check's status. */
  readonly status: CheckStatus;
  /** Failures in a row, up to now. */
  readonly consecutiveFailures: number;
  /** Successes in a row, up to now. */
  readonly consecutiveSuccesses: number;
}

/** How many results in a row change a check's status. */
export interface CheckThresholds {
  /** Failures in a row before a check counts as unhealthy. */
  readonly failureThreshold: number;
  /** Successes in a row before an unhealthy check counts as healthy again. */
  readonly successThreshold: number;
}

/**
 * The threshold rule, pure: `failureThreshold` failures in a row make a check unhealthy;
 * an unhealthy check needs `successThreshold` successes in a row to be healthy again; a pending
 * check becomes healthy on its first success.
 */
export function nextCheckState(
  state: CheckCounters,
  passed: boolean,
  thresholds: CheckThresholds,
): CheckCounters {
  if (passed) {
    const consecutiveSuccesses = state.consecutiveSuccesses + 1;
    const recovered =
      state.status !== 'unhealthy' || consecutiveSuccesses >= thresholds.successThreshold;
    return {
      status: recovered ? 'healthy' : 'unhealthy',
      consecutiveFailures: 0,
      consecutiveSuccesses,
    };
  }
  const consecutiveFailures = state.consecutiveFailures + 1;
  return {
    status: consecutiveFailures >= thresholds.failureThreshold ? 'unhealthy' : state.status,
    consecutiveFailures,
    consecutiveSuccesses: 0,
  };
}

/**
 * The delay before a check's next run: `intervalMs` spread evenly by ±`jitter` (a fraction),
 * given `random` in [0, 1).
 */
export function jitteredDelayMs(intervalMs: number, jitter: number, random: number): number {
  return intervalMs * (1 - jitter + 2 * jitter * random);
}
