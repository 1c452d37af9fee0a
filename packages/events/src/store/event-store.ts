import {
  abortReason,
  systemClock,
  type Clock,
  type HealthReport,
  type Service,
} from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { EventErrorCodes } from '../codes.js';
import { appendedChannel, listenerFailedChannel, prunedChannel } from '../diagnostics.js';
import type { FoundationEvent } from '../event.js';
import { findShapeProblem } from '../event-shape.js';
import {
  checkOptions,
  invalidInput,
  positiveLimit,
  validationFailed,
  type KnownOptions,
} from '../invalid.js';
import type { EventValidator } from '../registry.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { MemoryStorage } from './memory-storage.js';
import { estimateEventSize } from './size.js';
import type { NormalizedQuery, StorageAdapter, StoredEntry } from './types.js';

/** Default bound on the number of events held. */
export const DEFAULT_MAX_EVENTS = 100_000;
/** Default bound on the estimated bytes held: 64 MiB. */
export const DEFAULT_MAX_STORE_BYTES = 64 * 1024 * 1024;
/** Default bound on the age of events held (by wall time): 24 hours. */
export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Default page size of {@link EventStore.query}. */
export const DEFAULT_QUERY_LIMIT = 100;

/** Options of {@link EventStore}. */
export interface EventStoreOptions {
  /** The service name (for lifecycle, health and diagnostics). Default `event-store`. */
  readonly name?: string;
  /** Most events held; the oldest are dropped beyond. Default 100 000. */
  readonly maxEvents?: number;
  /** Most estimated bytes held (see `estimateEventSize`). Default 64 MiB. */
  readonly maxBytes?: number;
  /** Oldest event held, by its wall time against the clock's. Default 24 h. */
  readonly maxAgeMs?: number;
  /** The clock the age bound reads. Default `systemClock`. */
  readonly clock?: Clock;
  /** Where events are kept. Default a new {@link MemoryStorage}. */
  readonly storage?: StorageAdapter;
  /** Checks every event before it is stored (an event registry, for instance). */
  readonly validator?: EventValidator;
}

const STORE_OPTIONS: KnownOptions<EventStoreOptions> = {
  name: true,
  maxEvents: true,
  maxBytes: true,
  maxAgeMs: true,
  clock: true,
  storage: true,
  validator: true,
};

/** What {@link EventStore.query} looks for. Every field is optional. */
export interface EventQuery {
  /** Only events of these types. */
  readonly types?: readonly string[];
  /** Only events with wall time at or after this (epoch ms or Date). */
  readonly from?: number | Date;
  /** Only events with wall time before this (epoch ms or Date). */
  readonly to?: number | Date;
  /** Only events of this correlation. */
  readonly correlationId?: string;
  /** `asc` (oldest first, the default) or `desc` (newest first). */
  readonly order?: 'asc' | 'desc';
  /** Page size. Default 100. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page (of the same query). */
  readonly cursor?: string;
}

