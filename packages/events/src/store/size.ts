import { FoundationError } from '@foundation/errors';
import { forbiddenKey } from '../forbidden-key.js';
import type { FoundationEvent } from '../event.js';
import { validationFailed } from '../invalid.js';
import { DEFAULT_MAX_DEPTH as MAX_DEPTH } from '../serialization/limits.js';

// Fixed cost of an event's frame (field names, numbers, punctuation) in its JSON form.
const FRAME_BYTES = 160;

function refuse(rule: string): FoundationError {
  return validationFailed('data', rule);
}

/** The length of a string-valued field, 0 for anything else (an Error's message may be any). */
function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/**
 * Estimates the size in bytes of an event (about its JSON size: strings count one byte per
 * character, binary data as base64). Cheap — one pass over `data` — and used by the store's
 * byte bound, where exactness matters less than cost.
 *
 * @param event - the event to measure: its fields and its `data`
 * @returns the estimated size in bytes, a non-negative integer; close to, not equal to, the
 *   serialized size
 * @throws FoundationError 3203 validation_failed when `data` nests deeper than 64 levels (or
 *   is circular), has a `__proto__`, `constructor` or `prototype` key, or throws while being
 *   read (a getter, a proxy).
 */
export function estimateEventSize(event: FoundationEvent): number {
  let dataBytes: number;
  try {
    dataBytes = valueSize(event.data, 0);
  } catch (error) {
    throw FoundationError.is(error) ? error : refuse('unreadable data');
  }
  return (
    FRAME_BYTES +
    event.id.length +
    event.type.length +
    event.correlationId.length +
    (event.causationId?.length ?? 0) +
    (event.parentId?.length ?? 0) +
    event.source.service.length +
    event.source.host.length +
    dataBytes
  );
}

function valueSize(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return 8;
    case 'boolean':
      return 5;
    case 'bigint':
      return 24;
    case 'object':
      if (value === null) return 4;
      break;
    default:
      return 12;
  }
  if (depth >= MAX_DEPTH) throw refuse(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    let size = 2;
    for (const item of value as unknown[]) size += valueSize(item, depth + 1) + 1;
    return size;
  }
  // Plain objects, the bulk of payloads, skip the checks for the other kinds.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return objectSize(value, depth);
  return otherSize(value, depth);
}

/** The size of an object that is not a plain object or an array. */
function otherSize(value: object, depth: number): number {
  if (ArrayBuffer.isView(value)) return 32 + Math.ceil((value.byteLength * 4) / 3);
  if (value instanceof ArrayBuffer) return 32 + Math.ceil((value.byteLength * 4) / 3);
  if (value instanceof Map) {
    let size = 16;
    for (const [key, item] of value as Map<unknown, unknown>) {
      size += valueSize(key, depth + 1) + valueSize(item, depth + 1) + 6;
    }
    return size;
  }
  if (value instanceof Set) {
    let size = 16;
    for (const item of value as Set<unknown>) size += valueSize(item, depth + 1) + 1;
    return size;
  }
  if (value instanceof Error) return 64 + textLength(value.message) + textLength(value.stack);
  if (value instanceof Date) return 32;
  return objectSize(value, depth);
}

/** The size of an object's own enumerable string-keyed properties. */
function objectSize(value: object, depth: number): number {
  let size = 2;
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (forbiddenKey(key)) throw refuse(`forbidden key '${key}'`);
    size += key.length + 4 + valueSize(object[key], depth + 1);
  }
  return size;
}
