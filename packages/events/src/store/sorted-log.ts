import type { StorePosition, StoredEntry } from './types.js';

/**
 * Store order: by wall time, then by id. Negative when `a` comes first.
 *
 * @param a - the first position (wall time in milliseconds and id)
 * @param b - the second position
 * @returns `-1` when `a` comes first, `1` when `b` does, `0` only for the same wall time and id
 */
export function comparePositions(a: StorePosition, b: StorePosition): number {
  if (a.wallTime !== b.wallTime) return a.wallTime < b.wallTime ? -1 : 1;
  return compareIds(a.id, b.id);
}

/** Plain code-unit order of ids (UUIDv7 ids sort by creation time in it). */
export function compareIds(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

// Dropped slots are reclaimed once they are this many and at least half the array.
const COMPACT_AFTER = 1024;

/**
 * Items kept sorted by a key in an array with a moving head: adding in order and dropping the
 * first are O(1) (amortized), an out-of-order insert or a removal from the middle is a binary
 * search and a splice, and range lookups are binary searches.
 */
export class SortedArray<T, K> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Makes an empty array ordered by `compare` over the keys `keyOf` reads. */
  constructor(
    private readonly keyOf: (item: T) => K,
    private readonly compare: (a: K, b: K) => number,
  ) {}

  /** How many items are held. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** The item at `index` (0 is the first). */
  at(index: number): T {
    return this.#items[this.#head + index]!;
  }

  /** The first item. */
  first(): T | undefined {
    return this.size === 0 ? undefined : this.at(0);
  }

  /** The last item. */
  last(): T | undefined {
    return this.size === 0 ? undefined : this.at(this.size - 1);
  }

  /** Adds an item at its place. */
  insert(item: T): void {
    const last = this.last();
    const key = this.keyOf(item);
    if (last === undefined || this.compare(this.keyOf(last), key) < 0) {
      this.#items.push(item);
      return;
    }
    this.#items.splice(this.#head + this.bound(key), 0, item);
  }

  /** Removes and returns the first item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes `item` (found by its key); false when it is not held. */
  remove(item: T): boolean {
    if (this.first() === item) {
      this.shift();
      return true;
    }
    const index = this.bound(this.keyOf(item));
    if (index >= this.size || this.at(index) !== item) return false;
    this.#items.splice(this.#head + index, 1);
    return true;
  }

  /** The item whose key equals `key`, if any. */
  find(key: K): T | undefined {
    const index = this.bound(key);
    if (index >= this.size) return undefined;
    const item = this.at(index);
    return this.compare(this.keyOf(item), key) === 0 ? item : undefined;
  }

  /** Index of the first item whose key is at or after `key` (strictly after when `strict`). */
  bound(key: K, strict = false): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const order = this.compare(this.keyOf(this.at(mid)), key);
      if (order < 0 || (strict && order === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Entries in store order (wall time, then id). */
export type SortedLog = SortedArray<StoredEntry, StorePosition>;

const positionOf = (entry: StoredEntry): StorePosition => entry.event;

/** Makes an empty {@link SortedLog}. */
export function sortedLog(): SortedLog {
  return new SortedArray<StoredEntry, StorePosition>(positionOf, comparePositions);
}
