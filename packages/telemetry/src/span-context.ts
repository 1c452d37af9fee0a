import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import { inputError } from './codes.js';
import type { EventName, Metadata } from './event-name.js';

/**
 * A W3C Trace Context position: the trace, the span that is the parent of what runs next, and
 * whether the trace is sampled. What a `traceparent` header carries.
 */
export interface TraceContext {
  /** The trace id: 32 lowercase hex digits (16 bytes), not all zero. */
  readonly traceId: string;
  /** The span id: 16 lowercase hex digits (8 bytes), not all zero. */
  readonly spanId: string;
  /** Whether the trace is sampled (the `traceparent` flag `01`). */
  readonly sampled: boolean;
}

/** The span the current async flow runs in, as {@link currentSpan} returns it. */
export interface SpanInfo extends TraceContext {
  /** The enclosing span's id (local, or the remote caller's), when there is one. */
  readonly parentSpanId: string | undefined;
  /** The span's event name (without the `start` / `stop` / `exception` suffix). */
  readonly eventName: EventName;
}

/** @internal The storage that carries spans through async calls. */
export const spanStorage = new AsyncLocalStorage<SpanInfo>();
/** The trace context a flow continues outside any local span (an incoming request's). */
const traceStorage = new AsyncLocalStorage<TraceContext>();

// Random bytes are drawn 4 KiB at a time: one syscall per 512 span ids instead of one each.
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

function randomHex(bytes: number, zero: string): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  // All zeros is invalid in W3C Trace Context; one chance in 2^64 or 2^128.
  return hex === zero ? randomHex(bytes, zero) : hex;
}

/**
 * A new W3C trace id.
 *
 * @returns 32 random lowercase hex digits, never all zero
 */
export function newTraceId(): string {
  return randomHex(16, ZERO_TRACE_ID);
}

/**
 * A new W3C span id.
 *
 * @returns 16 random lowercase hex digits, never all zero
 */
export function newSpanId(): string {
  return randomHex(8, ZERO_SPAN_ID);
}

function isHexId(value: unknown, length: number, zero: string): boolean {
  return (
    typeof value === 'string' &&
    value.length === length &&
    value !== zero &&
    /^[0-9a-f]+$/.test(value)
  );
}

/**
 * @internal The span a `span()` call opens: a child of the current span, else of the trace
 * context the flow continues (an incoming request's), else the root of a new trace.
 */
export function childSpan(eventName: EventName): SpanInfo {
  const parent = spanStorage.getStore() ?? traceStorage.getStore();
  return {
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    parentSpanId: parent?.spanId,
    sampled: parent?.sampled ?? true,
    eventName,
  };
}

/**
 * Runs `fn` continuing a trace: spans opened inside (and across its `await`s) belong to
 * `context.traceId` with `context.spanId` as their parent, and {@link currentTraceparent}
 * returns it while no span is open. For a server: the caller's `traceparent`, or the server
 * span's own context (what `@foundation/http` does for every request).
 *
 * @param context - the trace id (32 hex), the parent span id (16 hex) and the sampled flag
 * @param fn - what runs in the trace
 * @returns what `fn` returns
 * @throws FoundationError `invalid_input` (naming `context.traceId` or `context.spanId`) for an
 *   id that is not lowercase hex of the right length, or all zero.
 */
export function runWithTraceContext<T>(context: TraceContext, fn: () => T): T {
  if (!isHexId(context.traceId, 32, ZERO_TRACE_ID)) {
    throw inputError('invalid_input', 'context.traceId', '32 lowercase hex digits, not all zero');
  }
  if (!isHexId(context.spanId, 16, ZERO_SPAN_ID)) {
    throw inputError('invalid_input', 'context.spanId', '16 lowercase hex digits, not all zero');
  }
  const trace: TraceContext = {
    traceId: context.traceId,
    spanId: context.spanId,
    sampled: context.sampled,
  };
  // Leave any local span: what runs here hangs off the given context.
  return spanStorage.run(undefined as unknown as SpanInfo, () => traceStorage.run(trace, fn));
}

/**
 * The innermost span of the current async flow, or undefined outside any span.
 *
 * @returns the span's trace and span ids, its parent's id and its event name, or `undefined`
 *   when the code does not run inside a span (`span`, `measureEvent` or an instrumented
 *   function)
 */
export function currentSpan(): SpanInfo | undefined {
  return spanStorage.getStore();
}

/**
 * The trace position of the current async flow: the innermost span, else the trace context
 * it continues ({@link runWithTraceContext}).
 *
 * @returns the trace id, span id and sampled flag, or `undefined` outside any trace
 */
export function currentTraceContext(): TraceContext | undefined {
  return spanStorage.getStore() ?? traceStorage.getStore();
}

/**
 * Formats a W3C `traceparent` header value (version `00`).
 *
 * @param context - the trace id, the span id (the callee's parent) and the sampled flag
 * @returns `00-<trace id>-<span id>-<01 | 00>`
 */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;
}

/**
 * The `traceparent` header for an outgoing call made now, so the callee continues this trace
 * under the current span.
 *
 * @returns the header value, or `undefined` outside any trace
 * @example
 * ```ts
 * const traceparent = currentTraceparent();
 * await fetch(url, { headers: traceparent === undefined ? {} : { traceparent } });
 * ```
 */
export function currentTraceparent(): string | undefined {
  const context = currentTraceContext();
  return context === undefined ? undefined : formatTraceparent(context);
}

/** @internal Told when a span starts and ends (the OpenTelemetry span bridge). */
export interface SpanObserver {
  /** A span of `owner` started at `startWallMs` (epoch ms) with this metadata. */
  start(owner: object, info: SpanInfo, metadata: Metadata, startWallMs: number): void;
  /** The span ended at `endWallMs`; `failed` with `error` when it threw or rejected. */
  end(owner: object, info: SpanInfo, endWallMs: number, failed: boolean, error: unknown): void;
}

/** @internal The observers; `span()` asks for its size only, so none costs nothing. */
export const spanObservers = new Set<SpanObserver>();

/** @internal Tells the observers a span started; an observer that throws is skipped. */
export function notifySpanStart(
  owner: object,
  info: SpanInfo,
  metadata: Metadata,
  startWallMs: number,
): void {
  for (const observer of spanObservers) {
    try {
      observer.start(owner, info, metadata, startWallMs);
    } catch {
      // An exporter's failure never breaks the traced code.
    }
  }
}

/** @internal Tells the observers a span ended; an observer that throws is skipped. */
export function notifySpanEnd(
  owner: object,
  info: SpanInfo,
  endWallMs: number,
  failed: boolean,
  error: unknown,
): void {
  for (const observer of spanObservers) {
    try {
      observer.end(owner, info, endWallMs, failed, error);
    } catch {
      // An exporter's failure never breaks the traced code.
    }
  }
}
