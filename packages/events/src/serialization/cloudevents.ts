/**
 * Mapping to and from CloudEvents 1.0 in the structured JSON mode
 * (`application/cloudevents+json`). Correlation, causation and parent ids travel as the
 * extension attributes `correlationid`, `causationid` and `parentid`.
 */
import { generateCorrelationId, systemClock, type Clock } from '@foundation/core';
import { forbiddenKey } from '../forbidden-key.js';
import type { EventSource, FoundationEvent } from '../event.js';
import { kindOf } from '../event-shape.js';
import { positiveLimit } from '../invalid.js';
import { checkShape, inData } from './envelope.js';
import { atSegment, CodecFailure, jsonText, toFoundationFailure } from './failure.js';
import { BASE64_TEXT, checkJsonValue, decodeJsonValue, encodeJsonValue } from './json-value.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './limits.js';

/** A CloudEvents 1.0 event in structured JSON form. */
export interface CloudEventJson {
  /** Always `1.0`. */
  readonly specversion: '1.0';
  /** The event id. */
  readonly id: string;
  /** The producer, as a URI reference: `//host/service/pid` for Foundation events. */
  readonly source: string;
  /** The event type. */
  readonly type: string;
  /** Wall-clock time, RFC 3339. */
  readonly time?: string;
  /** The media type of `data`. */
  readonly datacontenttype?: string;
  /** The payload. */
  readonly data?: unknown;
  /** A binary payload, base64. */
  readonly data_base64?: string;
  /** Extension: the correlation id. */
  readonly correlationid?: string;
  /** Extension: the id of the causing event. */
  readonly causationid?: string;
  /** Extension: the id of the enclosing event. */
  readonly parentid?: string;
  /** Extension: the monotonic timestamp in nanoseconds, as decimal text. */
  readonly timestampns?: string;
  /** Extension: the exact wall time in epoch ms, when `time` cannot hold it (fractional ms). */
  readonly walltime?: string;
  /** Extension: `1` when `data` uses Foundation's tagged JSON for non-JSON values. */
  readonly foundationdata?: string;
  /** Other extension attributes. */
  readonly [extension: string]: unknown;
}

function sourceUri(source: EventSource): string {
  return `//${encodeURIComponent(source.host)}/${encodeURIComponent(source.service)}/${source.pid}`;
}

const SOURCE_URI = /^\/\/([^/]*)\/([^/]*)\/(\d{1,15})$/;

function parseSource(uri: string): EventSource {
  const match = SOURCE_URI.exec(uri);
  if (match) {
    try {
      return {
        host: decodeURIComponent(match[1]!),
        service: decodeURIComponent(match[2]!),
        pid: Number(match[3]),
      };
    } catch {
      // Not ours after all (bad escapes): keep the source as the service name below.
    }
  }
  return { service: uri, host: '', pid: 0 };
}

/**
 * The event as a CloudEvents 1.0 structured-mode object (`JSON.stringify` it and send it as
 * `application/cloudevents+json`). Plain JSON data is carried as it is.
 *
 * @param event - the event to convert; it must have the shape of a {@link FoundationEvent}
 * @returns a new plain object with the CloudEvents attributes (`specversion` `'1.0'`, `id`,
 *   `source` URI, `type`, `time`) plus the Foundation extensions (`correlationid`,
 *   `timestampns`, …) and the data, as `data` or `data_base64` for bytes
 * @throws FoundationError 3101 when the data cannot be serialized.
 */
export function toCloudEvent(event: FoundationEvent): CloudEventJson {
  try {
    checkShape(event, 'encode');
    const out: Record<string, unknown> = {
      specversion: '1.0',
      id: event.id,
      source: sourceUri(event.source),
      type: event.type,
      time: new Date(event.wallTime).toISOString(),
      correlationid: event.correlationId,
      timestampns: String(event.timestampNs),
    };
    if (!Number.isInteger(event.wallTime)) out.walltime = String(event.wallTime);
    if (event.causationId !== undefined) out.causationid = event.causationId;
    if (event.parentId !== undefined) out.parentid = event.parentId;
    if (event.data !== undefined) {
      const data = inData(() =>
        encodeJsonValue(event.data, { maxBytes: DEFAULT_MAX_BYTES, maxDepth: DEFAULT_MAX_DEPTH }),
      );
      out.datacontenttype = 'application/json';
      out.data = data;
      if (data !== event.data) out.foundationdata = '1';
    }
    return out as unknown as CloudEventJson;
  } catch (error) {
    throw toFoundationFailure(error, 'encode');
  }
}

/** Options of {@link fromCloudEvent}. */
export interface FromCloudEventOptions {
  /** Clock for the times a foreign event does not carry. Default `systemClock`. */
  readonly clock?: Clock;
  /** Largest JSON text accepted, in bytes. Default 1 MiB. */
  readonly maxBytes?: number;
}

