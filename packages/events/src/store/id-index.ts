import { compareIds, SortedArray } from './sorted-log.js';
import type { StoredEntry } from './types.js';

/**
 * Finds held entries by event id. Ids that arrive in increasing order (UUIDv7 ids from one
 * process do) go to a sorted array: adding is a push, dropping the oldest a shift, lookups a
 * binary search, and no string is ever hashed. Ids that arrive out of order (several
 * producers, or random ids) go to a map instead, so no insert ever costs a splice.
 */
export class IdIndex {
  readonly #ordered = new SortedArray<StoredEntry, string>((entry) => entry.event.id, compareIds);
  readonly #unordered = new Map<string, StoredEntry>();

  /** The entry held under `id`, if any. */
  get(id: string): StoredEntry | undefined {
    if (this.#unordered.size > 0) {
      const entry = this.#unordered.get(id);
      if (entry !== undefined) return entry;
    }
    return this.#ordered.find(id);
  }

  /** Adds an entry unless its id is held; returns whether it was added. */
  add(entry: StoredEntry): boolean {
    const id = entry.event.id;
    const last = this.#ordered.last();
    if (last === undefined || last.event.id < id) {
      if (this.#unordered.size > 0 && this.#unordered.has(id)) return false;
      this.#ordered.insert(entry);
      return true;
    }
    if (this.get(id) !== undefined) return false;
    this.#unordered.set(id, entry);
    return true;
  }

  /** Removes a held entry. */
  remove(entry: StoredEntry): void {
    if (this.#unordered.size > 0 && this.#unordered.get(entry.event.id) === entry) {
      this.#unordered.delete(entry.event.id);
      return;
    }
    this.#ordered.remove(entry);
  }
}
