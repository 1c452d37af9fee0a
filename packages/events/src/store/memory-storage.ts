import type { FoundationEvent } from '../event.js';
import { IdIndex } from './id-index.js';
import { comparePositions, SortedArray, sortedLog, type SortedLog } from './sorted-log.js';
import type { NormalizedQuery, StorageAdapter, StoredEntry } from './types.js';

/** Walks one log over a query's time range and cursor, in the query's order. */
class RangeWalk {
  #index: number;
  readonly #stop: number;
  readonly #step: 1 | -1;

  constructor(
    readonly log: SortedLog,
    query: NormalizedQuery,
  ) {
    const from = { wallTime: query.fromMs, id: '' };
    const to = { wallTime: query.toMs, id: '' };
    if (query.order === 'asc') {
      this.#step = 1;
      this.#index = log.bound(from);
      this.#stop = log.bound(to);
      if (query.after) this.#index = Math.max(this.#index, log.bound(query.after, true));
    } else {
      this.#step = -1;
      this.#index = log.bound(to) - 1;
      this.#stop = log.bound(from) - 1;
      if (query.after) this.#index = Math.min(this.#index, log.bound(query.after) - 1);
    }
  }

  /** The next entry in range, without moving. */
  peek(): StoredEntry | undefined {
    const inRange = this.#step === 1 ? this.#index < this.#stop : this.#index > this.#stop;
    return inRange ? this.log.at(this.#index) : undefined;
  }

  /** Moves past the current entry. */
  advance(): void {
    this.#index += this.#step;
  }
}

/**
 * What a correlation id maps to: its one entry, or a log once it has several. Most
 * correlations outside a request context hold a single event (each gets a fresh id), and a
 * log per event would cost an allocation on every append and more garbage to collect.
 */
type CorrelationSlot = StoredEntry | SortedLog;

/**
 * The in-memory {@link StorageAdapter}: one log of every event in store order, plus a log per
 * type and per correlation id and a map by id, so lookups by id, type and correlation never
 * scan the whole store, and dropping the oldest event is O(1).
 */
export class MemoryStorage implements StorageAdapter {
  /** {@inheritDoc StorageAdapter.kind} */
  readonly kind = 'memory';
  #all = sortedLog();
  #byId = new IdIndex();
  #byType = new Map<string, SortedLog>();
  #byCorrelation = new Map<string, CorrelationSlot>();
  #bytes = 0;

  /** {@inheritDoc StorageAdapter.count} */
  get count(): number {
    return this.#all.size;
  }

  /** {@inheritDoc StorageAdapter.bytes} */
  get bytes(): number {
    return this.#bytes;
  }

  /** {@inheritDoc StorageAdapter.typeCount} */
  get typeCount(): number {
    return this.#byType.size;
  }

  /** {@inheritDoc StorageAdapter.correlationCount} */
  get correlationCount(): number {
    return this.#byCorrelation.size;
  }

  /** {@inheritDoc StorageAdapter.get} */
  get(id: string): FoundationEvent | undefined {
    return this.#byId.get(id)?.event;
  }

