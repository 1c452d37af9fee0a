import { systemClock, type Clock } from '@foundation/core';
import { currentCorrelationId, FoundationError } from '@foundation/errors';
import { checkOptions, inputError, TelemetryErrorCodes } from './codes.js';
import { telemetryChannels } from './diagnostics.js';
import {
  checkEventName,
  checkMeasurements,
  hasPrefix,
  invalidEventName,
  isImmutableMeasurements,
  isImmutableName,
  isValidEventName,
  type EventName,
  type Measurements,
  type Metadata,
} from './event-name.js';
import type { Counter } from './metrics/counter.js';
import { eventMetricName } from './metrics/event-metric-name.js';
import type { Gauge } from './metrics/gauge.js';
import { MetricsRegistry } from './metrics/registry.js';
import { observeOutcome } from './outcome.js';
import {
  childSpan,
  notifySpanEnd,
  notifySpanStart,
  spanObservers,
  spanStorage,
} from './span-context.js';

/** Receives the events it is attached to. Dispatch is synchronous, on the caller's stack. */
export type Handler = (
  eventName: EventName,
  measurements: Measurements,
  metadata: Metadata,
) => void;

/**
 * What happens to a handler that throws: `detach` (the default, the Erlang rule) removes it
 * under its id from every event; `keep` leaves it attached. The failure is reported either way.
 */
export type FailurePolicy = 'detach' | 'keep';

/** Options for {@link Telemetry.attach}. */
export interface AttachOptions {
  /** What to do when the handler throws. Default `detach`. */
  readonly onError?: FailurePolicy;
}

/** One attached handler, as {@link Telemetry.listHandlers} reports it. */
export interface HandlerInfo {
  /** The id it was attached under. */
  readonly id: string;
  /** The event it receives. */
  readonly eventName: EventName;
  /** Its failure policy. */
  readonly onError: FailurePolicy;
}

/** Where telemetry reports failures; a pino logger fits. */
export interface TelemetryLogger {
  /** Logs a warning. */
  warn(obj: object, msg: string): void;
  /** Logs an error. */
  error(obj: object, msg: string): void;
}

/** Options for {@link createTelemetry}. */
export interface TelemetryOptions {
  /** The clock for spans and uptime. Default `systemClock`. */
  readonly clock?: Clock;
  /** Where handler failures (and monitor warnings) are logged. Default: not logged. */
  readonly logger?: TelemetryLogger;
  /** Cap on label combinations per metric. Default 1000. */
  readonly maxSeriesPerMetric?: number;
}

/** The event emitted when a handler throws: metadata `{ handlerId, eventName, error, policy }`. */
export const HANDLER_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'handler', 'failure']);

/** The event emitted the first time a metric overflows its label cap: metadata `{ metric, labels }`. */
export const LABEL_OVERFLOW_EVENT: EventName = Object.freeze([
  'telemetry',
  'metrics',
  'label_overflow',
]);

interface Attached extends HandlerInfo {
  readonly handler: Handler;
}

/** A node of the handler tree: one level per event-name segment. */
interface Node {
  handlers: readonly Attached[];
  readonly children: Map<string, Node>;
}

/** @internal The three event names a span emits. */
export interface SpanNames {
  readonly base: EventName;
  readonly start: EventName;
  readonly stop: EventName;
  readonly exception: EventName;
}

/** @internal Precomputes the names a span of `eventName` emits. */
export function spanNames(eventName: EventName): SpanNames {
  const base = checkEventName(eventName);
  const suffixed = (suffix: string): EventName => Object.freeze([...base, suffix]);
  return {
    base,
    start: suffixed('start'),
    stop: suffixed('stop'),
    exception: suffixed('exception'),
  };
}

const EMPTY: Metadata = Object.freeze({});
const NO_MEASUREMENTS: Measurements = Object.freeze({});
const COUNT_ONE: Measurements = Object.freeze({ count: 1 });
// A cache key no event name can equal: its one segment is a private symbol.
const NO_NAME = [Symbol('no event')] as unknown as EventName;
const NO_HANDLERS: readonly Attached[] = Object.freeze([]);

/** The handlers an immutable event name resolved to, valid while the handler set is unchanged. */
interface Resolution {
  readonly version: number;
  readonly handlers: readonly Attached[];
}

/** True when `name` is an array with the same segments as `cached` (a valid, non-empty name). */
function sameName(name: EventName, cached: EventName): boolean {
  const length = cached.length;
  if (!Array.isArray(name) || name.length !== length) return false;
  for (let i = 0; i < length; i++) if (name[i] !== cached[i]) return false;
  return true;
}
const POLICIES: readonly FailurePolicy[] = ['detach', 'keep'];

