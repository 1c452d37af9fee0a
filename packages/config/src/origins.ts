/** Which layer supplied a value: the bookkeeping behind `explain` and error reports. */

/** The layers, lowest precedence first; `runtime` is a value written by `update`. */
export type ConfigLayer = 'default' | 'file' | 'env' | 'override' | 'runtime';

/** Where a value came from. */
export interface ConfigOrigin {
  /** The layer. */
  readonly layer: ConfigLayer;
  /** The file path or environment variable name, for those layers. */
  readonly source?: string;
  /** For `runtime`: the version of the change that wrote it, when still in history. */
  readonly version?: number;
}

/** The origin of values no layer supplied: the schema's defaults. */
export const DEFAULT_ORIGIN: ConfigOrigin = Object.freeze({ layer: 'default' });

/** Origins recorded per dotted path while layers are merged. */
export class OriginMap {
  readonly #byPath = new Map<string, ConfigOrigin>();

  /** Records that `origin` supplied the value at `path`. */
  set(path: string, origin: ConfigOrigin): void {
    this.#byPath.set(path, origin);
  }

  /** The origin of `path`: its own, else its nearest recorded ancestor's, else the default. */
  lookup(path: string): ConfigOrigin {
    let candidate = path;
    for (;;) {
      const found = this.#byPath.get(candidate);
      if (found) return found;
      const dot = candidate.lastIndexOf('.');
      if (dot < 0) return this.#byPath.get('') ?? DEFAULT_ORIGIN;
      candidate = candidate.slice(0, dot);
    }
  }
}
