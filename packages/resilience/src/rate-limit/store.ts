import { integer, optionsObject, type KnownOptions } from '../validate.js';
import {
  fullBucket,
  takeTokens,
  tokensAt,
  type BucketLimit,
  type BucketState,
} from './token-bucket.js';

/**
 * Where a rate limiter keeps its buckets. Memory is the embedded default; a store shared
 * between processes can implement the same operations. Each operation is synchronous and must
 * be atomic for its key.
 */
export interface RateLimitStore {
  /**
   * Refills `key`'s bucket to `nowMs` and takes `cost` tokens if it holds them. Returns 0 when
   * it did, otherwise the milliseconds until it would (`Infinity` if never). An unknown key
   * starts with a full bucket.
   */
  take(key: string, cost: number, limit: BucketLimit, nowMs: number): number;
  /** The tokens `key` holds at `nowMs` (a full bucket for an unknown key); takes nothing. */
  peek(key: string, limit: BucketLimit, nowMs: number): number;
  /** Forgets `key` (it starts again full). */
  delete(key: string): boolean;
  /** Forgets every key. */
  clear(): void;
  /** How many keys it holds now. */
  readonly size: number;
}

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** The most keys kept at once. Default 10 000. */
  readonly maxKeys?: number;
}

const STORE_OPTIONS: KnownOptions<MemoryRateLimitStoreOptions> = { maxKeys: true };

/** Most slots of the evicted-key table (16 bytes each): 1 MiB at most. */
const MAX_EVICTED_SLOTS = 65_536;

/**
 * Buckets in a Map, with bounded memory and no timers. A full bucket is the same as a missing
 * one, so keys whose bucket has refilled are dropped for free: a sweep runs at most once per
 * refill period, driven by the calls themselves, and when the store is at `maxKeys`.
 *
 * Only if the store is still full of busy keys are keys evicted: the least recently used ones
 * (oldest last take), down to 90% of the limit so the cost is spread over many calls. An
 * evicted key that is not full is not forgotten: its level is folded into a fixed table of
 * slots (hashed by key, each keeping the lowest level folded into it, refilling at the bucket
 * rate), and a key that comes back starts from its slot's level instead of a full bucket. So a
 * throttled key stays throttled however many new keys push it out; a new key that shares a slot
 * with an evicted throttled key starts throttled too, for at most one refill period.
 *
 * Memory: at most `maxKeys` buckets, plus the slot table once a busy key has been evicted
 * (16 bytes a slot, `maxKeys` rounded up to a power of two, at most 65 536 slots).
 */
class MemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, BucketState>();
  readonly #maxKeys: number;
  #lastSweepMs = -Infinity;
  // The time a bucket takes to refill completely, cached for the last limit seen.
  #limit: BucketLimit | undefined = undefined;
  #refillMs = 0;
  // The evicted-key table: tokens and as-of time per slot (NaN: no key folded in). Made on
  // the first eviction of a busy key.
  #slotTokens: Float64Array | undefined;
  #slotUpdatedMs: Float64Array | undefined;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(key: string, cost: number, limit: BucketLimit, nowMs: number): number {
    // Sweep before the lookup, so the bucket about to be used is never the one dropped.
    if (limit !== this.#limit) {
      this.#limit = limit;
      this.#refillMs = limit.burst / limit.ratePerMs;
    }
    if (nowMs - this.#lastSweepMs >= this.#refillMs) this.#sweep(limit, nowMs, false);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep(limit, nowMs, true);
      bucket = this.#returning(key, limit, nowMs);
      this.#buckets.set(key, bucket);
    }
    return takeTokens(bucket, cost, limit, nowMs);
  }

  peek(key: string, limit: BucketLimit, nowMs: number): number {
    const bucket = this.#buckets.get(key);
    return bucket === undefined
      ? tokensAt(this.#returning(key, limit, nowMs), limit, nowMs)
      : tokensAt(bucket, limit, nowMs);
  }

  delete(key: string): boolean {
    const slots = this.#slotTokens;
    // An explicit reset forgets the key entirely, its evicted level too.
    if (slots !== undefined) slots[this.#slotOf(key)] = Number.NaN;
    return this.#buckets.delete(key);
  }

  clear(): void {
    this.#buckets.clear();
    this.#slotTokens = undefined;
    this.#slotUpdatedMs = undefined;
  }

  /** The bucket a key not held starts with: full, or its slot's level if busy keys share it. */
  #returning(key: string, limit: BucketLimit, nowMs: number): BucketState {
    const slots = this.#slotTokens;
    if (slots === undefined) return fullBucket(limit, nowMs);
    const slot = this.#slotOf(key);
    const tokens = slots[slot]!;
    if (Number.isNaN(tokens)) return fullBucket(limit, nowMs);
    return {
      tokens: tokensAt({ tokens, updatedMs: this.#slotUpdatedMs![slot]! }, limit, nowMs),
      updatedMs: nowMs,
    };
  }

  /** Remembers an evicted key's level in its slot, keeping the lower of the two levels. */
  #fold(key: string, bucket: BucketState, limit: BucketLimit, nowMs: number): void {
    if (this.#slotTokens === undefined) {
      let size = 1;
      while (size < this.#maxKeys && size < MAX_EVICTED_SLOTS) size *= 2;
      this.#slotTokens = new Float64Array(size).fill(Number.NaN);
      this.#slotUpdatedMs = new Float64Array(size);
    }
    const slots = this.#slotTokens;
    const slot = this.#slotOf(key);
    const level = tokensAt(bucket, limit, nowMs);
    const previous = slots[slot]!;
    const held = Number.isNaN(previous)
      ? limit.burst
      : tokensAt({ tokens: previous, updatedMs: this.#slotUpdatedMs![slot]! }, limit, nowMs);
    slots[slot] = level < held ? level : held;
    this.#slotUpdatedMs![slot] = nowMs;
  }

  /** FNV-1a of the key, masked to the slot table (its size is a power of two). */
  #slotOf(key: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      hash ^= key.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0) & (this.#slotTokens!.length - 1);
  }

  #sweep(limit: BucketLimit, nowMs: number, needRoom: boolean): void {
    this.#lastSweepMs = nowMs;
    for (const [key, bucket] of this.#buckets) {
      if (tokensAt(bucket, limit, nowMs) >= limit.burst) this.#buckets.delete(key);
    }
    if (!needRoom || this.#buckets.size < this.#maxKeys) return;
    this.#evictLeastRecentlyUsed(limit, nowMs, Math.floor(this.#maxKeys * 0.9));
  }

  /** Evicts the keys used longest ago until `target` remain, folding each into its slot. */
  #evictLeastRecentlyUsed(limit: BucketLimit, nowMs: number, target: number): void {
    const excess = this.#buckets.size - target;
    // The last-use time below which (inclusive) `excess` keys lie: found without sorting.
    const times = new Float64Array(this.#buckets.size);
    let i = 0;
    for (const bucket of this.#buckets.values()) times[i++] = bucket.updatedMs;
    const cutoffMs = kthSmallest(times, excess - 1);
    for (const [key, bucket] of this.#buckets) {
      if (this.#buckets.size <= target) break;
      if (bucket.updatedMs > cutoffMs) continue;
      this.#fold(key, bucket, limit, nowMs);
      this.#buckets.delete(key);
    }
  }
}

/** The k-th smallest value (0-based) of `values`, reordering it in place (quickselect). */
function kthSmallest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1]!;
    let left = low;
    let right = high;
    while (left <= right) {
      while (values[left]! < pivot) left++;
      while (values[right]! > pivot) right--;
      if (left <= right) {
        const swap = values[left]!;
        values[left] = values[right]!;
        values[right] = swap;
        left++;
        right--;
      }
    }
    if (k <= right) high = right;
    else if (k >= left) low = left;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Creates the in-memory store rate limiters use by default.
 *
 * @param options - `maxKeys`, the most buckets kept at once (default 10 000)
 * @returns a new, empty store to pass as a limiter's `store`, kept in this process only
 * @throws FoundationError 3204 when `maxKeys` is not an integer >= 1.
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const o = optionsObject('options', options, STORE_OPTIONS);
  return new MemoryRateLimitStore(integer('maxKeys', o.maxKeys ?? 10_000, 1));
}
