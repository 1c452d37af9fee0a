/**
 * The JSON form of event data. Plain JSON values are written as they are (the walk returns the
 * very same objects when nothing needs tagging, so plain data costs one read-only pass); every
 * other value becomes a tag object `{ "$t": <tag>, "v": <payload> }`. A user object that has a
 * `$t` key of its own is escaped as `{ "$t": "object", "v": {...} }`, so nothing is ambiguous.
 */
import { forbiddenKey } from '../forbidden-key.js';
import { decodeError, encodeError } from './errors-in-data.js';
import { charge, COST } from './decode-budget.js';
import { atSegment, checkDepth, CodecFailure, jsonText, unsupportedObject } from './failure.js';
import type { CodecLimits } from './limits.js';
import { fromWireBytes, kindByName, toWireBytes, viewKind } from './typed-arrays.js';

/** The key that marks a tag object. */
export const TAG_KEY = '$t';

const UNDEFINED_TAG = Object.freeze({ $t: 'undefined' });

interface EncodeState {
  readonly maxDepth: number;
  readonly maxNodes: number;
  nodes: number;
}

/**
 * Encodes `value` into JSON-ready data, failing with the path on unsupported values, forbidden
 * keys, nesting past `maxDepth` (which also catches cycles) or more containers than
 * `maxBytes` (each one costs at least a byte of output, so the walk stays bounded even for a
 * hugely shared graph).
 */
export function encodeJsonValue(value: unknown, limits: CodecLimits): unknown {
  return encode(value, 0, { maxDepth: limits.maxDepth, maxNodes: limits.maxBytes, nodes: 0 });
}

function encodeNumber(value: number): unknown {
  // Fast check first: most numbers are finite and not negative zero.
  if (Number.isFinite(value) && (value !== 0 || 1 / value > 0)) return value;
  return { $t: 'number', v: Object.is(value, -0) ? '-0' : String(value) };
}

function encode(value: unknown, depth: number, state: EncodeState): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return encodeNumber(value);
    case 'bigint': {
      const text = value.toString();
      if (text.length > MAX_BIGINT_DIGITS + 1) {
        throw new CodecFailure('encode', `bigint longer than ${MAX_BIGINT_DIGITS} digits`);
      }
      return { $t: 'bigint', v: text };
    }
    case 'undefined':
      return UNDEFINED_TAG;
    case 'object':
      if (value === null) return null;
      break;
    default:
      throw new CodecFailure('encode', `unsupported type ${typeof value}`);
  }
  checkDepth(depth, state.maxDepth, 'encode');
  if (++state.nodes > state.maxNodes) {
    throw new CodecFailure('too_large', `more than ${state.maxNodes} values`, {
      maxBytes: state.maxNodes,
    });
  }
  if (Array.isArray(value)) return encodeArray(value as unknown[], depth, state);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return encodeObject(value as Record<string, unknown>, depth, state);
  }
  return encodeSpecial(value, depth, state);
}

function encodeArray(array: readonly unknown[], depth: number, state: EncodeState): unknown {
  let out: unknown[] | undefined;
  const length = array.length;
  for (let index = 0; index < length; index++) {
    let item: unknown;
    let encoded: unknown;
    try {
      item = array[index];
      encoded = encode(item, depth + 1, state);
    } catch (error) {
      throw atSegment(error, index);
    }
    // Copy on write: the array is only copied once an item had to change.
    if (out === undefined && encoded !== item) out = array.slice(0, index);
    if (out !== undefined) out.push(encoded);
  }
  return out ?? array;
}