/**
 * The :telemetry-style event bus plus a metrics registry. Handlers attach to exact event
 * names; `execute` calls them synchronously, and returns at once when none is attached. A
 * handler that throws never reaches the caller.
 */
export class Telemetry {
  /** The metrics registry of this instance. */
  readonly metrics: MetricsRegistry;
  /** The clock spans are timed with. */
  readonly clock: Clock;
  #logger: TelemetryLogger | undefined;
  readonly #root: Node = { handlers: [], children: new Map() };
  readonly #byId = new Map<string, Attached[]>();
  #attachedCount = 0;
  // The last two names dispatched, validated, with their handlers: each is the caller's array
  // when immutable, else a private copy (never handed out, so never changed; not frozen, as
  // V8 reads frozen arrays' elements several times slower). A name the caller keeps, frozen or
  // not, or writes as a fresh literal, is matched by identity or segment by segment: a caller
  // changing its array afterwards is compared again, so no invalid name slips through.
  #lastName: EventName = NO_NAME;
  #lastHandlers: readonly Attached[] = NO_HANDLERS;
  #otherName: EventName = NO_NAME;
  #otherHandlers: readonly Attached[] = NO_HANDLERS;
  // Immutable names keep their resolution: more than two names taking turns (nested spans)
  // skip validation and the trie walk. Bumping the version on attach and detach makes every
  // kept resolution stale at once.
  readonly #frozenNames = new WeakMap<EventName, Resolution>();
  #version = 0;
  // An immutable measurements object, once checked, is trusted by identity (see #check).
  // Starts as the empty frozen object, which is valid, so no other value passes unchecked.
  #trustedMeasurements: Measurements = NO_MEASUREMENTS;
  // The last measurements object checked, and the last one probed for immutability: an
  // object passed twice in a row is probed once, so fresh objects never pay for the probe.
  #lastMeasurements: unknown = undefined;
  #probedMeasurements: unknown = undefined;
  #reportingFailure = false;
  readonly #spanNameCache = new WeakMap<EventName, SpanNames>();

  /** Creates an isolated instance (see also {@link createTelemetry}). */
  constructor(options: TelemetryOptions = {}) {
    checkOptions('options', options, ['clock', 'logger', 'maxSeriesPerMetric']);
    this.clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.metrics = new MetricsRegistry({
      clock: this.clock,
      ...(options.maxSeriesPerMetric !== undefined && {
        maxSeriesPerMetric: options.maxSeriesPerMetric,
      }),
      onOverflow: (metric, labels) => {
        if (telemetryChannels.labelOverflow.hasSubscribers) {
          telemetryChannels.labelOverflow.publish({ metric, labels });
        }
        this.#logger?.warn({ metric }, 'metric label combinations overflowed the cap');
        this.execute(LABEL_OVERFLOW_EVENT, { count: 1 }, { metric, labels });
      },
    });
  }

  /** The logger failures are reported to, if any. */
  get logger(): TelemetryLogger | undefined {
    return this.#logger;
  }

  /** Sets (or with undefined, removes) the logger failures are reported to. */
  setLogger(logger: TelemetryLogger | undefined): void {
    this.#logger = logger;
  }

  /**
   * Emits an event to the handlers attached to exactly `eventName`. The name and the
   * measurements (finite numbers only) are checked whether or not a handler listens. Names and
   * measurements declared once as frozen constants are the cheapest to repeat.
   *
   * @throws FoundationError `invalid_input` / `type_mismatch` for a bad name or measurement.
   * @example
   * ```ts
   * const ORDER_CREATED = Object.freeze(['shop', 'order', 'created']);
   * telemetry.execute(ORDER_CREATED, { count: 1 }, { orderId });
   * ```
   */
  execute(eventName: EventName, measurements: Measurements, metadata?: Metadata): void {
    // The last name dispatched is matched first: by identity (an immutable name), else segment
    // by segment with its validated copy. Everything else is looked up out of line.
    const last = this.#lastName;
    const handlers =
      eventName === last || sameName(eventName, last)
        ? this.#lastHandlers
        : this.#lookup(eventName);
    // Measurements are checked whether or not a handler listens.
    if (measurements !== this.#trustedMeasurements) {
      checkMeasurements(measurements);
      if (measurements !== this.#lastMeasurements) this.#lastMeasurements = measurements;
      else if (measurements !== this.#probedMeasurements) this.#probe(measurements);
    }
    if (handlers.length !== 0) {
      this.#dispatch(handlers, eventName, measurements, metadata ?? EMPTY);
    }
  }

  /** Trusts `measurements` (checked, and passed twice in a row) from now on if immutable. */
  #probe(measurements: Measurements): void {
    this.#probedMeasurements = measurements;
    if (isImmutableMeasurements(measurements)) this.#trustedMeasurements = measurements;
  }

  #dispatch(
    handlers: readonly Attached[],
    eventName: EventName,
    measurements: Measurements,
    metadata: Metadata,
  ): void {
    for (const attached of handlers) {
      try {
        attached.handler(eventName, measurements, metadata);
      } catch (error) {
        this.#handlerFailed(attached, eventName, error);
      }
    }
  }

