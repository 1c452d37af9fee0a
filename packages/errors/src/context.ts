import { AsyncLocalStorage } from 'node:async_hooks';
import { generateCorrelationId, systemClock } from '@foundation/core';

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
  /** Use this correlation id instead of inheriting or generating one. */
  readonly correlationId?: string;
}

interface Frame {
  readonly operation: string;
  readonly correlationId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly operations: readonly string[];
  readonly startedAtNs: number;
  // Shared with child frames on purpose: a breadcrumb left deep in a flow is visible to an
  // error raised anywhere in that flow.
  readonly breadcrumbs: Breadcrumb[];
}

/** How many breadcrumbs a flow keeps; older ones are dropped first. */
export const MAX_BREADCRUMBS = 50;

const storage = new AsyncLocalStorage<Frame>();

/** @internal Starts a frame; used by `withContext`. */
export function enterFrame(options: ContextOptions): Frame {
  const parent = storage.getStore();
  return {
    operation: options.operation,
    correlationId: options.correlationId ?? parent?.correlationId ?? generateCorrelationId(),
    metadata: Object.freeze({ ...parent?.metadata, ...options.metadata }),
    operations: [...(parent?.operations ?? []), options.operation],
    startedAtNs: systemClock.nowNs(),
    breadcrumbs: parent ? parent.breadcrumbs : [],
  };
}

/** @internal Runs `fn` inside `frame`. */
export function runInFrame<T>(frame: Frame, fn: () => T): T {
  return storage.run(frame, fn);
}

/** The context of the current async flow, or undefined outside any {@link withContext}. */
export function currentContext(): ErrorContextSnapshot | undefined {
  const frame = storage.getStore();
  if (!frame) return undefined;
  return {
    operation: frame.operation,
    correlationId: frame.correlationId,
    metadata: frame.metadata,
    breadcrumbs: frame.breadcrumbs.slice(),
    operations: frame.operations,
    startedAtNs: frame.startedAtNs,
  };
}

/** The current flow's correlation id, or undefined outside any context. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/**
 * Records a breadcrumb in the current flow (does nothing outside a context). Errors created
 * later in the flow carry the most recent {@link MAX_BREADCRUMBS} of them.
 */
export function addBreadcrumb(message: string, data?: Readonly<Record<string, unknown>>): void {
  const frame = storage.getStore();
  if (!frame) return;
  const crumb: Breadcrumb = {
    message,
    timestampMs: Date.now(),
    operation: frame.operation,
    ...(data === undefined ? {} : { data: Object.freeze({ ...data }) }),
  };
  frame.breadcrumbs.push(Object.freeze(crumb));
  if (frame.breadcrumbs.length > MAX_BREADCRUMBS) frame.breadcrumbs.shift();
}

/** @internal Runs `fn` outside any context, so restored errors pick nothing up. */
export function outsideContext<T>(fn: () => T): T {
  return storage.exit(fn);
}