function field(
  object: Record<string, unknown>,
  key: string,
  required: boolean,
): string | undefined {
  const value = object[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw atSegment(
      new CodecFailure('decode', `expected a non-empty string, got ${kindOf(value)}`),
      key,
    );
  }
  return value;
}

function wallTimeOf(object: Record<string, unknown>, clock: Clock): number {
  const exact = field(object, 'walltime', false);
  if (exact !== undefined) {
    const value = Number(exact);
    if (!Number.isFinite(value)) {
      throw atSegment(new CodecFailure('decode', 'expected a number'), 'walltime');
    }
    return value;
  }
  const time = field(object, 'time', false);
  if (time === undefined) return clock.wallMs();
  const value = Date.parse(time);
  if (Number.isNaN(value)) {
    throw atSegment(new CodecFailure('decode', 'expected an RFC 3339 timestamp'), 'time');
  }
  return value;
}

function timestampNsOf(object: Record<string, unknown>, clock: Clock): number {
  const text = field(object, 'timestampns', false);
  if (text === undefined) return clock.nowNs();
  if (!/^\d{1,20}$/.test(text)) {
    throw atSegment(new CodecFailure('decode', 'expected a decimal integer'), 'timestampns');
  }
  return Number(text);
}

function dataOf(object: Record<string, unknown>): unknown {
  const base64 = object.data_base64;
  if (base64 !== undefined) {
    if (typeof base64 !== 'string' || !BASE64_TEXT.test(base64)) {
      throw atSegment(new CodecFailure('decode', 'expected base64 text'), 'data_base64');
    }
    return Buffer.from(base64, 'base64');
  }
  return inData(() => {
    if (object.foundationdata === '1') return decodeJsonValue(object.data, DEFAULT_MAX_DEPTH);
    checkJsonValue(object.data, DEFAULT_MAX_DEPTH);
    return object.data;
  });
}

/**
 * Reads a CloudEvents 1.0 structured-mode event (an object or its JSON text) into a frozen
 * event. Foundation events come back as they were; a foreign event gets its source URI as the
 * service name, a new correlation id when it has none, and the receiving clock's times for
 * what it lacks.
 *
 * @param input - a structured-mode CloudEvent: a parsed object or its JSON text, treated as
 *   untrusted
 * @param options - the clock for times a foreign event lacks (default `systemClock`) and the
 *   largest JSON text accepted, `maxBytes` (default 1 MiB)
 * @returns a new frozen event; round-trips what {@link toCloudEvent} produced
 * @throws FoundationError 3102 deserialization_failed naming the attribute, 2003 for text
 *   over `maxBytes`, or 3204 invalid_input when `maxBytes` is not a positive integer.
 */
export function fromCloudEvent(
  input: unknown,
  options: FromCloudEventOptions = {},
): FoundationEvent {
  const clock = options.clock ?? systemClock;
  const maxBytes = positiveLimit(options.maxBytes, DEFAULT_MAX_BYTES, 'options.maxBytes');
  try {
    let text: string;
    try {
      // Objects are copied through JSON, so decoding never touches the caller's object.
      text = typeof input === 'string' ? input : (jsonText(input) ?? '');
    } catch (error) {
      throw new CodecFailure('decode', `not JSON data (${(error as Error).message})`);
    }
    if (Buffer.byteLength(text, 'utf8') > maxBytes) {
      throw new CodecFailure('too_large', `at most ${maxBytes} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CodecFailure('decode', `not valid JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CodecFailure('decode', `expected an object, got ${kindOf(parsed)}`);
    }
    const object = parsed as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (forbiddenKey(key)) throw atSegment(new CodecFailure('decode', 'forbidden key'), key);
    }
    if (object.specversion !== '1.0') {
      throw atSegment(new CodecFailure('decode', "expected '1.0'"), 'specversion');
    }
    const id = field(object, 'id', true)!;
    const type = field(object, 'type', true)!;
    const source = parseSource(field(object, 'source', true)!);
    const causationId = field(object, 'causationid', false);
    const parentId = field(object, 'parentid', false);
    const event: Record<string, unknown> = {
      id,
      type,
      timestampNs: timestampNsOf(object, clock),
      wallTime: wallTimeOf(object, clock),
      correlationId: field(object, 'correlationid', false) ?? generateCorrelationId(),
      source: Object.freeze(source),
      data: dataOf(object),
    };
    if (causationId !== undefined) event.causationId = causationId;
    if (parentId !== undefined) event.parentId = parentId;
    checkShape(event, 'decode');
    return Object.freeze(event);
  } catch (error) {
    throw toFoundationFailure(error, 'decode');
  }
}
