import type { Foundation, HealthReport } from '@foundation/core';
import { safeStringify } from '@foundation/errors';
import type { HttpReply } from './problem.js';

const JSON_HEADERS = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
});

function json(status: number, body: unknown): HttpReply {
  return { status, headers: JSON_HEADERS, body: safeStringify(body) };
}

/** `/livez`: the process is alive and answering; always 200 (draining included). */
export function livenessReply(): HttpReply {
  return json(200, { status: 'ok' });
}

function unhealthyNames(services: Readonly<Record<string, HealthReport>>): string[] {
  return Object.entries(services)
    .filter(([, report]) => report.status !== 'healthy')
    .map(([name]) => name);
}

/**
 * `/readyz`: 200 when not draining, the foundation (if any) is running and every service
 * reports `healthy`; otherwise 503 with the reason (`draining`, the lifecycle state, or the
 * services that are not healthy).
 */
export async function readinessReply(
  foundation: Foundation | undefined,
  draining: boolean,
): Promise<HttpReply> {
  if (draining) return json(503, { status: 'not_ready', reason: 'draining' });
  if (!foundation) return json(200, { status: 'ready' });
  const { state } = foundation.status();
  if (state !== 'running') return json(503, { status: 'not_ready', reason: `foundation ${state}` });
  const health = await foundation.health();
  const failing = unhealthyNames(health.services);
  if (failing.length > 0) {
    return json(503, { status: 'not_ready', reason: 'services not healthy', services: failing });
  }
  return json(200, { status: 'ready' });
}

/**
 * `/healthz`: the full report — overall status, lifecycle state, whether draining, and every
 * service's own `HealthReport`. 503 when the overall status is `unhealthy`, else 200 (a
 * degraded service still serves).
 */
export async function healthReply(
  foundation: Foundation | undefined,
  draining: boolean,
): Promise<HttpReply> {
  if (!foundation) return json(200, { status: 'healthy', draining, services: {} });
  const { state } = foundation.status();
  const health = await foundation.health();
  const body = { status: health.status, state, draining, services: health.services };
  return json(health.status === 'unhealthy' ? 503 : 200, body);
}