function encodeObject(object: Record<string, unknown>, depth: number, state: EncodeState): unknown {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(object);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (forbiddenKey(key)) throw atSegment(new CodecFailure('encode', 'forbidden key'), key);
    let item: unknown;
    let encoded: unknown;
    try {
      item = object[key];
      encoded = encode(item, depth + 1, state);
    } catch (error) {
      throw atSegment(error, key);
    }
    if (out === undefined && encoded !== item) {
      out = {};
      for (let before = 0; before < index; before++) {
        const earlier = keys[before]!;
        out[earlier] = object[earlier];
      }
    }
    if (out !== undefined) out[key] = encoded;
  }
  const result = out ?? object;
  return Object.hasOwn(object, TAG_KEY) ? { $t: 'object', v: result } : result;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function encodeSpecial(value: object, depth: number, state: EncodeState): unknown {
  if (value instanceof Date) {
    const time = value.getTime();
    return { $t: 'date', v: Number.isNaN(time) ? null : time };
  }
  if (value instanceof Map) {
    const entries: unknown[] = [];
    let index = 0;
    for (const [key, item] of value as Map<unknown, unknown>) {
      entries.push([
        encodeEntryPart(key, index, 'key', depth, state),
        encodeEntryPart(item, index, 'value', depth, state),
      ]);
      index++;
    }
    return { $t: 'map', v: entries };
  }
  if (value instanceof Set) {
    return { $t: 'set', v: encodeArray([...(value as Set<unknown>)], depth, state) };
  }
  if (Buffer.isBuffer(value)) return { $t: 'buffer', v: value.toString('base64') };
  if (ArrayBuffer.isView(value)) {
    const kind = viewKind(value);
    if (kind === undefined) throw new CodecFailure('encode', 'unsupported binary view');
    return { $t: 'typedarray', k: kind.name, v: base64(toWireBytes(value, kind.size)) };
  }
  if (value instanceof ArrayBuffer) return { $t: 'arraybuffer', v: base64(new Uint8Array(value)) };
  if (value instanceof Error) return { $t: 'error', v: encodeError(value) };
  throw unsupportedObject(value);
}

function encodeEntryPart(
  value: unknown,
  index: number,
  part: 'key' | 'value',
  depth: number,
  state: EncodeState,
): unknown {
  try {
    return encode(value, depth + 1, state);
  } catch (error) {
    throw atSegment(atSegment(error, part), index);
  }
}

/**
 * Decodes JSON-parsed data in place: tag objects become the values they stand for. Refuses
 * forbidden keys, nesting past `maxDepth` and malformed tags, with the path. Accepts anything
 * {@link encodeJsonValue} produces under the same `maxDepth`.
 */
export function decodeJsonValue(value: unknown, maxDepth: number): unknown {
  return decode(value, 0, maxDepth);
}

function decode(value: unknown, depth: number, maxDepth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    checkDepth(depth, maxDepth);
    return decodeItems(value as unknown[], depth + 1, maxDepth);
  }
  const object = value as Record<string, unknown>;
  if (object[TAG_KEY] !== undefined) return decodeTag(object, depth, maxDepth);
  checkDepth(depth, maxDepth);
  return decodeObject(object, depth + 1, maxDepth);
}

function decodeAt(value: unknown, depth: number, maxDepth: number, segment: string | number) {
  try {
    return decode(value, depth, maxDepth);
  } catch (error) {
    throw atSegment(error, segment);
  }
}

function decodeItems(array: unknown[], itemDepth: number, maxDepth: number): unknown[] {
  charge(COST.array + COST.slot * array.length);
  for (let index = 0; index < array.length; index++) {
    const item = array[index];
    if (typeof item === 'object' && item !== null) {
      array[index] = decodeAt(item, itemDepth, maxDepth, index);
    }
  }
  return array;
}

function decodeObject(
  object: Record<string, unknown>,
  itemDepth: number,
  maxDepth: number,
): Record<string, unknown> {
  charge(COST.object);
  for (const key of Object.keys(object)) {
    if (forbiddenKey(key)) throw atSegment(new CodecFailure('decode', 'forbidden key'), key);
    charge(COST.property + key.length);
    const item = object[key];
    if (typeof item === 'object' && item !== null) {
      object[key] = decodeAt(item, itemDepth, maxDepth, key);
    }
  }
  return object;
}

const BIGINT_TEXT = /^-?\d+$/;
/**
 * The most decimal digits a bigint may have in JSON. Parsing decimal text takes time growing
 * with the square of its length (a 1 MiB bigint took 200 ms), so the length is checked first.
 */
