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

/**
 * Buckets in a Map, with bounded memory and no timers. A full bucket is the same as a missing
 * one, so keys whose bucket has refilled are dropped for free: a sweep runs at most once per
 * refill period, driven by the calls themselves, and when the store is at `maxKeys`. Only if
 * every key is still busy are the oldest keys dropped (to 90% of the limit, so the sweep cost
 * is spread over many calls).
 */
class MemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, BucketState>();
  readonly #maxKeys: number;
  #lastSweepMs = -Infinity;
  // The time a bucket takes to refill completely, cached for the last limit seen.
  #limit: BucketLimit | undefined = undefined;
  #refillMs = 0;

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
      bucket = fullBucket(limit, nowMs);
      this.#buckets.set(key, bucket);
    }
    return takeTokens(bucket, cost, limit, nowMs);
  }

  peek(key: string, limit: BucketLimit, nowMs: number): number {
    const bucket = this.#buckets.get(key);
    return bucket === undefined ? limit.burst : tokensAt(bucket, limit, nowMs);
  }

  delete(key: string): boolean {
    return this.#buckets.delete(key);
  }

  clear(): void {
    this.#buckets.clear();
  }

  #sweep(limit: BucketLimit, nowMs: number, needRoom: boolean): void {
    this.#lastSweepMs = nowMs;
    for (const [key, bucket] of this.#buckets) {
      if (tokensAt(bucket, limit, nowMs) >= limit.burst) this.#buckets.delete(key);
    }
    if (!needRoom || this.#buckets.size < this.#maxKeys) return;
    const target = Math.floor(this.#maxKeys * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= target) break;
      this.#buckets.delete(key);
    }
  }
}

/**
 * Creates the in-memory store rate limiters use by default.
 *
 * @throws FoundationError 3204 when `maxKeys` is not an integer >= 1.
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const o = optionsObject('options', options, STORE_OPTIONS);
  return new MemoryRateLimitStore(integer('maxKeys', o.maxKeys ?? 10_000, 1));
}
