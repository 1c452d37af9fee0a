import { isDeepStrictEqual } from 'node:util';
import { generateId, systemClock } from '@foundation/core';
import { createEvent, type CreateEventOptions, type FoundationEvent } from './event.js';

/** Data of a `function.entry` event. */
export interface FunctionEntryData {
  /** Ties the entry to its exit. */
  readonly callId: string;
  /** The module (file, class or namespace) the function belongs to. */
  readonly module: string;
  /** The function's name. */
  readonly function: string;
  /** How many arguments were passed. */
  readonly arity: number;
  /** The arguments, when recorded. */
  readonly args: readonly unknown[];
}

/** Data of a `function.exit` event. */
export interface FunctionExitData {
  /** The `callId` of the matching entry. */
  readonly callId: string;
  /** The module, as in the entry. */
  readonly module: string;
  /** The function's name, as in the entry. */
  readonly function: string;
  /** Monotonic time from entry to exit, nanoseconds. */
  readonly durationNs: number;
  /** `normal` when the function returned, `error` when it threw. */
  readonly exitReason: 'normal' | 'error';
  /** What it returned (normal exit). */
  readonly result?: unknown;
  /** What it threw (error exit). */
  readonly error?: unknown;
}

/** What a function was called with, for {@link functionEntry}. */
export interface FunctionCall {
  /** The module (file, class or namespace). */
  readonly module: string;
  /** The function's name. */
  readonly function: string;
  /** The arguments; leave out to record only their count. */
  readonly args?: readonly unknown[];
  /** The argument count when `args` is left out. Default `args.length`, else 0. */
  readonly arity?: number;
}

/**
 * A `function.entry` event (the seed's `function_entry`). Pair it with {@link functionExit},
 * which measures the duration from this event's monotonic timestamp.
 *
 * @param call - the function's module and name, and its arguments (or only their count when
 *   `args` is left out, then `args` is recorded as empty)
 * @param options - passed to {@link createEvent}: correlation, causation, source, clock
 * @returns a frozen `function.entry` event with a new `callId` to give to {@link functionExit}
 */
export function functionEntry(
  call: FunctionCall,
  options: CreateEventOptions = {},
): FoundationEvent<'function.entry', FunctionEntryData> {
  const args = call.args ?? [];
  return createEvent(
    'function.entry',
    {
      callId: generateId(),
      module: call.module,
      function: call.function,
      arity: call.arity ?? args.length,
      args,
    },
    options,
  );
}

/** How a call ended, for {@link functionExit}. */
export type FunctionOutcome =
  | { readonly result?: unknown; readonly error?: undefined; readonly durationNs?: number }
  | { readonly error: unknown; readonly durationNs?: number };

/**
 * The `function.exit` event matching `entry`: same correlation, caused by the entry, with the
 * duration in nanoseconds (measured on `options.clock` from the entry's `timestampNs` unless
 * given) and the result or the error.
 *
 * @param entry - the `function.entry` event from {@link functionEntry} for the same call
 * @param outcome - what the call returned, or what it threw (an `error` other than `undefined`
 *   makes the exit reason `error`); `durationNs` overrides the measured duration
 * @param options - passed to {@link createEvent}; fields given here win over the correlation,
 *   causation and parent taken from `entry`
 * @returns a frozen `function.exit` event with the entry's `callId`, module and function name
 */
export function functionExit(
  entry: FoundationEvent<'function.entry', FunctionEntryData>,
  outcome: FunctionOutcome,
  options: CreateEventOptions = {},
): FoundationEvent<'function.exit', FunctionExitData> {
  const clock = options.clock ?? systemClock;
  const failed = 'error' in outcome && outcome.error !== undefined;
  const data: FunctionExitData = {
    callId: entry.data.callId,
    module: entry.data.module,
    function: entry.data.function,
    durationNs: outcome.durationNs ?? Math.max(0, clock.nowNs() - entry.timestampNs),
    exitReason: failed ? 'error' : 'normal',
    ...(failed ? { error: outcome.error } : { result: (outcome as { result?: unknown }).result }),
  };
  return createEvent('function.exit', data, {
    correlationId: entry.correlationId,
    causationId: entry.id,
    ...(entry.parentId !== undefined && { parentId: entry.parentId }),
    ...options,
  });
}

