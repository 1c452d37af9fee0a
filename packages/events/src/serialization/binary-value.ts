/**
 * The binary form of event data: one tag byte per value, then its payload. Containers carry
 * their item count, strings their byte length, so decoding never scans for delimiters.
 */
import { forbiddenKey } from '../forbidden-key.js';
import type { ByteReader, ByteWriter } from './binary-io.js';
import { decodeError, encodeError } from './errors-in-data.js';
import { charge, COST } from './decode-budget.js';
import { atSegment, checkDepth, CodecFailure, unsupportedObject } from './failure.js';
import { fromWireBytes, toWireBytes, VIEW_KINDS, viewKind } from './typed-arrays.js';

// One byte before each value says what follows.
const Tag = {
  Null: 0,
  Undefined: 1,
  False: 2,
  True: 3,
  Int32: 4,
  Float64: 5,
  String: 6,
  BigInt: 7,
  Array: 8,
  Object: 9,
  Date: 10,
  Map: 11,
  Set: 12,
  TypedArray: 13,
  Buffer: 14,
  ArrayBuffer: 15,
  Error: 16,
} as const;

// A serialized error nests by its causes and context, each bounded by the errors package.
const ERROR_MAX_DEPTH = 128;

interface WriteState {
  readonly writer: ByteWriter;
  readonly maxDepth: number;
}

/** Writes `value` (see {@link encodeJsonValue} for the rules; they are the same). */
export function writeValue(writer: ByteWriter, value: unknown, maxDepth: number): void {
  write(value, 0, { writer, maxDepth });
}

function write(value: unknown, depth: number, state: WriteState): void {
  const writer = state.writer;
  switch (typeof value) {
    case 'string':
      writer.u8(Tag.String);
      writer.string(value);
      return;
    case 'number':
      if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
        writer.u8(Tag.Int32);
        writer.i32(value);
      } else {
        writer.u8(Tag.Float64);
        writer.f64(value);
      }
      return;
    case 'boolean':
      writer.u8(value ? Tag.True : Tag.False);
      return;
    case 'bigint':
      writer.u8(Tag.BigInt);
      writer.string(value.toString(16));
      return;
    case 'undefined':
      writer.u8(Tag.Undefined);
      return;
    case 'object':
      if (value === null) {
        writer.u8(Tag.Null);
        return;
      }
      break;
    default:
      throw new CodecFailure('encode', `unsupported type ${typeof value}`);
  }
  checkDepth(depth, state.maxDepth, 'encode');
  if (Array.isArray(value)) {
    writer.u8(Tag.Array);
    writeItems(value as unknown[], depth, state);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    writeObject(value as Record<string, unknown>, depth, state);
    return;
  }
  writeSpecial(value, depth, state);
}

function writeItems(items: readonly unknown[], depth: number, state: WriteState): void {
  const length = items.length;
  state.writer.varint(length);
  for (let index = 0; index < length; index++) {
    try {
      write(items[index], depth + 1, state);
    } catch (error) {
      throw atSegment(error, index);
    }
  }
}

function writeObject(object: Record<string, unknown>, depth: number, state: WriteState): void {
  const keys = Object.keys(object);
  state.writer.u8(Tag.Object);
  state.writer.varint(keys.length);
  for (const key of keys) {
    if (forbiddenKey(key)) throw atSegment(new CodecFailure('encode', 'forbidden key'), key);
    state.writer.string(key);
    try {
      write(object[key], depth + 1, state);
    } catch (error) {
      throw atSegment(error, key);
    }
  }
}

function writeSpecial(value: object, depth: number, state: WriteState): void {
  const writer = state.writer;
  if (value instanceof Date) {
    writer.u8(Tag.Date);
    writer.f64(value.getTime());
  } else if (value instanceof Map) {
    writer.u8(Tag.Map);
    writer.varint(value.size);
    let index = 0;
    for (const [key, item] of value as Map<unknown, unknown>) {
      writeEntryPart(key, index, 'key', depth, state);
      writeEntryPart(item, index, 'value', depth, state);
      index++;
    }
  } else if (value instanceof Set) {
    writer.u8(Tag.Set);
    writeItems([...(value as Set<unknown>)], depth, state);
  } else if (Buffer.isBuffer(value)) {
    writer.u8(Tag.Buffer);
    writer.varint(value.length);
    writer.bytes(value);
  } else if (ArrayBuffer.isView(value)) {
    const kind = viewKind(value);
    if (kind === undefined) throw new CodecFailure('encode', 'unsupported binary view');
    writer.u8(Tag.TypedArray);
    writer.u8(kind.index);
    writer.varint(value.byteLength);
    writer.bytes(toWireBytes(value, kind.size));
  } else if (value instanceof ArrayBuffer) {
    writer.u8(Tag.ArrayBuffer);
    writer.varint(value.byteLength);
    writer.bytes(new Uint8Array(value));
  } else if (value instanceof Error) {
    writer.u8(Tag.Error);
    // The serialized error is plain data with its own nesting allowance, counted on from here.
    write(encodeError(value), depth + 1, { writer, maxDepth: depth + 1 + ERROR_MAX_DEPTH });
  } else {
    throw unsupportedObject(value);
  }
}

