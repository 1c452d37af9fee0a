import type { FoundationEvent } from '../event.js';

/** An event as a store holds it: with its estimated size. */
export interface StoredEntry {
  /** The event. */
  readonly event: FoundationEvent;
  /** Its estimated size in bytes (see `estimateEventSize`). */
  readonly sizeBytes: number;
}

/** A place in the store's order: events are ordered by `wallTime`, then by `id`. */
export interface StorePosition {
  /** Wall time, epoch ms. */
  readonly wallTime: number;
  /** Event id. */
  readonly id: string;
}

/** A query as the store hands it to its {@link StorageAdapter}: checked and complete. */
export interface NormalizedQuery {
  /** Only these types (undefined: all). */
  readonly types: readonly string[] | undefined;
  /** Only this correlation (undefined: all). */
  readonly correlationId: string | undefined;
  /** Wall time from, inclusive, epoch ms. */
  readonly fromMs: number;
  /** Wall time to, exclusive, epoch ms. */
  readonly toMs: number;
  /** Oldest first or newest first. */
  readonly order: 'asc' | 'desc';
  /** Most events to return. */
  readonly limit: number;
  /** Start strictly after this position (in the query's order). */
  readonly after: StorePosition | undefined;
}

/**
 * Where an {@link EventStore} keeps its events. The store validates, bounds, prunes and
 * notifies; the adapter only stores, indexes and finds. Adapters are synchronous, which suits
 * embedded stores (memory, SQLite, LMDB); the in-memory {@link MemoryStorage} is the default.
 *
 * Every list an adapter returns is in store order: by `wallTime`, then by `id`.
 */
export interface StorageAdapter {
  /** A short name, such as `memory`. */
  readonly kind: string;
  /** How many events are held. */
  readonly count: number;
  /** Sum of the held entries' `sizeBytes`. */
  readonly bytes: number;
  /** How many distinct event types are held. */
  readonly typeCount: number;
  /** How many distinct correlation ids are held. */
  readonly correlationCount: number;
  /** The event with this id, if held. */
  get(id: string): FoundationEvent | undefined;
  /**
   * Adds an entry (already checked to be valid) unless an event with its id is held; returns
   * whether it was added. Refusing a held id leaves the adapter unchanged.
   */
  insert(entry: StoredEntry): boolean;
  /** The oldest entry, if any. */
  oldest(): StoredEntry | undefined;
  /** The newest entry, if any. */
  newest(): StoredEntry | undefined;
  /** Removes and returns the oldest entry, if any. */
  removeOldest(): StoredEntry | undefined;
  /** The events matching `query`, at most `query.limit + 1` (one more tells that more exist). */
  query(query: NormalizedQuery): FoundationEvent[];
  /** Every event of one correlation, oldest first. */
  byCorrelation(correlationId: string): FoundationEvent[];
  /** The newest `count` events, newest first. */
  recent(count: number): FoundationEvent[];
  /** Removes everything. */
  clear(): void;
}
