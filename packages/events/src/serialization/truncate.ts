import type { FoundationEvent } from '../event.js';
import { kindOf } from '../event-shape.js';
import { positiveLimit } from '../invalid.js';
import { checkShape } from './envelope.js';
import { toFoundationFailure } from './failure.js';
import { encodeJsonValue } from './json-value.js';
import { DEFAULT_MAX_DEPTH } from './limits.js';

/** Default threshold of {@link truncateIfLarge}: 64 KiB of serialized data. */
export const DEFAULT_TRUNCATE_BYTES = 64 * 1024;

// Data is measured up to this size; beyond it the exact size is not worth computing.
const MEASURE_LIMIT_BYTES = 256 * 1024 * 1024;

/** Options of {@link truncateIfLarge}. */
export interface TruncateOptions {
  /** Data whose JSON form is larger than this many bytes is replaced. Default 64 KiB. */
  readonly maxBytes?: number;
  /** How many characters of the JSON form the preview keeps. Default 200. */
  readonly previewChars?: number;
}

/** The data of an event after {@link truncateIfLarge} replaced it. */
export interface TruncatedData {
  /** Always true: marks the data as a summary. */
  readonly truncated: true;
  /** Size of the original data's JSON form, in bytes. */
  readonly originalSizeBytes: number;
  /** What the original data was: `object`, `array`, `string`, … */
  readonly originalKind: string;
  /** The start of the original data's JSON form. */
  readonly preview: string;
}

/**
 * Returns `event` itself when its data is small, else a copy (same id, type, times and links)
 * whose data is a {@link TruncatedData} summary with a preview. Use it before logging or
 * sending events whose payload size you do not control.
 *
 * @param event - the event to check
 * @param options - the threshold `maxBytes` of the data's JSON form (default
 *   {@link DEFAULT_TRUNCATE_BYTES}, 64 KiB) and `previewChars` kept in the summary (default 200)
 * @returns `event` itself when its data fits, else a new frozen event whose data is a
 *   {@link TruncatedData} summary
 * @throws FoundationError 3101 when `event` is not an event or its data cannot be serialized.
 */
export function truncateIfLarge(
  event: FoundationEvent,
  options: TruncateOptions = {},
): FoundationEvent {
  const maxBytes = positiveLimit(options.maxBytes, DEFAULT_TRUNCATE_BYTES, 'options.maxBytes');
  const previewChars = positiveLimit(options.previewChars, 200, 'options.previewChars', false);
  let text: string;
  try {
    checkShape(event, 'encode');
    const encoded = encodeJsonValue(event.data, {
      maxBytes: MEASURE_LIMIT_BYTES,
      maxDepth: DEFAULT_MAX_DEPTH,
    });
    text = JSON.stringify(encoded);
  } catch (error) {
    throw toFoundationFailure(error, 'encode');
  }
  // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (text.length * 3 <= maxBytes) return event;
  const sizeBytes = Buffer.byteLength(text, 'utf8');
  if (sizeBytes <= maxBytes) return event;
  const data: TruncatedData = {
    truncated: true,
    originalSizeBytes: sizeBytes,
    originalKind: kindOf(event.data),
    preview: text.slice(0, previewChars),
  };
  return Object.freeze({ ...event, data });
}
