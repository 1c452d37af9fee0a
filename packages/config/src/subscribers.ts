/**
 * Subscribers to configuration changes: matching by path or prefix, delivery in version
 * order (a listener that updates the config queues its change behind the current one), and
 * isolation (a throwing listener neither undoes the change nor stops the others).
 */
import { deepEqual } from './plain-data.js';
import { getAt, hasPrefix, type SegmentChange } from './tree-ops.js';

/** Why the configuration changed. */
export type ChangeSource = 'update' | 'reset' | 'reload' | 'rollback';

/** What a listener receives: one changed path, its old and new value, and the version. */
export interface ConfigChange {
  /** The dotted path that changed (at or below the subscribed path). */
  readonly path: string;
  /** The value before (secrets masked). */
  readonly oldValue: unknown;
  /** The value after (secrets masked). */
  readonly newValue: unknown;
  /** The configuration's version after the change. */
  readonly version: number;
  /** What made the change. */
  readonly source: ChangeSource;
}

/** A function called for each matching change. */
export type ConfigListener = (change: ConfigChange) => void;

interface Subscriber {
  readonly segments: readonly string[] | undefined;
  readonly listener: ConfigListener;
  active: boolean;
}

interface Batch {
  readonly changes: readonly SegmentChange[];
  readonly version: number;
  readonly source: ChangeSource;
}

/** Turns a raw change into what a listener sees (masking secrets). */
export type Presenter = (segments: readonly string[], value: unknown) => unknown;

/** The subscribers of one configuration store. */
export class Subscribers {
  #list: readonly Subscriber[] = [];
  readonly #queue: Batch[] = [];
  #delivering = false;

  /**
   * @param present masks a value found at a path before a listener sees it.
   * @param onError told about a listener that threw.
   */
  constructor(
    private readonly present: Presenter,
    private readonly onError: (error: unknown, change: ConfigChange) => void,
  ) {}

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#list.length;
  }

  /** Adds a listener for `segments` (undefined: every change); returns its removal. */
  add(segments: readonly string[] | undefined, listener: ConfigListener): () => void {
    const subscriber: Subscriber = { segments, listener, active: true };
    this.#list = [...this.#list, subscriber];
    return () => {
      if (!subscriber.active) return;
      subscriber.active = false;
      this.#list = this.#list.filter((s) => s !== subscriber);
    };
  }

  /** Delivers the changes of one version to every matching listener. */
  notify(changes: readonly SegmentChange[], version: number, source: ChangeSource): void {
    if (this.#list.length === 0) return;
    this.#queue.push({ changes, version, source });
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let batch = this.#queue.shift(); batch; batch = this.#queue.shift()) {
        for (const subscriber of this.#list) {
          for (const change of batch.changes) {
            if (!subscriber.active) break;
            const event = this.#match(subscriber, change, batch);
            if (event) this.#call(subscriber, event);
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
  }

  #match(subscriber: Subscriber, change: SegmentChange, batch: Batch): ConfigChange | undefined {
    const wanted = subscriber.segments;
    let segments = change.segments;
    let oldValue = change.oldValue;
    let newValue = change.newValue;
    if (wanted && !hasPrefix(segments, wanted)) {
      // A change above the subscribed path: deliver the part below it, if that part changed.
      if (!hasPrefix(wanted, segments)) return undefined;
      const rest = wanted.slice(segments.length);
      oldValue = getAt(oldValue, rest);
      newValue = getAt(newValue, rest);
      if (deepEqual(oldValue, newValue)) return undefined;
      segments = wanted;
    }
    return {
      path: segments.join('.'),
      oldValue: this.present(segments, oldValue),
      newValue: this.present(segments, newValue),
      version: batch.version,
      source: batch.source,
    };
  }

  #call(subscriber: Subscriber, event: ConfigChange): void {
    try {
      subscriber.listener(event);
    } catch (error) {
      try {
        this.onError(error, event);
      } catch {
        // The error hook itself failed: nothing left to tell; the other listeners still run.
      }
    }
  }
}
