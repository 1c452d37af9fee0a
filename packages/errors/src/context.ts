import { AsyncLocalStorage } from 'node:async_hooks';
import { generateCorrelationId, processWide, systemClock, type Clock } from '@foundation/core';

/** One step recorded on the way to an error: what was being done, and when. */
export interface Breadcrumb {
  /** What happened. */
  readonly message: string;
  /** Wall-clock time, epoch milliseconds. */
  readonly timestampMs: number;
  /** The operation that recorded it. */
  readonly operation: string;
  /** Extra facts. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The context of the current async flow, as {@link currentContext} returns it. */
export interface ErrorContextSnapshot {
  /** The innermost operation's name. */
  readonly operation: string;
  /** Ties everything in this flow together; inherited by child contexts. */
  readonly correlationId: string;
  /** Metadata of this context merged over its parents'. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Recent breadcrumbs of this flow, oldest first (bounded by `maxBreadcrumbs`). */
  readonly breadcrumbs: readonly Breadcrumb[];
  /** Operation names from the outermost to this one. */
  readonly operations: readonly string[];
  /** Monotonic start time of this context, nanoseconds. */
  readonly startedAtNs: number;
}

/** What {@link withContext} takes. */
export interface ContextOptions {
  /** The name of the operation, such as `config.update`. */
  readonly operation: string;
  /** Facts to attach to errors raised inside. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * Use this correlation id instead of inheriting or generating one. A new id starts a new
   * flow, with breadcrumbs of its own.
   */
  readonly correlationId?: string;
  /**
   * The clock for the duration, breadcrumb times and the timestamps of errors created inside;
   * inherited by child contexts. Default: the parent's, else `systemClock`.
   */
  readonly clock?: Clock;
}

/** @internal The state of one context; what AsyncLocalStorage holds. */
export interface Frame {
  readonly operation: string;
  readonly clock: Clock;
  readonly correlationId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly operations: readonly string[];
  readonly startedAtNs: number;
  // Shared with child frames of the same flow (same correlation id) on purpose: a breadcrumb
  // left deep in a flow is visible to an error raised anywhere in that flow.
  readonly trail: Trail;
}

/** The breadcrumbs of one flow, with a frozen copy kept until the next breadcrumb. */
interface Trail {
  readonly items: Breadcrumb[];
  // Errors created between two breadcrumbs share one frozen copy instead of copying each time.
  frozen: readonly Breadcrumb[] | undefined;
}

const NO_BREADCRUMBS: readonly Breadcrumb[] = Object.freeze([]);

/** How many breadcrumbs a flow keeps; older ones are dropped first. */
export const MAX_BREADCRUMBS = 50;

// One per process, shared by every loaded copy (ESM, CJS) of this package: a context entered
// through one copy is the context the other sees.
const storage = /* @__PURE__ */ processWide(
  '@foundation/errors:context',
  1,
  () => new AsyncLocalStorage<Frame>(),
);

/** @internal Starts a frame; used by `withContext`. */
export function enterFrame(options: ContextOptions): Frame {
  const parent = storage.getStore();
  const clock = options.clock ?? parent?.clock ?? systemClock;
  const correlationId = options.correlationId ?? parent?.correlationId ?? generateCorrelationId();
  return {
    operation: options.operation,
    clock,
    correlationId,
    metadata: Object.freeze({ ...parent?.metadata, ...options.metadata }),
    operations: [...(parent?.operations ?? []), options.operation],
    startedAtNs: clock.nowNs(),
    trail:
      parent?.correlationId === correlationId
        ? parent.trail
        : { items: [], frozen: NO_BREADCRUMBS },
  };
}

/** @internal The frame's breadcrumbs as a frozen array, shared until the next breadcrumb. */
export function frozenBreadcrumbs(frame: Frame | undefined): readonly Breadcrumb[] {
  if (!frame) return NO_BREADCRUMBS;
  const { trail } = frame;
  return (trail.frozen ??= Object.freeze(trail.items.slice()));
}

/** @internal The innermost frame of the current async flow, if any. */
export function activeFrame(): Frame | undefined {
  return storage.getStore();
}

/** @internal Runs `fn` inside `frame`. */
export function runInFrame<T>(frame: Frame, fn: () => T): T {
  return storage.run(frame, fn);
}

/**
 * The context of the current async flow, or undefined outside any {@link withContext}.
 *
 * @returns a snapshot of the innermost context (operation, correlation id, merged metadata,
 *   breadcrumbs so far, operation names, start time), or `undefined` outside any context;
 *   later breadcrumbs do not change a snapshot already taken
 */
export function currentContext(): ErrorContextSnapshot | undefined {
  const frame = storage.getStore();
  if (!frame) return undefined;
  return {
    operation: frame.operation,
    correlationId: frame.correlationId,
    metadata: frame.metadata,
    breadcrumbs: frozenBreadcrumbs(frame),
    operations: frame.operations,
    startedAtNs: frame.startedAtNs,
  };
}

/**
 * The current flow's correlation id, or undefined outside any context.
 *
 * @returns the id given to, inherited by or generated for the innermost {@link withContext},
 *   or `undefined` when no context is active
 */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/**
 * Records a breadcrumb in the current flow (does nothing outside a context). Errors created
 * later in the flow carry the most recent {@link MAX_BREADCRUMBS} of them.
 *
 * @param message - what happened, for people (such as `'cache miss'`)
 * @param data - optional facts to record with it; copied (one level deep) and frozen, so
 *   later changes to the object are not seen; omitted from the breadcrumb when absent
 */
export function addBreadcrumb(message: string, data?: Readonly<Record<string, unknown>>): void {
  const frame = storage.getStore();
  if (!frame) return;
  const crumb: Breadcrumb = {
    message,
    timestampMs: frame.clock.wallMs(),
    operation: frame.operation,
    ...(data === undefined ? {} : { data: Object.freeze({ ...data }) }),
  };
  const { trail } = frame;
  trail.items.push(Object.freeze(crumb));
  if (trail.items.length > MAX_BREADCRUMBS) trail.items.shift();
  trail.frozen = undefined;
}

/** @internal Runs `fn` outside any context, so restored errors pick nothing up. */
export function outsideContext<T>(fn: () => T): T {
  return storage.exit(fn);
}
