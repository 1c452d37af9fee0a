/** A key-value store. */
export interface Store<V = string> {
  /** How many entries it holds. */
  readonly size: number;
  /** Reads one entry. */
  get(key: string): Promise<V | undefined>;
  /** Reads several. */
  get(keys: readonly string[]): Promise<(V | undefined)[]>;
  /** Writes one entry. */
  set(key: string, value: V, ttlMs?: number): void;
  /** Visits every entry. */
  forEach<C>(visit: (value: V, key: string, context: C) => void, context: C): void;
  /** Called on eviction. */
  onEvict?: (key: string) => void;
}

/** Counts the keys of a record. */
export function countKeys(record: Readonly<Record<string, unknown>>): number {
  return Object.keys(record).length;
}