  /**
   * Attaches `handler` under `id` to one event.
   *
   * @throws FoundationError `telemetry_handler_exists` when `id` is already attached.
   */
  attach(id: string, eventName: EventName, handler: Handler, options: AttachOptions = {}): void {
    this.attachMany(id, [eventName], handler, options);
  }

  /**
   * Attaches `handler` under `id` to several events at once (all or nothing). Detaching the
   * id removes it from all of them.
   *
   * @throws FoundationError `telemetry_handler_exists` when `id` is already attached.
   */
  attachMany(
    id: string,
    eventNames: readonly EventName[],
    handler: Handler,
    options: AttachOptions = {},
  ): void {
    if (typeof id !== 'string' || id.length === 0) {
      throw inputError('invalid_input', 'id', 'a handler id must be a non-empty string');
    }
    if (typeof handler !== 'function') {
      throw inputError('type_mismatch', 'handler', 'a handler must be a function');
    }
    // null is taken as "no options", as it always was.
    const given = (options as AttachOptions | null) ?? undefined;
    checkOptions('options', given, ['onError']);
    const onError = given?.onError ?? 'detach';
    if (!POLICIES.includes(onError)) {
      throw inputError('invalid_input', 'options.onError', "onError must be 'detach' or 'keep'");
    }
    if (!Array.isArray(eventNames) || eventNames.length === 0) {
      throw inputError('invalid_input', 'eventNames', 'give at least one event name');
    }
    const names = eventNames.map((name, i) => checkEventName(name, `eventNames[${i}]`));
    if (this.#byId.has(id)) {
      throw new FoundationError(
        TelemetryErrorCodes.telemetry_handler_exists,
        `a handler with id '${id}' is already attached`,
        { context: { path: 'id', rule: 'handler ids are unique', id } },
      );
    }
    const unique = new Map(names.map((name) => [name.join('\u0000'), name]));
    const entries = [...unique.values()].map((eventName): Attached =>
      Object.freeze({ id, eventName, onError, handler }),
    );
    for (const entry of entries) {
      const node = this.#node(entry.eventName, true)!;
      node.handlers = [...node.handlers, entry];
    }
    this.#byId.set(id, entries);
    this.#attachedCount += entries.length;
    this.#invalidate();
  }

  /** Detaches the handler attached under `id`; returns whether there was one. */
  detach(id: string): boolean {
    const entries = this.#byId.get(id);
    if (!entries) return false;
    this.#byId.delete(id);
    this.#attachedCount -= entries.length;
    this.#invalidate();
    for (const entry of entries) {
      const node = this.#node(entry.eventName, false)!;
      // A new array each time, so a dispatch in progress keeps its own list.
      node.handlers = node.handlers.filter((h) => h !== entry);
    }
    return true;
  }

  /** The handlers attached to events whose name starts with `prefix` (all of them by default). */
  listHandlers(prefix: EventName = []): HandlerInfo[] {
    if (!Array.isArray(prefix) || prefix.some((s) => typeof s !== 'string')) {
      throw inputError('invalid_input', 'prefix', 'a prefix must be an array of strings');
    }
    const found: HandlerInfo[] = [];
    for (const entries of this.#byId.values()) {
      for (const { id, eventName, onError } of entries) {
        if (hasPrefix(eventName, prefix)) found.push({ id, eventName, onError });
      }
    }
    return found;
  }

