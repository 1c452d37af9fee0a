/** The default size limit of a serialized event, both ways: 1 MiB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** The default nesting limit of event data (a cycle also stops here). */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * The largest `maxDepth` accepted: the codecs walk data recursively, and this many levels (plus
 * an error's own allowance) fit well within Node's default stack.
 */
export const MAX_DEPTH_LIMIT = 1000;

/** Limits a codec enforces while walking data. */
export interface CodecLimits {
  /** Deepest nesting of containers accepted. */
  readonly maxDepth: number;
  /** Most bytes accepted; also bounds how many values an encoding walk may visit. */
  readonly maxBytes: number;
}
