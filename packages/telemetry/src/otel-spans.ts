import { checkOptions, inputError } from './codes.js';
import { defaultTelemetry } from './default-instance.js';
import type { Metadata } from './event-name.js';
import { spanObservers, type SpanInfo, type SpanObserver } from './span-context.js';
import type { Telemetry } from './telemetry.js';
import { TELEMETRY_VERSION } from './version.js';

/** Attribute values an OpenTelemetry span takes. */
export type SpanAttributeValue = string | number | boolean;

/** An `@opentelemetry/api` span, as the bridge uses it. */
export interface SpanLike {
  /** Records the error of a span that threw. */
  recordException(exception: Error | string): void;
  /** Marks the span failed (`code` 2, `ERROR`). */
  setStatus(status: { code: number; message?: string }): void;
  /** Ends the span at `endTime` (epoch milliseconds). */
  end(endTime?: number): void;
}

/** An `@opentelemetry/api` tracer, as the bridge uses it. */
export interface TracerLike {
  /** Starts a span under `context` (a parent span or a remote span context). */
  startSpan(
    name: string,
    options: { startTime: number; attributes: Record<string, SpanAttributeValue> },
    context: unknown,
  ): SpanLike;
}

/**
 * The parts of the `@opentelemetry/api` module the span bridge calls: pass the module itself
 * (`import * as api from '@opentelemetry/api'`). Spelled out rather than imported, so this
 * package's declarations never name the optional peer.
 */
export interface OpenTelemetryApiLike {
  /** `api.trace`. */
  readonly trace: {
    /** The tracer of an instrumentation scope: its name and version. */
    getTracer(name: string, version?: string): TracerLike;
    /** A context whose active span is `span` (the parent of spans started under it). */
    setSpan(context: unknown, span: SpanLike): unknown;
    /** A context whose parent is a remote span (a caller's `traceparent`). */
    setSpanContext(
      context: unknown,
      spanContext: { traceId: string; spanId: string; traceFlags: number; isRemote: boolean },
    ): unknown;
  };
  /** `api.ROOT_CONTEXT`. */
  readonly ROOT_CONTEXT: unknown;
}

/** Options for {@link bridgeSpansToOpenTelemetry}. */
export interface OpenTelemetrySpanBridgeOptions {
  /** Whose spans to export. Default: the default telemetry instance. */
  readonly telemetry?: Telemetry;
  /** The tracer's (instrumentation scope's) name. Default `@foundation/telemetry`. */
  readonly tracerName?: string;
}

/** A running span export; `stop` detaches it. */
export interface OpenTelemetrySpanBridge {
  /** Stops exporting; spans already started still end in OpenTelemetry. */
  stop(): void;
  /** Same as `stop`, for `using`. */
  [Symbol.dispose](): void;
}

const SPAN_STATUS_ERROR = 2;

function attributesOf(metadata: Metadata, info: SpanInfo): Record<string, SpanAttributeValue> {
  const attributes: Record<string, SpanAttributeValue> = {
    'foundation.trace_id': info.traceId,
    'foundation.span_id': info.spanId,
  };
  for (const [key, value] of Object.entries(metadata)) {
    if (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') continue;
    if (typeof value === 'string' || typeof value === 'boolean') attributes[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = value;
  }
  return attributes;
}

function checkApi(api: unknown): asserts api is OpenTelemetryApiLike {
  const trace = (api as Partial<OpenTelemetryApiLike> | null)?.trace;
  if (
    typeof trace?.getTracer !== 'function' ||
    typeof trace.setSpan !== 'function' ||
    typeof trace.setSpanContext !== 'function'
  ) {
    throw inputError('invalid_input', 'api', 'must be the @opentelemetry/api module');
  }
}

/**
 * Turns a telemetry instance's spans (`span`, `measureEvent`, instrumented functions) into
 * OpenTelemetry spans through `@opentelemetry/api`, when the application has it: each span
 * starts and ends with the Foundation span, named by its event name joined with dots
 * (`['orders', 'create']` → `orders.create`), its metadata's strings, numbers and booleans as
 * attributes, and an exception recorded with status `ERROR`. Parents follow the Foundation
 * spans; a span that continues an incoming trace (`runWithTraceContext`, every request under
 * `@foundation/http`) gets the caller's span as its remote parent, so the OpenTelemetry trace
 * id is the caller's. The OpenTelemetry SDK makes its own span ids (and the trace id of a trace
 * that starts here); each span carries Foundation's as `foundation.trace_id` and
 * `foundation.span_id`, the ids in the log lines. Nothing is done for spans while no bridge is
 * running.
 *
 * @param api - the `@opentelemetry/api` module (`import * as api from '@opentelemetry/api'`)
 * @param options - `telemetry`, whose spans to export (default the default instance), and
 *   `tracerName` (default `@foundation/telemetry`; the scope version is this package's)
 * @returns the running export; `stop` (or dispose it) detaches it
 * @throws FoundationError `invalid_input` when `api` is not the OpenTelemetry API or an option
 *   is unknown.
 */
export function bridgeSpansToOpenTelemetry(
  api: OpenTelemetryApiLike,
  options: OpenTelemetrySpanBridgeOptions = {},
): OpenTelemetrySpanBridge {
  checkApi(api);
  checkOptions('options', options, ['telemetry', 'tracerName']);
  const owner = options.telemetry ?? defaultTelemetry;
  const tracer = api.trace.getTracer(
    options.tracerName ?? '@foundation/telemetry',
    TELEMETRY_VERSION,
  );
  // Spans in progress, by Foundation span id: the parents of the spans started inside them.
  const live = new Map<string, SpanLike>();

  const parentContext = (info: SpanInfo): unknown => {
    if (info.parentSpanId === undefined) return api.ROOT_CONTEXT;
    const parent = live.get(info.parentSpanId);
    if (parent !== undefined) return api.trace.setSpan(api.ROOT_CONTEXT, parent);
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: info.traceId,
      spanId: info.parentSpanId,
      traceFlags: info.sampled ? 1 : 0,
      isRemote: true,
    });
  };

  let stopped = false;
  const observer: SpanObserver = {
    start(spanOwner, info, metadata, startWallMs) {
      if (spanOwner !== owner || stopped) return;
      const span = tracer.startSpan(
        info.eventName.join('.'),
        { startTime: startWallMs, attributes: attributesOf(metadata, info) },
        parentContext(info),
      );
      live.set(info.spanId, span);
    },
    end(spanOwner, info, endWallMs, failed, error) {
      if (spanOwner !== owner) return;
      const span = live.get(info.spanId);
      if (span === undefined) return;
      live.delete(info.spanId);
      if (failed) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SPAN_STATUS_ERROR,
          ...(error instanceof Error && { message: error.message }),
        });
      }
      span.end(endWallMs);
      if (stopped && live.size === 0) spanObservers.delete(observer);
    },
  };
  spanObservers.add(observer);
  const stop = (): void => {
    stopped = true;
    // Spans in progress still end in OpenTelemetry; the observer leaves after the last one.
    if (live.size === 0) spanObservers.delete(observer);
  };
  return { stop, [Symbol.dispose]: stop };
}