/** One difference between two states. */
export interface StateDiffEntry {
  /** Where, such as `user.name` or `items[2]` (`$` for the whole state). */
  readonly path: string;
  /** What happened there. */
  readonly kind: 'added' | 'removed' | 'changed';
  /** The old value (changed, removed). */
  readonly before?: unknown;
  /** The new value (added, changed). */
  readonly after?: unknown;
}

function isContainer(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function childPath(path: string, key: string, array: boolean): string {
  if (array) return `${path === '$' ? '' : path}[${key}]`;
  return path === '$' ? key : `${path}.${key}`;
}

function diffInto(
  out: StateDiffEntry[],
  before: unknown,
  after: unknown,
  path: string,
  depth: number,
): void {
  if (Object.is(before, after)) return;
  if (
    depth > 0 &&
    isContainer(before) &&
    isContainer(after) &&
    Array.isArray(before) === Array.isArray(after)
  ) {
    const array = Array.isArray(before);
    for (const key of Object.keys(before)) {
      const at = childPath(path, key, array);
      if (!Object.hasOwn(after, key)) out.push({ path: at, kind: 'removed', before: before[key] });
      else diffInto(out, before[key], after[key], at, depth - 1);
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key)) {
        out.push({ path: childPath(path, key, array), kind: 'added', after: after[key] });
      }
    }
    return;
  }
  if (!isDeepStrictEqual(before, after)) out.push({ path, kind: 'changed', before, after });
}

/**
 * The differences between two states: plain objects and arrays are compared key by key (down
 * to `maxDepth` levels), anything else by deep equality. Empty when nothing changed.
 *
 * @example
 * ```ts
 * diffState({ n: 1, tags: ['a'] }, { n: 2, tags: ['a', 'b'] });
 * // [{ path: 'n', kind: 'changed', before: 1, after: 2 }, { path: 'tags[1]', kind: 'added', after: 'b' }]
 * ```
 *
 * @param before - the old state
 * @param after - the new state
 * @param maxDepth - how many levels of nested objects and arrays are compared key by key;
 *   deeper values are compared whole, by deep equality. Default 8
 * @returns a new array of differences, each with its path (`'$'` for the whole state), kind and
 *   the old and/or new value, in key order; empty when the states are equal
 */
export function diffState(before: unknown, after: unknown, maxDepth = 8): StateDiffEntry[] {
  const out: StateDiffEntry[] = [];
  diffInto(out, before, after, '$', maxDepth);
  return out;
}

/** Data of a `state.change` event. */
export interface StateChangeData<TState> {
  /** The component whose state changed (a service or process name). */
  readonly component: string;
  /** What changed it, such as the handler or message name. */
  readonly callback: string;
  /** The state before. */
  readonly oldState: TState;
  /** The state after. */
  readonly newState: TState;
  /** What differs, from {@link diffState}. */
  readonly diff: readonly StateDiffEntry[];
}

/**
 * A `state.change` event (the seed's `state_change`), with the diff computed.
 *
 * @param component - the component whose state changed, such as a service or process name
 * @param callback - what changed it, such as the handler or message name
 * @param oldState - the state before, recorded as given
 * @param newState - the state after, recorded as given
 * @param options - passed to {@link createEvent}: correlation, causation, source, clock
 * @returns a frozen `state.change` event whose data holds both states and their
 *   {@link diffState} diff (default depth)
 */
export function stateChange<TState>(
  component: string,
  callback: string,
  oldState: TState,
  newState: TState,
  options: CreateEventOptions = {},
): FoundationEvent<'state.change', StateChangeData<TState>> {
  return createEvent(
    'state.change',
    { component, callback, oldState, newState, diff: diffState(oldState, newState) },
    options,
  );
}
