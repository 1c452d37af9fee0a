import { hostname } from 'node:os';
import { generateCorrelationId, generateId, systemClock, type Clock } from '@foundation/core';
import { currentCorrelationId } from '@foundation/errors';
import { kindOf, MAX_TYPE_LENGTH } from './event-shape.js';
import { checkOptions, invalidInput, type KnownOptions } from './invalid.js';

/** Where an event was made: the service, the host and the process. */
export interface EventSource {
  /** The service's name (default: `OTEL_SERVICE_NAME`, else `npm_package_name`, else `unknown_service:node`). */
  readonly service: string;
  /** The host name. */
  readonly host: string;
  /** The process id. */
  readonly pid: number;
}

/**
 * A structured event. Everything but `data` is fixed by {@link createEvent}; the event object
 * and its `source` are frozen.
 *
 * Optional links are left out (not set to `undefined`) when absent, so an event compares equal
 * to its serialized-and-restored copy.
 */
export interface FoundationEvent<TType extends string = string, TData = unknown> {
  /** A UUIDv7: unique, and sortable by creation time (strictly increasing within a process). */
  readonly id: string;
  /** What happened, such as `user.created`. */
  readonly type: TType;
  /** Monotonic time of creation in nanoseconds (comparable only within one process). */
  readonly timestampNs: number;
  /** Wall-clock time of creation, epoch milliseconds. */
  readonly wallTime: number;
  /** Ties together every event of one request or job. */
  readonly correlationId: string;
  /** The id of the event that caused this one, if any. */
  readonly causationId?: string;
  /** The id of the enclosing event (an operation's entry event, for instance), if any. */
  readonly parentId?: string;
  /** Where the event was made. */
  readonly source: EventSource;
  /** The payload. Not copied or frozen: treat it as immutable once the event exists. */
  readonly data: TData;
}

/** What {@link createEvent} accepts besides the type and data. */
export interface CreateEventOptions {
  /** Use this correlation id (else the current ErrorContext's, else the cause's, else a new one). */
  readonly correlationId?: string;
  /** The id of the event that caused this one. */
  readonly causationId?: string;
  /** The id of the enclosing event. */
  readonly parentId?: string;
  /**
   * The event that caused this one: sets `causationId` to its id and, unless given, inherits
   * its correlation id.
   */
  readonly causedBy?: Pick<FoundationEvent, 'id' | 'correlationId'>;
  /** Overrides parts of the default {@link EventSource}. */
  readonly source?: Partial<EventSource>;
  /** The clock for `timestampNs` and `wallTime`. Default `systemClock`. */
  readonly clock?: Clock;
}

const EMPTY_OPTIONS: CreateEventOptions = Object.freeze({});
const CREATE_OPTIONS: KnownOptions<CreateEventOptions> = {
  correlationId: true,
  causationId: true,
  parentId: true,
  causedBy: true,
  source: true,
  clock: true,
};

let defaultSource: EventSource | undefined;

/**
 * The source events get unless told otherwise; computed once, on first use.
 *
 * @returns the frozen default source: the service from `OTEL_SERVICE_NAME`, else
 *   `npm_package_name`, else `'unknown_service:node'`; this machine's host name; this process's
 *   pid. The same object on every call
 */
export function getDefaultSource(): EventSource {
  defaultSource ??= Object.freeze({
    service:
      process.env.OTEL_SERVICE_NAME ?? process.env.npm_package_name ?? 'unknown_service:node',
    host: hostname(),
    pid: process.pid,
  });
  return defaultSource;
}

function resolveSource(overrides: Partial<EventSource> | undefined): EventSource {
  const base = getDefaultSource();
  if (overrides === undefined) return base;
  return Object.freeze({
    service: overrides.service ?? base.service,
    host: overrides.host ?? base.host,
    pid: overrides.pid ?? base.pid,
  });
}

/** Refuses an event type that could never be serialized or stored, where the caller made it. */
function checkType(type: unknown): void {
  if (typeof type !== 'string') {
    throw invalidInput('type', `expected a string, got ${kindOf(type)}`);
  }
  if (type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    throw invalidInput('type', `must have 1 to ${MAX_TYPE_LENGTH} characters, got ${type.length}`);
  }
}

/**
 * Creates a frozen event. The correlation id comes from `options.correlationId`, else from
 * `options.causedBy`, else from the current ErrorContext (`withContext`), else is new.
 *
 * @example
 * ```ts
 * const created = createEvent('user.created', { userId: 42 });
 * const mailed = createEvent('mail.sent', { to: 'a@b.c' }, { causedBy: created });
 * mailed.correlationId === created.correlationId; // true
 * ```
 *
 * @param type - the event type, such as `'user.created'`: a string of 1 to
 *   {@link MAX_TYPE_LENGTH} characters
 * @param data - the payload, stored as given (not copied or frozen)
 * @param options - correlation, causation, parent, source overrides and clock; every field is
 *   optional, and unknown fields are refused
 * @returns a new frozen event with a fresh id, timestamps from the clock, the resolved
 *   correlation id and source, and `causationId`/`parentId` only when known
 * @throws FoundationError 3204 invalid_input naming `type` when the type is not a string of 1 to
 *   {@link MAX_TYPE_LENGTH} characters (the same rule serialization and the store apply).
 */
export function createEvent<TType extends string, TData>(
  type: TType,
  data: TData,
  options: CreateEventOptions = EMPTY_OPTIONS,
): FoundationEvent<TType, TData> {
  checkType(type);
  if (options !== EMPTY_OPTIONS) checkOptions('options', options, CREATE_OPTIONS);
  const clock = options.clock ?? systemClock;
  const causedBy = options.causedBy;
  const causationId = options.causationId ?? causedBy?.id;
  const parentId = options.parentId;
  const event: {
    -readonly [K in keyof FoundationEvent<TType, TData>]: FoundationEvent<TType, TData>[K];
  } = {
    id: generateId(),
    type,
    timestampNs: clock.nowNs(),
    wallTime: clock.wallMs(),
    correlationId:
      options.correlationId ??
      causedBy?.correlationId ??
      currentCorrelationId() ??
      generateCorrelationId(),
    source: resolveSource(options.source),
    data,
  };
  if (causationId !== undefined) event.causationId = causationId;
  if (parentId !== undefined) event.parentId = parentId;
  return Object.freeze(event);
}