/** One page of query results. */
export interface EventPage {
  /** The events, in the query's order. */
  readonly events: readonly FoundationEvent[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** Which appended events a subscriber hears about. */
export interface EventFilter {
  /** Only these types. */
  readonly types?: readonly string[];
  /** Only this correlation. */
  readonly correlationId?: string;
}

/** Called with each matching event after it was stored. */
export type EventListener = (event: FoundationEvent) => void;

/** Options of {@link EventStore.subscribe}. */
export interface SubscribeOptions {
  /** Unsubscribes when it aborts. */
  readonly signal?: AbortSignal;
}

/** Why events were dropped. */
export type PruneReason = 'count' | 'bytes' | 'age' | 'manual';

/** What {@link EventStore.stats} reports. */
export interface EventStoreStats {
  /** Events held. */
  readonly count: number;
  /** Estimated bytes held. */
  readonly bytes: number;
  /** Distinct types held. */
  readonly types: number;
  /** Distinct correlation ids held. */
  readonly correlations: number;
  /** Wall time of the oldest event held. */
  readonly oldestWallTime: number | undefined;
  /** Wall time of the newest event held. */
  readonly newestWallTime: number | undefined;
  /** Events appended since the store was made. */
  readonly appended: number;
  /** Events dropped since the store was made, by reason. */
  readonly pruned: Readonly<Record<PruneReason, number>>;
  /** Live subscriptions. */
  readonly subscribers: number;
  /** The bounds. */
  readonly limits: {
    readonly maxEvents: number;
    readonly maxBytes: number;
    readonly maxAgeMs: number;
  };
}

interface Subscription {
  readonly types: ReadonlySet<string> | undefined;
  readonly correlationId: string | undefined;
  readonly listener: EventListener;
  /** Removes the subscription and its abort listener. */
  readonly unsubscribe: () => void;
}

// A chain longer than this is cut (it would take a cycle the visited set missed, or abuse).
const MAX_CHAIN_LENGTH = 10_000;

function timeOption(value: number | Date | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    throw invalidInput(path, 'expected epoch milliseconds or a valid Date');
  }
  return ms;
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function stringList(value: unknown, path: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!isStringArray(value)) throw invalidInput(path, 'expected an array of strings');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw invalidInput(path, 'expected a string');
  }
  return value;
}

/**
 * A bounded, indexed event store (a core `Service`). Bounds on count, bytes and age are kept
 * as events arrive: each append drops what no longer fits, oldest first, and reads drop what
 * has aged out, so no timer is needed. Events are kept in store order (wall time, then id).
 *
 * @example
 * ```ts
 * const store = new EventStore({ maxEvents: 10_000 });
 * store.append(createEvent('order.placed', { orderId: 7 }));
 * const { events, nextCursor } = store.query({ types: ['order.placed'], order: 'desc' });
 * ```
 */
export class EventStore implements Service {
  /** The service name. */
  readonly name: string;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #clock: Clock;
  readonly #storage: StorageAdapter;
  readonly #validator: EventValidator | undefined;
  readonly #subscriptions = new Set<Subscription>();
  readonly #pruned: Record<PruneReason, number> = { count: 0, bytes: 0, age: 0, manual: 0 };
  #appended = 0;
  // Events waiting to reach the subscribers, and whether a delivery loop is running.
  readonly #toDeliver: FoundationEvent[] = [];
  #delivering = false;
  #running = true;

  /** Creates a store; it accepts events at once (`start` is only needed after `stop`). */
  constructor(options: EventStoreOptions = {}) {
    checkOptions('options', options, STORE_OPTIONS);
    this.name = options.name ?? 'event-store';
    this.#maxEvents = positiveLimit(options.maxEvents, DEFAULT_MAX_EVENTS, 'options.maxEvents');
    this.#maxBytes = positiveLimit(options.maxBytes, DEFAULT_MAX_STORE_BYTES, 'options.maxBytes');
    this.#maxAgeMs = positiveLimit(options.maxAgeMs, DEFAULT_MAX_AGE_MS, 'options.maxAgeMs');
    this.#clock = options.clock ?? systemClock;
    this.#storage = options.storage ?? new MemoryStorage();
    this.#validator = options.validator;
  }

  /** Accepts appends again after {@link EventStore.stop}. */
  start(signal?: AbortSignal): void {
    if (signal?.aborted) throw abortReason(signal);
    this.#running = true;
  }

