import { invalidInput } from '../invalid.js';
import { MAX_ID_LENGTH } from '../event-shape.js';
import type { StorePosition } from './types.js';

const CURSOR_VERSION = 1;

/** An opaque, URL-safe cursor for the page after `position` in `order`. */
export function encodeCursor(position: StorePosition, order: 'asc' | 'desc'): string {
  return Buffer.from(
    JSON.stringify([CURSOR_VERSION, order, position.wallTime, position.id]),
  ).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor} for a query in `order`.
 *
 * @throws FoundationError 3204 invalid_input (path `query.cursor`) for anything else.
 */
export function decodeCursor(cursor: unknown, order: 'asc' | 'desc'): StorePosition {
  const refuse = (rule: string) => invalidInput('query.cursor', rule);
  if (typeof cursor !== 'string' || cursor.length > 4 * MAX_ID_LENGTH) {
    throw refuse('expected a cursor from a previous page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('expected a cursor from a previous page');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    parsed[0] !== CURSOR_VERSION ||
    (parsed[1] !== 'asc' && parsed[1] !== 'desc') ||
    typeof parsed[2] !== 'number' ||
    typeof parsed[3] !== 'string'
  ) {
    throw refuse('expected a cursor from a previous page');
  }
  if (parsed[1] !== order) throw refuse(`cursor was made for order '${parsed[1]}'`);
  return { wallTime: parsed[2], id: parsed[3] };
}
