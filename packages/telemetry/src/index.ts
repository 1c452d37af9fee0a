/**
 * `@foundation/telemetry`: :telemetry-style events and spans with W3C trace context, counters /
 * gauges / histograms with Prometheus output, the standard process metrics under prom-client's
 * names, OpenTelemetry bridges for metrics and spans, function instrumentation, a pino logger
 * that carries the error context, a performance monitor, and a bridge from the other packages'
 * diagnostics channels.
 *
 * Diagnostics channels: `foundation:telemetry:handler-failed`, `foundation:telemetry:label-overflow`,
 * `foundation:telemetry:threshold`.
 *
 * @packageDocumentation
 */
export { TelemetryErrorCodes } from './codes.js';
export {
  isValidEventName,
  MAX_EVENT_NAME_SEGMENTS,
  type EventName,
  type Measurements,
  type Metadata,
} from './event-name.js';
export {
  createTelemetry,
  HANDLER_FAILURE_EVENT,
  LABEL_OVERFLOW_EVENT,
  Telemetry,
  type AttachOptions,
  type FailurePolicy,
  type Handler,
  type HandlerInfo,
  type TelemetryLogger,
  type TelemetryOptions,
} from './telemetry.js';
export {
  currentSpan,
  currentTraceContext,
  currentTraceparent,
  formatTraceparent,
  newSpanId,
  newTraceId,
  runWithTraceContext,
  type SpanInfo,
  type TraceContext,
} from './span-context.js';
export { defaultTelemetry } from './default-instance.js';
export {
  attach,
  attachMany,
  detach,
  emitCounter,
  emitGauge,
  execute,
  getMetrics,
  getMetricsFor,
  listHandlers,
  measureEvent,
  resetMetrics,
  span,
} from './default.js';
export { telemetryChannels } from './diagnostics.js';
export {
  DEFAULT_BUCKETS,
  estimateQuantile,
  exponentialBuckets,
  linearBuckets,
  MAX_BUCKETS,
} from './metrics/buckets.js';
export { Counter, CounterSeries } from './metrics/counter.js';
export { Gauge, GaugeSeries } from './metrics/gauge.js';
export { Histogram, HistogramSeries, type HistogramSink } from './metrics/histogram.js';
export { eventMetricName } from './metrics/event-metric-name.js';
export { OVERFLOW_LABEL_VALUE, type LabelValues, type Labels } from './metrics/labels.js';
export { Metric, type Series } from './metrics/metric.js';
export { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from './metrics/prometheus.js';
export {
  MetricsRegistry,
  type AnyMetric,
  type MetricsRegistryOptions,
  type MetricsSnapshot,
} from './metrics/registry.js';
export type {
  BucketSnapshot,
  CounterSnapshot,
  GaugeSnapshot,
  HistogramOptions,
  HistogramSeriesSnapshot,
  HistogramSnapshot,
  MetricDefinition,
  MetricKind,
  MetricOptions,
  MetricSnapshot,
  ValueSeriesSnapshot,
} from './metrics/types.js';
export {
  bridgeToOpenTelemetry,
  SEMANTIC_CONVENTION_NAMES,
  type InstrumentOptionsLike,
  type MeterLike,
  type MeterProviderLike,
  type ObservableCallbackLike,
  type ObservableInstrumentLike,
  type ObservableResultLike,
  type OpenTelemetryAttributes,
  type OpenTelemetryBridge,
  type OpenTelemetryBridgeOptions,
  type OpenTelemetryNaming,
  type SemanticConventionName,
} from './otel-bridge.js';
export { TELEMETRY_VERSION } from './version.js';
export {
  bridgeSpansToOpenTelemetry,
  type OpenTelemetryApiLike,
  type OpenTelemetrySpanBridge,
  type OpenTelemetrySpanBridgeOptions,
  type SpanAttributeValue,
  type SpanLike,
  type TracerLike,
} from './otel-spans.js';
export {
  instrument,
  instrumented,
  INSTRUMENT_METRICS,
  type InstrumentOptions,
} from './instrument.js';
export {
  MONITOR_SAMPLE_EVENT,
  MONITOR_THRESHOLD_EVENT,
  PerformanceMonitor,
  type GcPauses,
  type PerformanceMonitorOptions,
  type PerformanceSample,
  type PerformanceThresholds,
} from './monitor.js';
export {
  nodeProcessProbe,
  type EventLoopProbe,
  type EventLoopReading,
  type GcKind,
  type MemoryReading,
  type ProcessProbe,
} from './process-probe.js';
export {
  collectProcessMetrics,
  GC_DURATION_BUCKETS,
  type ProcessMetrics,
  type ProcessMetricsOptions,
} from './process-metrics.js';
export { createLogger, REDACTED, type LoggerOptions } from './logger.js';
export {
  bridgeDiagnostics,
  DIAGNOSTICS_MESSAGES_METRIC,
  ERRORS_CREATED_METRIC,
  FOUNDATION_CHANNELS,
  type DiagnosticsBridge,
  type DiagnosticsBridgeOptions,
} from './diagnostics-bridge.js';
export { captureTelemetry, type CapturedEvent, type TelemetryCapture } from './capture.js';