  /** Refuses further appends and drops every subscription. Held events stay readable. */
  stop(): void {
    this.#running = false;
    // Each one also detaches from its abort signal, which would otherwise keep it alive.
    for (const subscription of [...this.#subscriptions]) subscription.unsubscribe();
  }

  /** Same as {@link EventStore.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  /** Healthy while running (with the fill levels as details); unhealthy once stopped. */
  health(): HealthReport {
    if (!this.#running) return { status: 'unhealthy', message: 'stopped' };
    return {
      status: 'healthy',
      details: {
        count: this.#storage.count,
        bytes: this.#storage.bytes,
        maxEvents: this.#maxEvents,
        maxBytes: this.#maxBytes,
      },
    };
  }

  /** {@link EventStore.stats}, for status pages. */
  status(): Readonly<Record<string, unknown>> {
    return { ...this.stats(), storage: this.#storage.kind, running: this.#running };
  }

  /**
   * Stores one event and returns it. Drops the oldest events that no longer fit the bounds.
   *
   * @throws FoundationError 3203 validation_failed for a malformed or duplicate event (or
   *   one the validator refuses), 2003 data_too_large for an event larger than `maxBytes`,
   *   2102 service_unavailable after `stop()`. The store is unchanged when it throws.
   */
  append<E extends FoundationEvent>(event: E): E {
    this.#assertRunning();
    const entry = this.#entryFor(event, 'event');
    if (!this.#storage.insert(entry)) {
      throw validationFailed('event.id', `an event with id '${event.id}' is already stored`);
    }
    this.#appended += 1;
    this.#enforceBounds();
    // Checked here so that an append nobody listens to allocates nothing for announcing.
    if (appendedChannel.hasSubscribers || this.#subscriptions.size > 0) this.#announce([event]);
    return event;
  }

  /**
   * Stores several events, all or nothing: every event is checked (shape, validator, size,
   * ids unique) before any is stored.
   *
   * @throws like {@link EventStore.append}, with the path naming the event (`events[2].id`).
   */
  appendBatch<E extends FoundationEvent>(events: readonly E[]): readonly E[] {
    this.#assertRunning();
    const input: unknown = events;
    if (!Array.isArray(input)) throw invalidInput('events', 'expected an array of events');
    const entries: StoredEntry[] = [];
    const ids = new Set<string>();
    // An indexed loop, not forEach: a hole in a sparse array must be refused, not skipped.
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      const entry = this.#entryFor(event, `events[${index}]`);
      if (ids.has(event.id) || this.#storage.get(event.id) !== undefined) {
        throw validationFailed(`events[${index}].id`, `duplicate id '${event.id}'`);
      }
      ids.add(event.id);
      entries.push(entry);
    }
    if (entries.length === 0) return events;
    for (const entry of entries) this.#storage.insert(entry);
    this.#appended += entries.length;
    this.#enforceBounds();
    this.#announce(events);
    return events;
  }

  /**
   * The event with this id.
   *
   * @throws FoundationError 3401 data_not_found when no such event is held.
   */
  get(id: string): FoundationEvent {
    this.#pruneExpired();
    const event = this.#storage.get(id);
    if (event === undefined) {
      throw new FoundationError('data_not_found', `No event with id '${id}'`, {
        context: { path: 'id', rule: 'must be the id of a held event', id },
      });
    }
    return event;
  }

  /** Whether an event with this id is held. */
  has(id: string): boolean {
    this.#pruneExpired();
    return this.#storage.get(id) !== undefined;
  }

  /**
   * Finds events by type, correlation and wall-time range (`from` inclusive, `to` exclusive),
   * one page at a time. Type and correlation lookups use indexes, never a full scan. Cursors
   * are positions in store order, so pages stay consistent while events arrive or are pruned.
   *
   * @throws FoundationError 3204 invalid_input naming the bad query field.
   */
  query(query: EventQuery = {}): EventPage {
    const normalized = this.#normalize(query);
    this.#pruneExpired();
    const events = this.#storage.query(normalized);
    if (events.length <= normalized.limit) return { events };
    events.length = normalized.limit;
    const last = events[events.length - 1]!;
    return { events, nextCursor: encodeCursor(last, normalized.order) };
  }

  /** Every held event of one correlation, oldest first. */
  byCorrelation(correlationId: string): FoundationEvent[] {
    this.#pruneExpired();
    return this.#storage.byCorrelation(correlationId);
  }

  /**
   * The chain of events that led to `id`: following `causationId` (else `parentId`) back
   * from the event until a link is missing (never stored, or pruned). Root first, the event
   * itself last.
   *
   * @throws FoundationError 3401 data_not_found when `id` is not held.
   */
  correlationChain(id: string): FoundationEvent[] {
    let event: FoundationEvent | undefined = this.get(id);
    const chain: FoundationEvent[] = [];
    const seen = new Set<string>();
    while (event !== undefined && !seen.has(event.id) && chain.length < MAX_CHAIN_LENGTH) {
      chain.push(event);
      seen.add(event.id);
      const link: string | undefined = event.causationId ?? event.parentId;
      event = link === undefined ? undefined : this.#storage.get(link);
    }
    return chain.reverse();
  }

  /** The newest `count` events (default 10), newest first. */
  recent(count = 10): FoundationEvent[] {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw invalidInput('count', 'expected a non-negative integer');
    }
    this.#pruneExpired();
    return this.#storage.recent(count);
  }

  /** Drops every event with wall time before `time` (epoch ms or Date); returns how many. */
  pruneBefore(time: number | Date): number {
    return this.#pruneOlderThan(timeOption(time, -Infinity, 'time'), 'manual');
  }

  /**
   * Calls `listener` with every event stored from now on that matches `filter` (after the
   * append that stored it is complete). A listener that throws does not disturb the append
   * or other listeners: the failure is published on `foundation:events:listener-failed`.
   * Returns the function that unsubscribes.
   */
  subscribe(
    filter: EventFilter,
    listener: EventListener,
    options: SubscribeOptions = {},
  ): () => void {
    if (typeof filter !== 'object' || (filter as unknown) === null) {
      throw invalidInput('filter', 'expected an object');
    }
    if (typeof listener !== 'function') throw invalidInput('listener', 'expected a function');
    const types = stringList(filter.types, 'filter.types');
    const signal = options.signal;
    const subscription: Subscription = {
      types: types && new Set(types),
      correlationId: optionalString(filter.correlationId, 'filter.correlationId'),
      listener,
      unsubscribe: () => {
        this.#subscriptions.delete(subscription);
        signal?.removeEventListener('abort', subscription.unsubscribe);
      },
    };
    if (signal?.aborted) return subscription.unsubscribe;
    this.#subscriptions.add(subscription);
    signal?.addEventListener('abort', subscription.unsubscribe, { once: true });
    return subscription.unsubscribe;
  }

  /** Counts, bytes, bounds and totals. */
  stats(): EventStoreStats {
    this.#pruneExpired();
    const storage = this.#storage;
    return {
      count: storage.count,
      bytes: storage.bytes,
      types: storage.typeCount,
      correlations: storage.correlationCount,
      oldestWallTime: storage.oldest()?.event.wallTime,
      newestWallTime: storage.newest()?.event.wallTime,
      appended: this.#appended,
      pruned: { ...this.#pruned },
      subscribers: this.#subscriptions.size,
      limits: { maxEvents: this.#maxEvents, maxBytes: this.#maxBytes, maxAgeMs: this.#maxAgeMs },
    };
  }

  #assertRunning(): void {
    if (!this.#running) {
      throw new FoundationError('service_unavailable', `Event store '${this.name}' is stopped`, {
        context: { store: this.name },
      });
    }
  }

  #entryFor(event: FoundationEvent, path: string): StoredEntry {
    let problem: ReturnType<typeof findShapeProblem>;
    try {
      problem = findShapeProblem(event);
      this.#validator?.validate(event);
    } catch (error) {
      // A throwing getter, a Proxy trap or a validator that throws something other than its
      // own 3203: the caller gets a 3203 naming the event, never the raw throw.
      if (FoundationError.is(error) && error.code === 3203) throw error;
      throw validationFailed(
        path,
        `threw while being checked (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (problem) {
      const at = problem.path === '$' ? path : `${path}.${problem.path}`;
      throw validationFailed(at, problem.rule);
    }
    let sizeBytes: number;
    try {
      sizeBytes = estimateEventSize(event);
    } catch (error) {
      // estimateEventSize throws only 3203 errors; re-issued with the event's own path.
      throw validationFailed(`${path}.data`, String((error as FoundationError).context.rule));
    }
    if (sizeBytes > this.#maxBytes) {
      throw new FoundationError(
        EventErrorCodes.data_too_large,
        `Event of ${sizeBytes} bytes exceeds the store's ${this.#maxBytes}`,
        { context: { path, rule: `at most ${this.#maxBytes} bytes`, sizeBytes } },
      );
    }
    return { event, sizeBytes };
  }

  #normalize(query: EventQuery): NormalizedQuery {
    if (typeof query !== 'object' || (query as unknown) === null) {
      throw invalidInput('query', 'expected an object');
    }
    const order: unknown = query.order ?? 'asc';
    if (order !== 'asc' && order !== 'desc') {
      throw invalidInput('query.order', "expected 'asc' or 'desc'");
    }
    return {
      types: stringList(query.types, 'query.types'),
      correlationId: optionalString(query.correlationId, 'query.correlationId'),
      fromMs: timeOption(query.from, -Infinity, 'query.from'),
      toMs: timeOption(query.to, Infinity, 'query.to'),
      order,
      limit: positiveLimit(query.limit, DEFAULT_QUERY_LIMIT, 'query.limit'),
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, order),
    };
  }

  #pruneExpired(): void {
    if (this.#maxAgeMs === Infinity) return;
    this.#pruneOlderThan(this.#clock.wallMs() - this.#maxAgeMs, 'age');
  }

  #enforceBounds(): void {
    this.#pruneExpired();
    const storage = this.#storage;
    // Plain loops, not a shared predicate: this runs on every append once the store is full.
    let count = 0;
    let bytes = 0;
    while (storage.count > this.#maxEvents) {
      bytes += storage.removeOldest()!.sizeBytes;
      count += 1;
    }
    this.#recordPrune('count', count, bytes);
    count = 0;
    bytes = 0;
    while (storage.bytes > this.#maxBytes) {
      bytes += storage.removeOldest()!.sizeBytes;
      count += 1;
    }
    this.#recordPrune('bytes', count, bytes);
  }

