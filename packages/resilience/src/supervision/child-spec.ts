import { checkConformance, ServiceDescriptor, type Service } from '@foundation/core';
import type { Backoff } from '../backoff.js';
import type { ChildContext, RestartType, Stoppable } from './types.js';
import {
  invalidSpec,
  requireFunction,
  requireName,
  requireNumber,
  requireObject,
  requireOneOf,
} from './validation.js';

const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];

/** A child spec checked and completed with its defaults; how the supervisor sees a child. */
export interface NormalizedChild {
  readonly id: string;
  readonly type: 'worker' | 'supervisor';
  readonly restart: RestartType;
  readonly stopTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly backoff: Backoff | undefined;
  readonly healthCheck: { readonly intervalMs: number; readonly timeoutMs: number } | undefined;
  /** Starts one incarnation: the spec's `start`, or the service adapter. */
  readonly launch: (context: ChildContext) => Stoppable | Promise<Stoppable>;
}

/** True for something a child's start may return. */
export function isStoppable(value: unknown): value is Stoppable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { stop?: unknown }).stop === 'function'
  );
}

function isSupervisorLike(service: Service): boolean {
  const candidate = service as Partial<Record<'whichChildren' | 'countChildren', unknown>>;
  return (
    typeof candidate.whichChildren === 'function' && typeof candidate.countChildren === 'function'
  );
}

/**
 * Runs a core Service as a child: `start(signal)`, then (when it has `onCrash`) its failures
 * become crashes of this incarnation; stopping unsubscribes and calls `stop()`.
 */
function serviceLauncher(service: Service): NormalizedChild['launch'] {
  return async (context) => {
    await service.start(context.signal);
    const onCrash = (service as Partial<Record<'onCrash', unknown>>).onCrash;
    const unsubscribe =
      typeof onCrash === 'function'
        ? (onCrash as (listener: (reason: unknown) => void) => () => void).call(
            service,
            (reason) => {
              context.crash(reason);
            },
          )
        : undefined;
    return {
      stop: async () => {
        unsubscribe?.();
        await service.stop();
      },
      health: () => service.health(),
    };
  };
}

/**
 * A child's restart backoff as a {@link Backoff}: a function is taken as it is; the deprecated
 * `{ initialDelayMs, maxDelayMs, factor }` object becomes the exponential backoff it describes
 * (`min(maxDelayMs, initialDelayMs * factor^(n-1))`, no jitter).
 */
function normalizeBackoff(value: unknown, path: string): Backoff | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as Backoff;
  const backoff = requireObject(value, path);
  const initialDelayMs = requireNumber(
    backoff.initialDelayMs,
    { min: 0 },
    undefined,
    `${path}.initialDelayMs`,
  );
  const maxDelayMs = requireNumber(
    backoff.maxDelayMs,
    { min: initialDelayMs },
    Math.max(30_000, initialDelayMs),
    `${path}.maxDelayMs`,
  );
  const factor = requireNumber(backoff.factor, { min: 1 }, 2, `${path}.factor`);
  return (n) => Math.min(maxDelayMs, initialDelayMs * factor ** (n - 1));
}

function normalizeHealthCheck(value: unknown, path: string): NormalizedChild['healthCheck'] {
  if (value === undefined) return undefined;
  const poll = requireObject(value, path);
  const intervalMs = requireNumber(
    poll.intervalMs,
    { min: 0, exclusive: true },
    undefined,
    `${path}.intervalMs`,
  );
  const timeoutMs = requireNumber(poll.timeoutMs, { min: 0 }, 5_000, `${path}.timeoutMs`);
  return { intervalMs, timeoutMs };
}

/** The child's stop timeout, under its name or the deprecated `shutdownTimeoutMs` (not both). */
function stopTimeoutOf(spec: Readonly<Record<string, unknown>>, path: string): number {
  if (spec.stopTimeoutMs !== undefined && spec.shutdownTimeoutMs !== undefined) {
    throw invalidSpec(
      `${path}.shutdownTimeoutMs`,
      'one_name',
      `${path} gives both stopTimeoutMs and its old name shutdownTimeoutMs`,
    );
  }
  const [name, value] =
    spec.shutdownTimeoutMs === undefined
      ? ['stopTimeoutMs', spec.stopTimeoutMs]
      : ['shutdownTimeoutMs', spec.shutdownTimeoutMs];
  return requireNumber(value, { min: 0 }, 5_000, `${path}.${name}`);
}

/**
 * Checks one child spec (which may come from untyped code) and completes it with defaults.
 * Exactly one of `start` (a function) and `service` (a core Service) must be given.
 *
 * @throws FoundationError 5204 naming the path and the rule broken.
 */
export function normalizeChildSpec(value: unknown, path: string): NormalizedChild {
  const spec = requireObject(value, path);
  const id = requireName(spec.id, `${path}.id`);
  const hasStart = spec.start !== undefined;
  const hasService = spec.service !== undefined;
  if (hasStart === hasService) {
    throw invalidSpec(
      path,
      'start_or_service',
      `${path} ('${id}') must have exactly one of start (a function) and service (a Service)`,
    );
  }
  let launch: NormalizedChild['launch'];
  let type: NormalizedChild['type'] = 'worker';
  if (hasStart) {
    launch = requireFunction(spec.start, `${path}.start`) as NormalizedChild['launch'];
  } else {
    const problems = checkConformance(spec.service, ServiceDescriptor);
    if (problems.length > 0) {
      const list = problems.map((p) => `${p.member} (${p.problem})`).join(', ');
      throw invalidSpec(
        `${path}.service`,
        'stoppable',
        `${path}.service ('${id}') is not a stoppable Service: ${list}`,
      );
    }
    const service = spec.service as Service;
    launch = serviceLauncher(service);
    if (isSupervisorLike(service)) type = 'supervisor';
  }
  return {
    id,
    type,
    restart: requireOneOf(spec.restart, RESTART_TYPES, 'permanent', `${path}.restart`),
    stopTimeoutMs: stopTimeoutOf(spec, path),
    startTimeoutMs: requireNumber(
      spec.startTimeoutMs,
      { min: 0 },
      30_000,
      `${path}.startTimeoutMs`,
    ),
    backoff: normalizeBackoff(spec.backoff, `${path}.backoff`),
    healthCheck: normalizeHealthCheck(spec.healthCheck, `${path}.healthCheck`),
    launch,
  };
}