export const MAX_BIGINT_DIGITS = 10_000;
/** Text in the base64 alphabet, padding allowed only at the end. */
export const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const SPECIAL_NUMBERS = new Map<unknown, number>([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

function fail(segment: string, rule: string): never {
  throw atSegment(new CodecFailure('decode', rule), segment);
}

function base64Payload(tag: Record<string, unknown>): Buffer {
  const text = tag.v;
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64_TEXT.test(text)) {
    fail('v', 'expected base64 text');
  }
  charge(COST.binary + (text.length / 4) * 3);
  return Buffer.from(text, 'base64');
}

function arrayPayload(tag: Record<string, unknown>): unknown[] {
  const items = tag.v;
  if (!Array.isArray(items)) fail('v', 'expected an array');
  return items as unknown[];
}

function decodeTag(tag: Record<string, unknown>, depth: number, maxDepth: number): unknown {
  const name = tag[TAG_KEY];
  switch (name) {
    case 'undefined':
      return undefined;
    case 'number': {
      const number = SPECIAL_NUMBERS.get(tag.v);
      if (number === undefined) fail('v', 'expected NaN, Infinity, -Infinity or -0');
      return number;
    }
    case 'bigint': {
      const text = tag.v;
      if (typeof text === 'string' && text.length > MAX_BIGINT_DIGITS + 1) {
        fail('v', `a bigint of at most ${MAX_BIGINT_DIGITS} digits`);
      }
      if (typeof text !== 'string' || !BIGINT_TEXT.test(text)) {
        fail('v', 'expected a decimal integer');
      }
      charge(COST.bigint + text.length);
      return BigInt(text);
    }
    case 'date': {
      const time = tag.v;
      charge(COST.date);
      if (time === null) return new Date(NaN);
      if (typeof time !== 'number' || !Number.isFinite(time)) fail('v', 'expected a number');
      return new Date(time);
    }
    case 'map': {
      const entries = arrayPayload(tag);
      checkDepth(depth, maxDepth);
      charge(COST.collection + COST.entry * entries.length);
      const map = new Map<unknown, unknown>();
      for (let index = 0; index < entries.length; index++) {
        const entry = entries[index];
        if (!Array.isArray(entry) || entry.length !== 2) {
          throw atSegment(new CodecFailure('decode', 'expected a [key, value] pair'), index);
        }
        try {
          const key = decodeAt(entry[0], depth + 1, maxDepth, 'key');
          map.set(key, decodeAt(entry[1], depth + 1, maxDepth, 'value'));
        } catch (error) {
          throw atSegment(error, index);
        }
      }
      return map;
    }
    case 'set': {
      const items = arrayPayload(tag);
      checkDepth(depth, maxDepth);
      charge(COST.collection + COST.entry * items.length);
      return new Set(decodeItems(items, depth + 1, maxDepth));
    }
    case 'buffer':
      return base64Payload(tag);
    case 'arraybuffer':
      return new Uint8Array(base64Payload(tag)).buffer;
    case 'typedarray': {
      const kindName = tag.k;
      const kind = typeof kindName === 'string' ? kindByName(kindName) : undefined;
      if (kind === undefined) fail('k', 'expected a known typed array kind');
      const bytes = base64Payload(tag);
      if (bytes.length % kind.size !== 0) fail('v', `length must be a multiple of ${kind.size}`);
      return fromWireBytes(bytes, kind);
    }
    case 'error':
      checkDepth(depth, maxDepth);
      charge(COST.error);
      return decodeError(tag.v);
    case 'object': {
      const inner = tag.v;
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
        fail('v', 'expected an object');
      }
      checkDepth(depth, maxDepth);
      return decodeObject(inner as Record<string, unknown>, depth + 1, maxDepth);
    }
    default:
      return fail(TAG_KEY, `unknown tag ${String(jsonText(name))}`);
  }
}

/**
 * Checks plain JSON data without interpreting tags: refuses forbidden keys and nesting past
 * `maxDepth`. For data from foreign producers, where `$t` means nothing special.
 */
export function checkJsonValue(value: unknown, maxDepth: number, depth = 0): void {
  if (typeof value !== 'object' || value === null) return;
  checkDepth(depth, maxDepth);
  const isList = Array.isArray(value);
  for (const key of Object.keys(value)) {
    if (!isList && forbiddenKey(key)) {
      throw atSegment(new CodecFailure('decode', 'forbidden key'), key);
    }
    try {
      checkJsonValue((value as Record<string, unknown>)[key], maxDepth, depth + 1);
    } catch (error) {
      throw atSegment(error, isList ? Number(key) : key);
    }
  }
}
