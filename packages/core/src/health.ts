import type { HealthStatus } from './interfaces.js';

/** How bad each health status is, for comparing them: healthy 0, degraded 1, unhealthy 2. */
export const HEALTH_SEVERITY: Readonly<Record<HealthStatus, number>> = Object.freeze({
  healthy: 0,
  degraded: 1,
  unhealthy: 2,
});

/**
 * The worst of some health statuses: how a service made of parts (a foundation, a supervisor,
 * a set of checks) reports its overall health.
 *
 * @param statuses - the parts' statuses, in any order
 * @returns the worst of them; `healthy` when there are none
 * @example
 * ```ts
 * worstHealth(['healthy', 'degraded']); // 'degraded'
 * ```
 */
export function worstHealth(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'healthy';
  for (const status of statuses) {
    if (HEALTH_SEVERITY[status] > HEALTH_SEVERITY[worst]) worst = status;
  }
  return worst;
}