  /** Drops every entry with wall time before `cutoff`; returns how many. */
  #pruneOlderThan(cutoff: number, reason: PruneReason): number {
    const storage = this.#storage;
    let count = 0;
    let bytes = 0;
    for (let oldest = storage.oldest(); oldest && oldest.event.wallTime < cutoff;) {
      storage.removeOldest();
      count += 1;
      bytes += oldest.sizeBytes;
      oldest = storage.oldest();
    }
    this.#recordPrune(reason, count, bytes);
    return count;
  }

  #recordPrune(reason: PruneReason, count: number, bytes: number): void {
    if (count === 0) return;
    this.#pruned[reason] += count;
    if (prunedChannel.hasSubscribers) {
      prunedChannel.publish({ store: this.name, reason, count, bytes });
    }
  }

  #announce(events: readonly FoundationEvent[]): void {
    if (appendedChannel.hasSubscribers) appendedChannel.publish({ store: this.name, events });
    if (this.#subscriptions.size === 0) return;
    // Delivered in append order through one queue: an append made by a listener is delivered
    // after the event that listener is handling has reached every listener, so nobody sees an
    // effect before its cause.
    for (const event of events) this.#toDeliver.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let next = this.#toDeliver.shift(); next !== undefined; next = this.#toDeliver.shift()) {
        // Pruned by a later append before its turn came: it is not in the store any more.
        if (this.#storage.get(next.id) !== next) continue;
        this.#deliver(next);
      }
    } finally {
      this.#delivering = false;
      this.#toDeliver.length = 0;
    }
  }

  #deliver(event: FoundationEvent): void {
    // A snapshot, so listeners that (un)subscribe while being called do not disturb the loop.
    for (const subscription of [...this.#subscriptions]) {
      if (subscription.types && !subscription.types.has(event.type)) continue;
      if (
        subscription.correlationId !== undefined &&
        subscription.correlationId !== event.correlationId
      ) {
        continue;
      }
      if (!this.#subscriptions.has(subscription)) continue;
      try {
        subscription.listener(event);
      } catch (error) {
        if (listenerFailedChannel.hasSubscribers) {
          listenerFailedChannel.publish({ store: this.name, error, event });
        }
      }
    }
  }
}
