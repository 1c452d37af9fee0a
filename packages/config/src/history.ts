/** The bounded record of changes, and the snapshots that `rollback` can restore. */
import type { Change } from './tree-ops.js';
import type { ChangeSource } from './subscribers.js';

/** One change of the configuration, as `history()` reports it (secrets masked). */
export interface HistoryEntry {
  /** The version the change produced. */
  readonly version: number;
  /** When it happened (wall clock, epoch ms). */
  readonly timestampMs: number;
  /** What made it. */
  readonly source: ChangeSource;
  /** The paths that changed, with old and new values. */
  readonly changes: readonly Change[];
}

interface Retained {
  readonly version: number;
  readonly snapshot: unknown;
  readonly entry: HistoryEntry | undefined;
}

/**
 * Keeps the last `limit` changes and `limit + 1` snapshots: each change's result plus the one
 * the oldest retained change started from, so `rollback` can undo every listed change.
 */
export class History {
  #retained: Retained[] = [];

  /** @param limit how many changes to keep. */
  constructor(private readonly limit: number) {}

  /** Starts over from `snapshot` at `version` (no entries). */
  reset(version: number, snapshot: unknown): void {
    this.#retained = [{ version, snapshot, entry: undefined }];
  }

  /** Records a change and the snapshot it produced. */
  push(entry: HistoryEntry, snapshot: unknown): void {
    this.#retained.push({ version: entry.version, snapshot, entry });
    if (this.#retained.length > this.limit + 1) this.#retained.shift();
  }

  /** The recorded changes (at most `limit`), oldest first. */
  entries(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (const retained of this.#retained) if (retained.entry) out.push(retained.entry);
    return out.slice(-this.limit);
  }

  /** How many changes {@link History.entries} returns. */
  get size(): number {
    return Math.min(this.#retained.length - 1, this.limit);
  }

  /** The snapshot of `version`, when still retained. */
  snapshotOf(version: number): unknown {
    return this.#retained.find((r) => r.version === version)?.snapshot;
  }

  /** The oldest version still restorable. */
  get oldestVersion(): number {
    return this.#retained[0]?.version ?? 0;
  }

  /** The newest change that touched `path` (or a path above or below it), if retained. */
  lastVersionTouching(path: string): number | undefined {
    for (let i = this.#retained.length - 1; i >= 0; i--) {
      const entry = this.#retained[i]!.entry;
      if (
        entry?.changes.some(
          (c) => c.path === path || path.startsWith(`${c.path}.`) || c.path.startsWith(`${path}.`),
        )
      ) {
        return entry.version;
      }
    }
    return undefined;
  }
}