function writeEntryPart(
  value: unknown,
  index: number,
  part: 'key' | 'value',
  depth: number,
  state: WriteState,
): void {
  try {
    write(value, depth + 1, state);
  } catch (error) {
    throw atSegment(atSegment(error, part), index);
  }
}

/** Reads a value written by {@link writeValue}, refusing anything malformed with its path. */
export function readValue(reader: ByteReader, maxDepth: number): unknown {
  return read(reader, 0, maxDepth, false);
}

const HEX_BIGINT = /^-?[0-9a-f]+$/;

function readAt(
  reader: ByteReader,
  depth: number,
  maxDepth: number,
  inError: boolean,
  segment: string | number,
) {
  try {
    return read(reader, depth, maxDepth, inError);
  } catch (error) {
    throw atSegment(error, segment);
  }
}

/**
 * Reads one value at `depth`. Depth counts through every container and error tag, never
 * restarting: an error's content gets its own allowance on top of where the error sits, and
 * holds no further error tags (serialized errors are plain data), so nesting errors in errors
 * cannot reset the count.
 */
function read(reader: ByteReader, depth: number, maxDepth: number, inError: boolean): unknown {
  const tag = reader.u8();
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.Undefined:
      return undefined;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.Int32:
      return reader.i32();
    case Tag.Float64:
      charge(COST.heapNumber);
      return reader.f64();
    case Tag.String: {
      const text = reader.string();
      charge(COST.string + text.length);
      return text;
    }
    case Tag.BigInt: {
      const text = reader.string();
      charge(COST.bigint + text.length);
      if (!HEX_BIGINT.test(text)) throw new CodecFailure('decode', 'malformed bigint');
      return text.startsWith('-') ? -BigInt(`0x${text.slice(1)}`) : BigInt(`0x${text}`);
    }
    case Tag.Array: {
      checkDepth(depth, maxDepth);
      const length = reader.count();
      charge(COST.array + COST.slot * length);
      const items = new Array<unknown>(length);
      for (let index = 0; index < length; index++) {
        items[index] = readAt(reader, depth + 1, maxDepth, inError, index);
      }
      return items;
    }
    case Tag.Object:
      checkDepth(depth, maxDepth);
      return readObject(reader, depth, maxDepth, inError);
    case Tag.Date:
      charge(COST.date);
      return new Date(reader.f64());
    case Tag.Map: {
      checkDepth(depth, maxDepth);
      const size = reader.count();
      charge(COST.collection + COST.entry * size);
      const map = new Map<unknown, unknown>();
      for (let index = 0; index < size; index++) {
        try {
          const key = readAt(reader, depth + 1, maxDepth, inError, 'key');
          map.set(key, readAt(reader, depth + 1, maxDepth, inError, 'value'));
        } catch (error) {
          throw atSegment(error, index);
        }
      }
      return map;
    }
    case Tag.Set: {
      checkDepth(depth, maxDepth);
      const size = reader.count();
      charge(COST.collection + COST.entry * size);
      const set = new Set<unknown>();
      for (let index = 0; index < size; index++) {
        set.add(readAt(reader, depth + 1, maxDepth, inError, index));
      }
      return set;
    }
    case Tag.TypedArray: {
      const entry = VIEW_KINDS[reader.u8()];
      if (entry === undefined) throw new CodecFailure('decode', 'unknown typed array kind');
      const [, ctor, size] = entry;
      const bytes = reader.bytes(reader.count());
      charge(COST.binary + bytes.length);
      if (bytes.length % size !== 0) {
        throw new CodecFailure('decode', `length must be a multiple of ${size}`);
      }
      return fromWireBytes(bytes, { ctor, size });
    }
    case Tag.Buffer: {
      const bytes = reader.bytes(reader.count());
      charge(COST.binary + bytes.length);
      return Buffer.from(bytes);
    }
    case Tag.ArrayBuffer: {
      const bytes = reader.bytes(reader.count());
      charge(COST.binary + bytes.length);
      return new Uint8Array(bytes).buffer;
    }
    case Tag.Error:
      checkDepth(depth, maxDepth);
      if (inError) throw new CodecFailure('decode', 'an error cannot hold a tagged error');
      charge(COST.error);
      return decodeError(read(reader, depth + 1, depth + 1 + ERROR_MAX_DEPTH, true));
    default:
      throw new CodecFailure('decode', `unknown value tag ${tag}`);
  }
}

function readObject(
  reader: ByteReader,
  depth: number,
  maxDepth: number,
  inError: boolean,
): Record<string, unknown> {
  const size = reader.count();
  charge(COST.object);
  const object: Record<string, unknown> = {};
  for (let index = 0; index < size; index++) {
    const key = reader.string();
    charge(COST.property + key.length);
    if (forbiddenKey(key)) throw atSegment(new CodecFailure('decode', 'forbidden key'), key);
    object[key] = readAt(reader, depth + 1, maxDepth, inError, key);
  }
  return object;
}
