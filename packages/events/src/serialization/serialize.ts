import type { FoundationEvent } from '../event.js';
import { checkOptions, invalidInput, positiveLimit, type KnownOptions } from '../invalid.js';
import {
  BINARY_MAGIC,
  decodeBinaryEvent,
  decodeJsonEvent,
  encodeBinaryEvent,
  encodeJsonEvent,
} from './envelope.js';
import { withDecodeBudget } from './decode-budget.js';
import { CodecFailure, tooLarge, toFoundationFailure } from './failure.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  MAX_DEPTH_LIMIT,
  type CodecLimits,
} from './limits.js';

/** The wire formats: `json` (readable, the default) and `binary` (compact). */
export type SerializationFormat = 'json' | 'binary';

/** Limits applied by both {@link serialize} and {@link deserialize}. */
export interface CodecOptions {
  /** Largest serialized event accepted, in bytes. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Deepest nesting of `data` accepted: 1 to {@link MAX_DEPTH_LIMIT} (1000). Default 64. */
  readonly maxDepth?: number;
}

/** Options of {@link serialize}. */
export interface SerializeOptions extends CodecOptions {
  /** The format to write. Default `json`. */
  readonly format?: SerializationFormat;
}

const DEFAULT_LIMITS: CodecLimits = { maxBytes: DEFAULT_MAX_BYTES, maxDepth: DEFAULT_MAX_DEPTH };

/** `maxDepth`: a positive integer up to {@link MAX_DEPTH_LIMIT}, which the codecs can hold. */
function depthLimit(value: number | undefined): number {
  const depth = positiveLimit(value, DEFAULT_MAX_DEPTH, 'options.maxDepth', false);
  if (depth > MAX_DEPTH_LIMIT) {
    throw invalidInput('options.maxDepth', `must be at most ${MAX_DEPTH_LIMIT}`);
  }
  return depth;
}

const CODEC_OPTIONS: KnownOptions<SerializeOptions> = {
  maxBytes: true,
  maxDepth: true,
  format: true,
};

function limitsOf(options: CodecOptions | undefined): CodecLimits {
  if (options !== undefined) checkOptions('options', options, CODEC_OPTIONS);
  if (options?.maxBytes === undefined && options?.maxDepth === undefined) return DEFAULT_LIMITS;
  return {
    maxBytes: positiveLimit(options.maxBytes, DEFAULT_MAX_BYTES, 'options.maxBytes'),
    maxDepth: depthLimit(options.maxDepth),
  };
}

/**
 * Serializes an event, losslessly: besides JSON values, `data` may hold BigInt, Date, Map,
 * Set, typed arrays, ArrayBuffer, Buffer, Errors (FoundationErrors keep their code and
 * context), `undefined`, NaN, ±Infinity and -0. Plain JSON data is written as it is.
 *
 * @param event - the event to serialize; it must have the shape of a {@link FoundationEvent}
 * @param options - the format (`json` by default, or `binary`) and the limits: `maxBytes`
 *   (default 1 MiB) and `maxDepth` of `data` (default 64); unknown fields are refused
 * @returns new bytes: UTF-8 JSON text, or the binary format, which starts with a marker byte
 * @throws FoundationError 3101 serialization_failed for an unsupported value (a function, a
 *   class instance, a forbidden key, a cycle), naming its path; 2003 data_too_large when the
 *   result would exceed `maxBytes`; 3204 invalid_input for a bad option.
 * @example
 * ```ts
 * const bytes = serialize(event, { format: 'binary' });
 * const copy = deserialize(bytes); // deep-equal to event
 * ```
 */
export function serialize(event: FoundationEvent, options?: SerializeOptions): Uint8Array {
  const limits = limitsOf(options);
  const format: unknown = options?.format ?? 'json';
  try {
    if (format === 'binary') return encodeBinaryEvent(event, limits);
    if (format !== 'json') throw new CodecFailure('encode', `unknown format '${String(format)}'`);
    const text = encodeJsonEvent(event, limits);
    // UTF-8 takes at least one byte per UTF-16 unit: longer text is too large for sure.
    if (text.length > limits.maxBytes) {
      throw tooLarge(Buffer.byteLength(text, 'utf8'), limits.maxBytes);
    }
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > limits.maxBytes) throw tooLarge(bytes.length, limits.maxBytes);
    return bytes;
  } catch (error) {
    throw toFoundationFailure(error, 'encode');
  }
}

/**
 * Restores an event from {@link serialize} output (bytes in either format, detected from the
 * first byte, or JSON text). The result is frozen and deep-equal to the original.
 *
 * Input is treated as hostile: anything truncated, malformed, wrongly typed, nested past
 * `maxDepth` or carrying `__proto__` / `constructor` / `prototype` keys is refused with a
 * FoundationError 3102 deserialization_failed whose context names the `path` and the `rule`;
 * input over `maxBytes` with 2003 data_too_large. Nothing is ever thrown uncaught.
 *
 * @param input - bytes in either format, or JSON text; treated as untrusted
 * @param options - the limits: `maxBytes` (default 1 MiB) and `maxDepth` of `data` (default
 *   64); unknown fields are refused
 * @returns a new frozen event, deep-equal to the one serialized
 * @throws FoundationError 3102 deserialization_failed naming the `path` and the `rule` for
 *   malformed input; 2003 data_too_large for input over `maxBytes`; 3204 invalid_input for a
 *   bad option.
 */
export function deserialize(input: Uint8Array | string, options?: CodecOptions): FoundationEvent {
  const limits = limitsOf(options);
  try {
    if (typeof input === 'string') {
      // Characters take 1 to 3 bytes: more characters than bytes allowed is too large for sure,
      // known without measuring the whole text; count exactly only when it could matter.
      if (input.length > limits.maxBytes) throw tooLarge(input.length, limits.maxBytes);
      if (input.length * 3 > limits.maxBytes) {
        const size = Buffer.byteLength(input, 'utf8');
        if (size > limits.maxBytes) throw tooLarge(size, limits.maxBytes);
      }
      return withDecodeBudget(input.length, () => decodeJsonEvent(input, limits.maxDepth));
    }
    if (!(input instanceof Uint8Array)) {
      throw new CodecFailure('decode', 'expected bytes (Uint8Array) or a string');
    }
    if (input.length > limits.maxBytes) throw tooLarge(input.length, limits.maxBytes);
    if (input.length === 0) throw new CodecFailure('decode', 'empty input');
    if (input[0] === BINARY_MAGIC) {
      return withDecodeBudget(input.length, () => decodeBinaryEvent(input, limits.maxDepth));
    }
    const text = (
      Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.length)
    ).toString('utf8');
    return withDecodeBudget(input.length, () => decodeJsonEvent(text, limits.maxDepth));
  } catch (error) {
    throw toFoundationFailure(error, 'decode');
  }
}

/**
 * The size in bytes of the serialized event (throws like {@link serialize}).
 *
 * @param event - the event to measure
 * @param options - as for {@link serialize}; the format changes the size (`json` by default)
 * @returns the byte length of `serialize(event, options)`
 */
export function serializedSize(event: FoundationEvent, options?: SerializeOptions): number {
  return serialize(event, options).length;
}
