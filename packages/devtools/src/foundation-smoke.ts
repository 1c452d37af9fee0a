import {
  generateCorrelationId,
  generateId,
  idTimestampMs,
  type Foundation,
} from '@foundation/core';
import { FoundationError, isFoundationError, withContext } from '@foundation/errors';
import { DevtoolsErrorCodes, inputError } from './codes.js';

/** A smoke check that found a problem. */
function failure(message: string): FoundationError {
  return new FoundationError(DevtoolsErrorCodes.devtools_smoke_failed, message);
}
import { skipSmokeTest, type SmokeTest, type SmokeTestContext } from './smoke.js';

/**
 * The parts of an application that {@link foundationSmokeTests} checks besides the lifecycle.
 * devtools imports only core and errors, so the application hands in its own config, events and
 * telemetry as small functions; a part left out is reported as skipped, never as passed.
 */
export interface FoundationSmokeParts {
  /** Reads one configuration value; the test fails if it throws or gives `undefined`. */
  readonly readConfig?: (context: SmokeTestContext) => unknown;
  /**
   * Creates an event, serializes and decodes it, and returns both; the test checks the copy
   * has the original's `id` and `type`.
   */
  readonly eventRoundTrip?: (context: SmokeTestContext) => Promise<EventRoundTrip> | EventRoundTrip;
  /** Emits a telemetry event and returns whether a handler saw it. */
  readonly telemetry?: (context: SmokeTestContext) => Promise<boolean> | boolean;
}

/** What {@link FoundationSmokeParts.eventRoundTrip} returns. */
export interface EventRoundTrip {
  /** The event as created. */
  readonly original: { readonly id: string; readonly type: string };
  /** The event after serializing and decoding. */
  readonly decoded: { readonly id: string; readonly type: string };
}

const PARTS = ['readConfig', 'eventRoundTrip', 'telemetry'] as const;

function checkParts(parts: FoundationSmokeParts): FoundationSmokeParts {
  if (typeof parts !== 'object' || (parts as unknown) === null)
    throw inputError('parts', 'must be an object');
  for (const key of PARTS) {
    const value = (parts as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'function')
      throw inputError(`parts.${key}`, 'must be a function when given');
  }
  return parts;
}

/**
 * The default smoke suite for a Foundation application (the seed's): initialize, status,
 * health, config read, event create and round trip, id generation, error context and
 * telemetry. Run it with {@link runSmokeTests}. The suite initializes `foundation` (a second
 * call is harmless) and leaves it running: shut it down when the report is in.
 *
 * @param foundation - The application's foundation; it must have `initialize`, `status` and
 *   `health`.
 * @param parts - The config read, event round trip and telemetry checks the application hands
 *   in; each one left out (all, by default) makes its test report as skipped.
 * @returns The eight tests, in order: initialize, status, health, config read, event create and
 *   round trip, id generation, error context, telemetry.
 * @throws FoundationError 3204 (`invalid_input`) when `foundation` lacks `initialize`,
 * `status` or `health`, or a part is not a function.
 * @example
 * ```ts
 * const report = await runSmokeTests(
 *   foundationSmokeTests(foundation, { readConfig: () => config.get('server.port') }),
 * );
 * await foundation.shutdown();
 * ```
 */
export function foundationSmokeTests(
  foundation: Foundation,
  parts: FoundationSmokeParts = {},
): SmokeTest[] {
  for (const member of ['initialize', 'status', 'health'] as const) {
    const value: unknown =
      typeof foundation === 'object' && (foundation as unknown) !== null
        ? (foundation as unknown as Record<string, unknown>)[member]
        : undefined;
    if (typeof value !== 'function') throw inputError(`foundation.${member}`, 'must be a function');
  }
  const { readConfig, eventRoundTrip, telemetry } = checkParts(parts);
  return [
    {
      name: 'initialize',
      run: async ({ signal }) => {
        await foundation.initialize(signal);
        return 'started';
      },
    },
    {
      name: 'status',
      run: () => {
        const status = foundation.status();
        if (status.state !== 'running') throw failure(`state is '${status.state}', not running`);
        return `${status.services.length} services running`;
      },
    },
    {
      name: 'health',
      run: async () => {
        const health = await foundation.health();
        if (health.status === 'unhealthy') throw failure('overall health is unhealthy');
        return health.status;
      },
    },
    {
      name: 'config read',
      run: (context) => {
        if (!readConfig) return skipSmokeTest('no readConfig part given');
        const value = readConfig(context);
        if (value === undefined) throw failure('readConfig gave undefined');
        return 'read';
      },
    },
    {
      name: 'event create and round trip',
      run: async (context) => {
        if (!eventRoundTrip) return skipSmokeTest('no eventRoundTrip part given');
        const { original, decoded } = await eventRoundTrip(context);
        if (original.id !== decoded.id || original.type !== decoded.type)
          throw failure(`round trip changed the event: ${original.id} -> ${decoded.id}`);
        return `${original.type} survived`;
      },
    },
    {
      name: 'id generation',
      run: () => {
        const ids = Array.from({ length: 100 }, () => generateId());
        if (new Set(ids).size !== ids.length) throw failure('duplicate id generated');
        if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) throw failure('ids out of order');
        if (!Number.isFinite(idTimestampMs(ids[0]!))) throw failure('id carries no timestamp');
        if (generateCorrelationId() === generateCorrelationId())
          throw failure('correlation ids repeat');
        return '100 ids unique and ordered';
      },
    },
    {
      name: 'error context',
      run: () => {
        const error = withContext(
          { operation: 'smoke.error-context' },
          () => new FoundationError('internal_error', 'smoke'),
        );
        if (!isFoundationError(error) || error.correlationId === undefined)
          throw failure('errors created in a context carry no correlation id');
        return 'errors carry the context';
      },
    },
    {
      name: 'telemetry',
      run: async (context) => {
        if (!telemetry) return skipSmokeTest('no telemetry part given');
        if (!(await telemetry(context))) throw failure('no handler saw the telemetry event');
        return 'handled';
      },
    },
  ];
}