  /**
   * Runs `fn` (sync or async) as a span: emits `[...eventName, 'start']`, then `'stop'` with
   * `durationNs`, or `'exception'` with `durationNs` and the error (which is rethrown). Metadata
   * gains `traceId`, `spanId` (W3C: 32 and 16 hex digits), `parentSpanId` (the enclosing span,
   * across `await`, or the caller's from an incoming `traceparent`) and the correlation id
   * of the current ErrorContext. Returns what `fn` returns, unchanged (a promise stays a promise).
   */
  span<T>(eventName: EventName, metadata: Metadata, fn: () => T): T {
    if (!isValidEventName(eventName)) invalidEventName(eventName);
    let names = this.#spanNameCache.get(eventName);
    // The cache is keyed by the array; one changed since it was cached is looked up again.
    if (!names || !sameName(eventName, names.base)) {
      names = spanNames(eventName);
      this.#spanNameCache.set(eventName, names);
    }
    return this.runSpan(names, metadata, fn);
  }

  /** The seed's `measure_event`: {@link Telemetry.span} under its old name. */
  measureEvent<T>(eventName: EventName, metadata: Metadata, fn: () => T): T {
    return this.span(eventName, metadata, fn);
  }

  /**
   * The seed's `emit_counter`: emits `eventName` with `{ count: 1 }` and adds one to the counter
   * named after it (`['http', 'requests']` counts in `http_requests_total`, see
   * {@link eventMetricName}), so the count shows in `getMetrics()` and the Prometheus output.
   * The counter has no labels: metadata goes to the event's handlers only.
   *
   * @throws FoundationError `invalid_input` for a bad name; `telemetry_metric_conflict` when
   *   the metric name is taken by a metric of another kind or with labels.
   */
  emitCounter(eventName: EventName, metadata: Metadata = EMPTY): void {
    const counter = this.#emitted(eventName, 'counter');
    this.execute(eventName, COUNT_ONE, metadata);
    counter.inc();
  }

  /**
   * The seed's `emit_gauge`: emits `eventName` with `{ value }` and sets the gauge named after
   * it (`['queue', 'depth']` sets `queue_depth`, see {@link eventMetricName}) to `value`. The
   * gauge has no labels: metadata goes to the event's handlers only.
   *
   * @throws FoundationError `invalid_input` for a bad name, `type_mismatch` for a value that is
   *   not a finite number; `telemetry_metric_conflict` when the metric name is taken by a
   *   metric of another kind or with labels.
   */
  emitGauge(eventName: EventName, value: number, metadata: Metadata = EMPTY): void {
    const measurements = { value };
    // Checked before the gauge is made, so a refused call leaves no metric behind.
    checkMeasurements(measurements);
    const gauge = this.#emitted(eventName, 'gauge');
    this.execute(eventName, measurements, metadata);
    gauge.set(value);
  }

