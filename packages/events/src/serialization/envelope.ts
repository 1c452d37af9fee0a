/**
 * The two wire formats of a whole event. JSON: `{"v":1, ...fields, "data": <tagged JSON>}`.
 * Binary: `0xF5`, a version byte, the fields (UUIDs packed into 16 bytes), then the data.
 * Both decoders check every field and leave nothing unchecked behind them.
 */
import { forbiddenKey } from '../forbidden-key.js';
import type { EventSource, FoundationEvent } from '../event.js';
import { findShapeProblem, kindOf } from '../event-shape.js';
import { ByteReader, writeBytes, type ByteWriter } from './binary-io.js';
import { readValue, writeValue } from './binary-value.js';
import { atSegment, CodecFailure, type FailureKind } from './failure.js';
import { decodeJsonValue, encodeJsonValue } from './json-value.js';
import type { CodecLimits } from './limits.js';

/** The current version of both formats. */
export const FORMAT_VERSION = 1;
/** First byte of the binary format (never the first byte of UTF-8 text). */
export const BINARY_MAGIC = 0xf5;

function failAt(kind: FailureKind, path: string, rule: string): never {
  const failure = new CodecFailure(kind, rule);
  if (path !== '$') failure.path.push(...path.split('.'));
  throw failure;
}

/** Refuses a value that is not an event, naming the field. */
export function checkShape(value: unknown, kind: FailureKind): asserts value is FoundationEvent {
  const problem = findShapeProblem(value);
  if (problem) failAt(kind, problem.path, problem.rule);
}

/** Runs `fn`, adding `data` in front of the path of any failure. */
export function inData<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw atSegment(error, 'data');
  }
}

/** The event as JSON text. */
export function encodeJsonEvent(event: FoundationEvent, limits: CodecLimits): string {
  checkShape(event, 'encode');
  const source = event.source;
  // Links are added only when present: undefined members would slow JSON.stringify down.
  const envelope: Record<string, unknown> = {
    v: FORMAT_VERSION,
    id: event.id,
    type: event.type,
    timestampNs: event.timestampNs,
    wallTime: event.wallTime,
    correlationId: event.correlationId,
  };
  if (event.causationId !== undefined) envelope.causationId = event.causationId;
  if (event.parentId !== undefined) envelope.parentId = event.parentId;
  envelope.source = { service: source.service, host: source.host, pid: source.pid };
  envelope.data = inData(() => encodeJsonValue(event.data, limits));
  return JSON.stringify(envelope);
}

function checkKeys(object: object, prefix: string): void {
  for (const key of Object.keys(object)) {
    if (forbiddenKey(key))
      failAt('decode', prefix === '' ? key : `${prefix}.${key}`, 'forbidden key');
  }
}

/** Builds the frozen event from decoded, checked fields. */
function buildEvent(fields: Record<string, unknown>, source: EventSource, data: unknown) {
  const event: Record<string, unknown> = {
    id: fields.id,
    type: fields.type,
    timestampNs: fields.timestampNs,
    wallTime: fields.wallTime,
    correlationId: fields.correlationId,
    source: Object.freeze({ service: source.service, host: source.host, pid: source.pid }),
    data,
  };
  if (fields.causationId !== undefined) event.causationId = fields.causationId;
  if (fields.parentId !== undefined) event.parentId = fields.parentId;
  return Object.freeze(event) as unknown as FoundationEvent;
}

