import { defaultTelemetry } from './default-instance.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { MetricsSnapshot } from './metrics/registry.js';
import type { MetricSnapshot } from './metrics/types.js';
import type { AttachOptions, Handler, HandlerInfo } from './telemetry.js';

// The module-level functions: the default instance's methods, for code that needs no isolation.

/** {@inheritDoc Telemetry.execute} */
export function execute(
  eventName: EventName,
  measurements: Measurements,
  metadata?: Metadata,
): void {
  defaultTelemetry.execute(eventName, measurements, metadata);
}

/** {@inheritDoc Telemetry.attach} */
export function attach(
  id: string,
  eventName: EventName,
  handler: Handler,
  options?: AttachOptions,
): void {
  defaultTelemetry.attach(id, eventName, handler, options);
}

/** {@inheritDoc Telemetry.attachMany} */
export function attachMany(
  id: string,
  eventNames: readonly EventName[],
  handler: Handler,
  options?: AttachOptions,
): void {
  defaultTelemetry.attachMany(id, eventNames, handler, options);
}

/** {@inheritDoc Telemetry.detach} */
export function detach(id: string): boolean {
  return defaultTelemetry.detach(id);
}

/** {@inheritDoc Telemetry.listHandlers} */
export function listHandlers(prefix?: EventName): HandlerInfo[] {
  return defaultTelemetry.listHandlers(prefix);
}

/** {@inheritDoc Telemetry.span} */
export function span<T>(eventName: EventName, metadata: Metadata, fn: () => T): T {
  return defaultTelemetry.span(eventName, metadata, fn);
}

/** {@inheritDoc Telemetry.measureEvent} */
export function measureEvent<T>(eventName: EventName, metadata: Metadata, fn: () => T): T {
  return defaultTelemetry.measureEvent(eventName, metadata, fn);
}

/** {@inheritDoc Telemetry.emitCounter} */
export function emitCounter(eventName: EventName, metadata?: Metadata): void {
  defaultTelemetry.emitCounter(eventName, metadata);
}

/** {@inheritDoc Telemetry.emitGauge} */
export function emitGauge(eventName: EventName, value: number, metadata?: Metadata): void {
  defaultTelemetry.emitGauge(eventName, value, metadata);
}

/** The default instance's uptime and metrics (see `MetricsRegistry.getMetrics`). */
export function getMetrics(): MetricsSnapshot {
  return defaultTelemetry.metrics.getMetrics();
}

/** The default instance's metrics whose name starts with `prefix`. */
export function getMetricsFor(prefix: string): MetricSnapshot[] {
  return defaultTelemetry.metrics.getMetricsFor(prefix);
}

/** Zeroes the default instance's metrics. */
export function resetMetrics(): void {
  defaultTelemetry.metrics.resetMetrics();
}
