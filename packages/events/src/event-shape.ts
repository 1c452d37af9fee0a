import type { FoundationEvent } from './event.js';

/** Longest id (event, correlation, causation, parent) accepted, in characters. */
export const MAX_ID_LENGTH = 128;
/** Longest event type accepted, in characters. */
export const MAX_TYPE_LENGTH = 256;

/** Where an event's shape is wrong, and which rule it breaks. */
export interface ShapeProblem {
  /** The field, such as `source.pid`. */
  readonly path: string;
  /** The rule broken. */
  readonly rule: string;
}

function idProblem(value: unknown, path: string, max: number): ShapeProblem | undefined {
  if (typeof value !== 'string') return { path, rule: `expected a string, got ${kindOf(value)}` };
  if (value.length === 0 || value.length > max) {
    return { path, rule: `must have 1 to ${max} characters` };
  }
  return undefined;
}

function optionalIdProblem(value: unknown, path: string): ShapeProblem | undefined {
  return value === undefined ? undefined : idProblem(value, path, MAX_ID_LENGTH);
}

/** The largest distance from the epoch a `Date` can hold, in ms (±100 000 000 days). */
export const MAX_DATE_MS = 8.64e15;

// Times outside these ranges cannot be real (a Date cannot hold the wall time, a monotonic
// clock does not go below zero), and an event carrying one would never age out of a store.
function timeProblem(
  value: unknown,
  path: string,
  min: number,
  max: number,
): ShapeProblem | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { path, rule: 'expected a finite number' };
  }
  if (value < min || value > max) return { path, rule: `must be between ${min} and ${max}` };
  return undefined;
}

/** `typeof`, but telling null and arrays apart. */
export function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function sourceProblem(value: unknown): ShapeProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { path: 'source', rule: `expected an object, got ${kindOf(value)}` };
  }
  const source = value as Record<string, unknown>;
  if (typeof source.service !== 'string') {
    return { path: 'source.service', rule: `expected a string, got ${kindOf(source.service)}` };
  }
  if (typeof source.host !== 'string') {
    return { path: 'source.host', rule: `expected a string, got ${kindOf(source.host)}` };
  }
  const pid = source.pid;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 0) {
    return { path: 'source.pid', rule: 'expected a non-negative integer' };
  }
  return undefined;
}

/**
 * Checks that `value` has the shape of a {@link FoundationEvent} (types and lengths of every
 * field; `data` is not looked into). Returns the first problem, or undefined when it conforms.
 *
 * @param value - anything, typically a parsed payload received from outside the process
 * @returns the first problem found, as the field's path (`'$'` for the value itself, such as
 *   `'source.pid'`) and the rule it breaks, or `undefined` when the value is a well-formed event
 */
export function findShapeProblem(value: unknown): ShapeProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { path: '$', rule: `expected an event object, got ${kindOf(value)}` };
  }
  const event = value as Record<string, unknown>;
  const problem =
    idProblem(event.id, 'id', MAX_ID_LENGTH) ??
    idProblem(event.type, 'type', MAX_TYPE_LENGTH) ??
    timeProblem(event.timestampNs, 'timestampNs', 0, Number.MAX_SAFE_INTEGER) ??
    timeProblem(event.wallTime, 'wallTime', -MAX_DATE_MS, MAX_DATE_MS) ??
    idProblem(event.correlationId, 'correlationId', MAX_ID_LENGTH) ??
    optionalIdProblem(event.causationId, 'causationId') ??
    optionalIdProblem(event.parentId, 'parentId') ??
    sourceProblem(event.source);
  if (problem) return problem;
  return 'data' in event ? undefined : { path: 'data', rule: 'missing' };
}

/**
 * True when `value` has the shape of a {@link FoundationEvent}.
 *
 * @param value - anything, typically a parsed payload received from outside the process
 * @returns `true` when {@link findShapeProblem} finds no problem (then `value` is narrowed to
 *   a {@link FoundationEvent}), `false` otherwise; `data` is not looked into
 */
export function isFoundationEvent(value: unknown): value is FoundationEvent {
  return findShapeProblem(value) === undefined;
}
