import { defaultTelemetry } from './default-instance.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { MetricsSnapshot } from './metrics/registry.js';
import type { MetricSnapshot } from './metrics/types.js';
import type { AttachOptions, Handler, HandlerInfo } from './telemetry.js';

// The module-level functions: the default instance's methods, for code that needs no isolation.

/**
 * {@inheritDoc Telemetry.execute}
 *
 * @param eventName - the event's name, such as `['shop', 'order', 'created']`: 1 to 16 non-empty
 *   string segments
 * @param measurements - the event's numeric facts, such as `{ durationNs: 1200 }`; finite
 *   numbers only
 * @param metadata - the event's other facts (ids, names, results). Default none
 */
export function execute(
  eventName: EventName,
  measurements: Measurements,
  metadata?: Metadata,
): void {
  defaultTelemetry.execute(eventName, measurements, metadata);
}

/**
 * {@inheritDoc Telemetry.attach}
 *
 * @param id - the handler's unique id in the default instance, used to detach it
 * @param eventName - the exact event name it receives
 * @param handler - called synchronously, on the emitter's stack, with each event's name,
 *   measurements and metadata
 * @param options - `onError`, what happens when the handler throws (default `detach`)
 */
export function attach(
  id: string,
  eventName: EventName,
  handler: Handler,
  options?: AttachOptions,
): void {
  defaultTelemetry.attach(id, eventName, handler, options);
}

/**
 * {@inheritDoc Telemetry.attachMany}
 *
 * @param id - the handler's unique id in the default instance, used to detach it from all the
 *   events at once
 * @param eventNames - the exact event names it receives
 * @param handler - called synchronously, on the emitter's stack, with each event's name,
 *   measurements and metadata
 * @param options - `onError`, what happens when the handler throws (default `detach`)
 */
export function attachMany(
  id: string,
  eventNames: readonly EventName[],
  handler: Handler,
  options?: AttachOptions,
): void {
  defaultTelemetry.attachMany(id, eventNames, handler, options);
}

/**
 * Detaches the handler attached to the default instance under `id`; returns whether there was
 * one (see {@link Telemetry.detach}).
 *
 * @param id - the id the handler was attached under
 * @returns `true` when a handler was attached under `id` (it is now detached from every event),
 *   `false` when none was
 */
export function detach(id: string): boolean {
  return defaultTelemetry.detach(id);
}

/**
 * The default instance's handlers attached to events whose name starts with `prefix` (all of
 * them by default; see {@link Telemetry.listHandlers}).
 *
 * @param prefix - the leading segments the event names must start with. Default `[]`: every
 *   handler
 * @returns a new array with the id, event name and failure policy of each matching handler,
 *   one entry per attached event
 */
export function listHandlers(prefix?: EventName): HandlerInfo[] {
  return defaultTelemetry.listHandlers(prefix);
}

/**
 * Runs `fn` (sync or async) as a span of the default instance: emits `[...eventName, 'start']`,
 * then `'stop'` with `durationNs`, or `'exception'` with `durationNs` and the error (which is
 * rethrown). Metadata gains `spanId`, `parentSpanId` (the enclosing span, across `await`) and
 * the correlation id of the current ErrorContext (see {@link Telemetry.span}).
 *
 * @param eventName - the span's base name; the events emitted add `start`, `stop` or
 *   `exception` to it
 * @param metadata - facts passed with every event of the span, besides the span ids and the
 *   correlation id added to them
 * @param fn - the work to time, sync or async
 * @returns what `fn` returns, unchanged (a promise stays a promise); an error it throws is
 *   rethrown
 */
export function span<T>(eventName: EventName, metadata: Metadata, fn: () => T): T {
  return defaultTelemetry.span(eventName, metadata, fn);
}

/**
 * The seed's `measure_event`: {@link span} under its old name, on the default instance.
 *
 * @param eventName - the span's base name; the events emitted add `start`, `stop` or
 *   `exception` to it
 * @param metadata - facts passed with every event of the span, besides the span ids and the
 *   correlation id added to them
 * @param fn - the work to time, sync or async
 * @returns what `fn` returns, unchanged (a promise stays a promise); an error it throws is
 *   rethrown
 */
export function measureEvent<T>(eventName: EventName, metadata: Metadata, fn: () => T): T {
  return defaultTelemetry.measureEvent(eventName, metadata, fn);
}

/**
 * {@inheritDoc Telemetry.emitCounter}
 *
 * @param eventName - the event's name, which also names the counter, such as `['shop', 'order', 'created']`: 1 to 16 non-empty
 *   string segments
 * @param metadata - facts for the event's handlers only; the counter has no labels. Default
 *   none
 */
export function emitCounter(eventName: EventName, metadata?: Metadata): void {
  defaultTelemetry.emitCounter(eventName, metadata);
}

/**
 * {@inheritDoc Telemetry.emitGauge}
 *
 * @param eventName - the event's name, which also names the gauge, such as `['shop', 'order', 'created']`: 1 to 16 non-empty
 *   string segments
 * @param value - the gauge's new value, a finite number, also emitted as `{ value }`
 * @param metadata - facts for the event's handlers only; the gauge has no labels. Default
 *   none
 */
export function emitGauge(eventName: EventName, value: number, metadata?: Metadata): void {
  defaultTelemetry.emitGauge(eventName, value, metadata);
}

/**
 * The default instance's uptime and metrics (see `MetricsRegistry.getMetrics`).
 *
 * @returns a snapshot: uptime and wall-clock time in milliseconds, and every metric in creation
 *   order
 */
export function getMetrics(): MetricsSnapshot {
  return defaultTelemetry.metrics.getMetrics();
}

/**
 * The default instance's metrics whose name starts with `prefix`.
 *
 * @param prefix - the start of the metric names wanted, such as `'http_'`; `''` matches all
 * @returns a snapshot of each matching metric, in creation order; empty when none matches
 */
export function getMetricsFor(prefix: string): MetricSnapshot[] {
  return defaultTelemetry.metrics.getMetricsFor(prefix);
}

/** Zeroes the default instance's metrics. */
export function resetMetrics(): void {
  defaultTelemetry.metrics.resetMetrics();
}