/** An event from JSON text. */
export function decodeJsonEvent(text: string, maxDepth: number): FoundationEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    failAt('decode', '$', `not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    failAt('decode', '$', `expected an object, got ${kindOf(parsed)}`);
  }
  const fields = parsed as Record<string, unknown>;
  if (fields.v !== FORMAT_VERSION) {
    failAt('decode', 'v', `unsupported format version (expected ${FORMAT_VERSION})`);
  }
  checkKeys(fields, '');
  checkShape(fields, 'decode');
  checkKeys(fields.source, 'source');
  const data = inData(() => decodeJsonValue(fields.data, maxDepth));
  return buildEvent(fields, fields.source, data);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
const ID_STRING = 0;
const ID_UUID = 1;
const HAS_CAUSATION = 1;
const HAS_PARENT = 2;

function writeId(writer: ByteWriter, id: string): void {
  if (!UUID.test(id)) {
    writer.u8(ID_STRING);
    writer.string(id);
    return;
  }
  writer.u8(ID_UUID);
  for (let at = 0; at < 36; at += 2) {
    if (id.charCodeAt(at) === 0x2d) at++; // '-'
    writer.u8(hexDigit(id.charCodeAt(at)) * 16 + hexDigit(id.charCodeAt(at + 1)));
  }
}

/** The value of a lowercase hex digit's character code (the UUID pattern was checked). */
function hexDigit(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

function readId(reader: ByteReader): string {
  const kind = reader.u8();
  if (kind === ID_STRING) return reader.string();
  if (kind !== ID_UUID) throw new CodecFailure('decode', `unknown id encoding ${kind}`);
  const bytes = reader.bytes(16);
  let id = '';
  for (let index = 0; index < 16; index++) {
    if (index === 4 || index === 6 || index === 8 || index === 10) id += '-';
    id += HEX[bytes[index]!]!;
  }
  return id;
}

/** The event in the binary format. */
export function encodeBinaryEvent(event: FoundationEvent, limits: CodecLimits): Uint8Array {
  checkShape(event, 'encode');
  return writeBytes(limits.maxBytes, (writer) => {
    writer.u8(BINARY_MAGIC);
    writer.u8(FORMAT_VERSION);
    writeId(writer, event.id);
    writer.string(event.type);
    writer.f64(event.timestampNs);
    writer.f64(event.wallTime);
    writeId(writer, event.correlationId);
    const { causationId, parentId } = event;
    writer.u8(
      (causationId === undefined ? 0 : HAS_CAUSATION) | (parentId === undefined ? 0 : HAS_PARENT),
    );
    if (causationId !== undefined) writeId(writer, causationId);
    if (parentId !== undefined) writeId(writer, parentId);
    writer.string(event.source.service);
    writer.string(event.source.host);
    writer.varint(event.source.pid);
    inData(() => {
      writeValue(writer, event.data, limits.maxDepth);
    });
  });
}

function readField<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    let failure = error;
    for (const segment of path.split('.').reverse()) failure = atSegment(failure, segment);
    throw failure;
  }
}

/** An event from the binary format. */
export function decodeBinaryEvent(bytes: Uint8Array, maxDepth: number): FoundationEvent {
  const reader = new ByteReader(bytes, 1);
  const version = readField('version', () => reader.u8());
  if (version !== FORMAT_VERSION) {
    failAt('decode', 'version', `unsupported format version (expected ${FORMAT_VERSION})`);
  }
  const fields: Record<string, unknown> = {
    id: readField('id', () => readId(reader)),
    type: readField('type', () => reader.string()),
    timestampNs: readField('timestampNs', () => reader.f64()),
    wallTime: readField('wallTime', () => reader.f64()),
    correlationId: readField('correlationId', () => readId(reader)),
  };
  const flags = readField('flags', () => reader.u8());
  if (flags > (HAS_CAUSATION | HAS_PARENT)) failAt('decode', 'flags', 'unknown flags');
  if (flags & HAS_CAUSATION) fields.causationId = readField('causationId', () => readId(reader));
  if (flags & HAS_PARENT) fields.parentId = readField('parentId', () => readId(reader));
  fields.source = {
    service: readField('source.service', () => reader.string()),
    host: readField('source.host', () => reader.string()),
    pid: readField('source.pid', () => reader.varint()),
  };
  fields.data = inData(() => readValue(reader, maxDepth));
  if (reader.remaining !== 0) failAt('decode', '$', 'trailing bytes after the event');
  checkShape(fields, 'decode');
  return buildEvent(fields, fields.source, fields.data);
}