  /** The metric `emitCounter` / `emitGauge` update for `eventName`, made on first use. */
  #emitted(eventName: EventName, kind: 'counter'): Counter;
  #emitted(eventName: EventName, kind: 'gauge'): Gauge;
  #emitted(eventName: EventName, kind: 'counter' | 'gauge'): Counter | Gauge {
    if (!isValidEventName(eventName)) invalidEventName(eventName);
    const name = eventMetricName(eventName, kind === 'counter' ? '_total' : '');
    // Looked up first, so a repeated call does not build a candidate metric to compare.
    const existing = this.metrics.get(name);
    if (existing?.kind === kind && existing.labelNames.length === 0) {
      return existing;
    }
    const help = `${eventName.join('.')} events (${kind === 'counter' ? 'emitCounter' : 'emitGauge'})`;
    return kind === 'counter'
      ? this.metrics.metric({ kind, name, help })
      : this.metrics.metric({ kind, name, help });
  }

  /** @internal Runs a span with precomputed names (used by `span` and `instrument`). */
  runSpan<T>(names: SpanNames, metadata: Metadata, fn: () => T): T {
    if (typeof fn !== 'function') throw inputError('type_mismatch', 'fn', 'fn must be a function');
    // W3C ids: a child of the current span, or of the trace the flow continues, or a new trace.
    const info = childSpan(names.base);
    const correlationId = currentCorrelationId();
    const meta: Metadata = {
      ...metadata,
      traceId: info.traceId,
      spanId: info.spanId,
      ...(info.parentSpanId !== undefined && { parentSpanId: info.parentSpanId }),
      ...(correlationId !== undefined && { correlationId }),
    };
    const clock = this.clock;
    const startNs = clock.nowNs();
    return spanStorage.run(info, () => {
      this.execute(names.start, { monotonicTimeNs: startNs, systemTimeMs: clock.wallMs() }, meta);
      if (spanObservers.size > 0) notifySpanStart(this, info, meta, clock.wallMs());
      return observeOutcome(
        fn,
        () => {
          const nowNs = clock.nowNs();
          this.execute(names.stop, { durationNs: nowNs - startNs, monotonicTimeNs: nowNs }, meta);
          if (spanObservers.size > 0) notifySpanEnd(this, info, clock.wallMs(), false, undefined);
        },
        (error) => {
          const nowNs = clock.nowNs();
          if (spanObservers.size > 0) notifySpanEnd(this, info, clock.wallMs(), true, error);
          this.execute(
            names.exception,
            { durationNs: nowNs - startNs, monotonicTimeNs: nowNs },
            { ...meta, kind: 'error', error },
          );
        },
      );
    });
  }

  /**
   * Makes `eventName` the last name dispatched and returns its handlers: those of the other
   * recent name, of an immutable name resolved before, or of a name to validate and resolve.
   */
  #lookup(eventName: EventName): readonly Attached[] {
    let name = this.#otherName;
    let handlers = this.#otherHandlers;
    if (eventName !== name && !sameName(eventName, name)) {
      const known = this.#frozenNames.get(eventName);
      if (known?.version === this.#version) {
        name = eventName;
        handlers = known.handlers;
      } else {
        name = this.#validated(eventName);
        handlers = this.#handlersOf(name);
        if (name === eventName) {
          this.#frozenNames.set(name, { version: this.#version, handlers });
        }
      }
    }
    this.#otherName = this.#lastName;
    this.#otherHandlers = this.#lastHandlers;
    this.#lastName = name;
    this.#lastHandlers = handlers;
    return handlers;
  }

  /**
   * `eventName` when it is immutable, or a private copy: a caller changing its array later
   * cannot change what was validated. The copy is checked too, so what is checked is what is
   * kept (an array whose getters answer differently each time cannot slip through).
   */
  #validated(eventName: EventName): EventName {
    if (!isValidEventName(eventName)) invalidEventName(eventName);
    if (isImmutableName(eventName)) return eventName;
    const name = eventName.slice();
    if (!isValidEventName(name)) invalidEventName(name);
    return name;
  }

  /** The handlers attached to exactly `eventName` (a valid name). */
  #handlersOf(eventName: EventName): readonly Attached[] {
    return this.#attachedCount === 0
      ? NO_HANDLERS
      : (this.#node(eventName, false)?.handlers ?? NO_HANDLERS);
  }

  /** Forgets every resolution: the handler set changed. */
  #invalidate(): void {
    this.#lastName = NO_NAME;
    this.#otherName = NO_NAME;
    this.#version++;
  }

  #node(eventName: EventName, create: boolean): Node | undefined {
    let node = this.#root;
    for (const segment of eventName) {
      let child = node.children.get(segment);
      if (!child) {
        if (!create) return undefined;
        child = { handlers: [], children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    return node;
  }

  #handlerFailed(attached: Attached, eventName: EventName, error: unknown): void {
    const { id: handlerId, onError: policy } = attached;
    if (policy === 'detach') this.detach(handlerId);
    if (telemetryChannels.handlerFailed.hasSubscribers) {
      telemetryChannels.handlerFailed.publish({ handlerId, eventName, error, policy });
    }
    try {
      this.#logger?.error(
        { err: error, handlerId, eventName: eventName.join('.'), policy },
        policy === 'detach'
          ? 'telemetry handler failed and was detached'
          : 'telemetry handler failed',
      );
    } catch {
      // A broken logger must not turn a handler failure into a caller failure.
    }
    // A failure while reporting a failure is logged but not reported again, so a kept handler
    // on the failure event that always throws cannot recurse forever.
    if (this.#reportingFailure) return;
    this.#reportingFailure = true;
    try {
      this.execute(HANDLER_FAILURE_EVENT, { count: 1 }, { handlerId, eventName, error, policy });
    } finally {
      this.#reportingFailure = false;
    }
  }
}

/**
 * Creates an isolated telemetry instance (its own handlers and metrics), for tests or libraries.
 *
 * @param options - the clock for spans and uptime (default `systemClock`), the logger handler
 *   failures are reported to (default none) and `maxSeriesPerMetric`, the cap on label
 *   combinations per metric (default 1000)
 * @returns a new instance with no handler attached and an empty metrics registry
 * @throws FoundationError `invalid_input` (3204) when `options` is not an object or has an
 *   unknown field.
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  return new Telemetry(options);
}