  /** {@inheritDoc StorageAdapter.insert} */
  insert(entry: StoredEntry): boolean {
    const event = entry.event;
    if (!this.#byId.add(entry)) return false;
    this.#all.insert(entry);
    logFor(this.#byType, event.type).insert(entry);
    this.#correlate(event.correlationId, entry);
    this.#bytes += entry.sizeBytes;
    return true;
  }

  /** {@inheritDoc StorageAdapter.oldest} */
  oldest(): StoredEntry | undefined {
    return this.#all.first();
  }

  /** {@inheritDoc StorageAdapter.newest} */
  newest(): StoredEntry | undefined {
    return this.#all.last();
  }

  /** {@inheritDoc StorageAdapter.removeOldest} */
  removeOldest(): StoredEntry | undefined {
    const entry = this.#all.shift();
    if (entry === undefined) return undefined;
    const event = entry.event;
    this.#byId.remove(entry);
    // The oldest event overall is also the oldest of its type and of its correlation.
    shiftFrom(this.#byType, event.type);
    this.#uncorrelateOldest(event.correlationId);
    this.#bytes -= entry.sizeBytes;
    return entry;
  }

  /** Adds `entry` under its correlation id: alone at first, in a log from the second on. */
  #correlate(correlationId: string, entry: StoredEntry): void {
    const slot = this.#byCorrelation.get(correlationId);
    if (slot === undefined) {
      this.#byCorrelation.set(correlationId, entry);
    } else if (slot instanceof SortedArray) {
      slot.insert(entry);
    } else {
      const log = sortedLog();
      log.insert(slot);
      log.insert(entry);
      this.#byCorrelation.set(correlationId, log);
    }
  }

  /** Drops the oldest entry of a correlation (the oldest held overall belongs to it). */
  #uncorrelateOldest(correlationId: string): void {
    const slot = this.#byCorrelation.get(correlationId)!;
    if (slot instanceof SortedArray) {
      slot.shift();
      if (slot.size > 0) return;
    }
    this.#byCorrelation.delete(correlationId);
  }

  /** The log of a correlation's entries (a one-entry log made for a lone entry), if any. */
  #correlationLog(correlationId: string): SortedLog | undefined {
    const slot = this.#byCorrelation.get(correlationId);
    if (slot === undefined || slot instanceof SortedArray) return slot;
    const log = sortedLog();
    log.insert(slot);
    return log;
  }

  /** {@inheritDoc StorageAdapter.query} */
  query(query: NormalizedQuery): FoundationEvent[] {
    const logs = this.#candidates(query);
    const walks = logs.map((log) => new RangeWalk(log, query));
    const types =
      query.types && logs.length > 0 && query.correlationId !== undefined
        ? new Set(query.types)
        : undefined;
    const sign = query.order === 'asc' ? 1 : -1;
    const out: FoundationEvent[] = [];
    while (out.length <= query.limit) {
      let best: RangeWalk | undefined;
      let bestEntry: StoredEntry | undefined;
      for (const walk of walks) {
        const entry = walk.peek();
        if (entry && (!bestEntry || sign * comparePositions(entry.event, bestEntry.event) < 0)) {
          best = walk;
          bestEntry = entry;
        }
      }
      if (!best || !bestEntry) break;
      best.advance();
      if (!types || types.has(bestEntry.event.type)) out.push(bestEntry.event);
    }
    return out;
  }

  /** The smallest set of logs that holds every match: a correlation's, the types', or all. */
  #candidates(query: NormalizedQuery): SortedLog[] {
    if (query.correlationId !== undefined) {
      const log = this.#correlationLog(query.correlationId);
      return log ? [log] : [];
    }
    if (query.types) {
      const logs: SortedLog[] = [];
      for (const type of new Set(query.types)) {
        const log = this.#byType.get(type);
        if (log) logs.push(log);
      }
      return logs;
    }
    return [this.#all];
  }

  /** {@inheritDoc StorageAdapter.byCorrelation} */
  byCorrelation(correlationId: string): FoundationEvent[] {
    const log = this.#correlationLog(correlationId);
    const out: FoundationEvent[] = [];
    if (log) for (let index = 0; index < log.size; index++) out.push(log.at(index).event);
    return out;
  }

  /** {@inheritDoc StorageAdapter.recent} */
  recent(count: number): FoundationEvent[] {
    const out: FoundationEvent[] = [];
    for (let index = this.#all.size - 1; index >= 0 && out.length < count; index--) {
      out.push(this.#all.at(index).event);
    }
    return out;
  }

  /** {@inheritDoc StorageAdapter.clear} */
  clear(): void {
    this.#all = sortedLog();
    this.#byId = new IdIndex();
    this.#byType.clear();
    this.#byCorrelation.clear();
    this.#bytes = 0;
  }
}

function logFor(index: Map<string, SortedLog>, key: string): SortedLog {
  let log = index.get(key);
  if (log === undefined) {
    log = sortedLog();
    index.set(key, log);
  }
  return log;
}

function shiftFrom(index: Map<string, SortedLog>, key: string): void {
  const log = index.get(key)!;
  log.shift();
  if (log.size === 0) index.delete(key);
}
