import type { Serializer } from '@foundation/core';
import type { FoundationEvent } from '../event.js';
import { deserialize, serialize, type SerializeOptions } from './serialize.js';

/** MIME type of the JSON format. */
export const JSON_CONTENT_TYPE = 'application/json';
/** MIME type of the binary format. */
export const BINARY_CONTENT_TYPE = 'application/vnd.foundation.event';

/**
 * {@link serialize} and {@link deserialize} with fixed options, as a core `Serializer` (the
 * seed's `Serializable`), for code that takes any serializer.
 *
 * @param options - the format (`json` by default, or `binary`) and limits used for every call,
 *   as for {@link serialize}
 * @returns a frozen serializer whose `format` and `contentType` ({@link JSON_CONTENT_TYPE} or
 *   {@link BINARY_CONTENT_TYPE}) match the format
 */
export function eventSerializer(options: SerializeOptions = {}): Serializer<FoundationEvent> {
  const format = options.format ?? 'json';
  return Object.freeze({
    format,
    contentType: format === 'binary' ? BINARY_CONTENT_TYPE : JSON_CONTENT_TYPE,
    serialize: (event: FoundationEvent) => serialize(event, options),
    deserialize: (bytes: Uint8Array) => deserialize(bytes, options),
  });
}
