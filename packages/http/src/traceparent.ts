/** A parsed W3C Trace Context `traceparent` header. */
export interface TraceParent {
  /** The format version, two lowercase hex digits (`00` today). */
  readonly version: string;
  /** The trace id: 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** The caller's span id (`parent-id`): 16 lowercase hex digits, not all zero. */
  readonly parentId: string;
  /** The trace flags, two lowercase hex digits. */
  readonly flags: string;
  /** Whether the caller sampled the trace (flag bit 0). */
  readonly sampled: boolean;
}

/** The length of a version-00 `traceparent` value. */
const VERSION_00_LENGTH = 55;
/**
 * Longer values are refused: the specification lets future versions append fields, but an
 * unbounded header would be an unbounded amount of work.
 */
export const MAX_TRACEPARENT_LENGTH = 512;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);

function isLowerHex(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    // 0-9 or a-f only: the specification refuses upper case.
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Parses a `traceparent` header as the W3C Trace Context specification (Level 1 and 2) says:
 * `version-traceid-parentid-flags` in lowercase hex; version `ff` is invalid; version `00` is
 * exactly 55 characters; a later version may append fields after a `-`; an all-zero trace or
 * parent id is invalid. Returns `undefined` for anything invalid (including several headers
 * joined with commas, and values past {@link MAX_TRACEPARENT_LENGTH}), so the caller can
 * start a new trace; it never throws.
 *
 * @param value - the `traceparent` header value; anything but a string (absent, or several
 *   headers as an array) is invalid
 * @returns the version, trace id, parent id, flags and sampled bit, or `undefined` when the
 *   value is invalid
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId;
 * // '4bf92f3577b34da6a3ce929d0e0e4736'
 * ```
 */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const length = value.length;
  if (length < VERSION_00_LENGTH || length > MAX_TRACEPARENT_LENGTH) return undefined;
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  if (!isLowerHex(value, 0, 2) || !isLowerHex(value, 3, 35)) return undefined;
  if (!isLowerHex(value, 36, 52) || !isLowerHex(value, 53, 55)) return undefined;
  const version = value.slice(0, 2);
  if (version === 'ff') return undefined;
  if (version === '00' ? length !== VERSION_00_LENGTH : length > 55 && value[55] !== '-') {
    return undefined;
  }
  const traceId = value.slice(3, 35);
  const parentId = value.slice(36, 52);
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  const flags = value.slice(53, 55);
  return { version, traceId, parentId, flags, sampled: (parseInt(flags, 16) & 1) === 1 };
}
