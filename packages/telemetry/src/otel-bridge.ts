import { checkOptions, inputError } from './codes.js';
import { defaultTelemetry } from './default-instance.js';
import type { AnyMetric } from './metrics/registry.js';
import type { Telemetry } from './telemetry.js';
import { TELEMETRY_VERSION } from './version.js';

/** Attributes of one OpenTelemetry data point. */
export type OpenTelemetryAttributes = Readonly<Record<string, string>>;

/** What an observable instrument hands its callbacks at a collection. */
export interface ObservableResultLike {
  /** Reports one series' value with its attributes. */
  observe(value: number, attributes: OpenTelemetryAttributes): void;
}

/** A callback an observable instrument calls at each collection. */
export type ObservableCallbackLike = (result: ObservableResultLike) => void;

/** An observable counter or gauge as the bridge uses it; OpenTelemetry's observables fit it. */
export interface ObservableInstrumentLike {
  /** Adds a callback that reports series at each collection. */
  addCallback(callback: ObservableCallbackLike): void;
  /** Removes a callback added with `addCallback`. */
  removeCallback(callback: ObservableCallbackLike): void;
}

/** The options the bridge gives every instrument it creates. */
export interface InstrumentOptionsLike {
  /** The metric's help text. */
  readonly description: string;
  /** The UCUM unit (`s`, `By`, `1`), or '' when the name says none. */
  readonly unit: string;
}

/**
 * An `@opentelemetry/api` `Meter`, as the few methods the bridge calls. Spelled out rather than
 * imported, so this package's declarations never name the optional peer.
 */
export interface MeterLike {
  /** Creates the histogram a Foundation histogram forwards each value to. */
  createHistogram(
    name: string,
    options: InstrumentOptionsLike & { advice: { explicitBucketBoundaries: number[] } },
  ): {
    /** Records one value with the attributes of its series. */
    record(value: number, attributes: OpenTelemetryAttributes): void;
  };
  /** Creates the observable counter a Foundation counter is read through. */
  createObservableCounter(name: string, options: InstrumentOptionsLike): ObservableInstrumentLike;
  /** Creates the observable gauge a Foundation gauge is read through. */
  createObservableGauge(name: string, options: InstrumentOptionsLike): ObservableInstrumentLike;
}

/** An `@opentelemetry/api` `MeterProvider` (the SDK's fits), as the bridge uses it. */
export interface MeterProviderLike {
  /** Returns the meter of an instrumentation scope: its name and version. */
  getMeter(name: string, version?: string): MeterLike;
}

/** Which names the exported instruments carry. */
export type OpenTelemetryNaming = 'semantic-conventions' | 'foundation';

/** Options for {@link bridgeToOpenTelemetry}. */
export interface OpenTelemetryBridgeOptions {
  /** Whose metrics to export. Default: the default telemetry instance. */
  readonly telemetry?: Telemetry;
  /** The meter's (instrumentation scope's) name. Default `@foundation/telemetry`. */
  readonly meterName?: string;
  /**
   * `semantic-conventions` (the default): metrics that have an OpenTelemetry semantic-convention
   * counterpart are exported under its name and attribute names (see
   * {@link SEMANTIC_CONVENTION_NAMES}); `foundation`: every metric under its own name.
   */
  readonly naming?: OpenTelemetryNaming;
}

/** A running OpenTelemetry export; `stop` detaches it. */
export interface OpenTelemetryBridge {
  /** Stops exporting (observable callbacks removed, histograms no longer forwarded). */
  stop(): void;
  /** Same as `stop`, for `using`. */
  [Symbol.dispose](): void;
}

/** How one Foundation metric is exported under the OpenTelemetry semantic conventions. */
export interface SemanticConventionName {
  /** The OpenTelemetry instrument name. */
  readonly name: string;
  /** The UCUM unit. */
  readonly unit: string;
  /** Foundation label name -> OpenTelemetry attribute name. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Attributes every point gets (several Foundation metrics feeding one instrument). */
  readonly constant?: OpenTelemetryAttributes;
}

const lag = (stat: string): [string, SemanticConventionName] => [
  `nodejs_eventloop_lag_${stat}_seconds`,
  { name: `nodejs.eventloop.delay.${stat}`, unit: 's' },
];
const heapSpace = { space: 'v8js.heap.space.name' };

/**
 * The Foundation (prom-client) metric names that have an OpenTelemetry semantic-convention
 * counterpart (the `nodejs.*`, `v8js.*`, `process.*` and `http.*` conventions), with its unit
 * and attribute names.
 */
export const SEMANTIC_CONVENTION_NAMES: ReadonlyMap<string, SemanticConventionName> = new Map([
  ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map(lag),
  [
    'foundation_process_event_loop_utilization_ratio',
    { name: 'nodejs.eventloop.utilization', unit: '1' },
  ],
  [
    'nodejs_gc_duration_seconds',
    { name: 'v8js.gc.duration', unit: 's', attributes: { kind: 'v8js.gc.type' } },
  ],
  [
    'nodejs_heap_space_size_used_bytes',
    { name: 'v8js.memory.heap.used', unit: 'By', attributes: heapSpace },
  ],
  [
    'nodejs_heap_space_size_total_bytes',
    { name: 'v8js.memory.heap.limit', unit: 'By', attributes: heapSpace },
  ],
  [
    'nodejs_heap_space_size_available_bytes',
    { name: 'v8js.memory.heap.space.available_size', unit: 'By', attributes: heapSpace },
  ],
  ['process_resident_memory_bytes', { name: 'process.memory.usage', unit: 'By' }],
  ['process_virtual_memory_bytes', { name: 'process.memory.virtual', unit: 'By' }],
  [
    'process_cpu_user_seconds_total',
    { name: 'process.cpu.time', unit: 's', constant: { 'cpu.mode': 'user' } },
  ],
  [
    'process_cpu_system_seconds_total',
    { name: 'process.cpu.time', unit: 's', constant: { 'cpu.mode': 'system' } },
  ],
  [
    'http_server_request_duration_seconds',
    {
      name: 'http.server.request.duration',
      unit: 's',
      attributes: {
        http_route: 'http.route',
        http_request_method: 'http.request.method',
        http_response_status_code: 'http.response.status_code',
      },
    },
  ],
]);

/**
 * The UCUM unit a metric name's suffix states, as Prometheus names carry units:
 * `_seconds` `s`, `_bytes` `By`, `_ratio` and other `_total` counts `1`; '' otherwise.
 */
function unitOf(name: string): string {
  const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  if (base.endsWith('_seconds')) return 's';
  if (base.endsWith('_bytes')) return 'By';
  if (base.endsWith('_ratio') || name.endsWith('_total')) return '1';
  return '';
}

/** What a metric is exported as: its instrument name, unit and attribute mapping. */
function exportedAs(metric: AnyMetric, naming: OpenTelemetryNaming): SemanticConventionName {
  const semantic =
    naming === 'semantic-conventions' ? SEMANTIC_CONVENTION_NAMES.get(metric.name) : undefined;
  return semantic ?? { name: metric.name, unit: unitOf(metric.name) };
}

/** Turns a series' labels into attributes: renamed, constants added, empty values left out. */
function toAttributes(
  target: SemanticConventionName,
): (labels: OpenTelemetryAttributes) => OpenTelemetryAttributes {
  const { attributes: renames, constant } = target;
  if (renames === undefined && constant === undefined) return (labels) => labels;
  return (labels) => {
    const attributes: Record<string, string> = { ...constant };
    for (const [label, value] of Object.entries(labels)) {
      // OpenTelemetry leaves an attribute unset rather than empty (a status never sent).
      if (value !== '') attributes[renames?.[label] ?? label] = value;
    }
    return attributes;
  };
}

function checkProvider(meterProvider: unknown): asserts meterProvider is MeterProviderLike {
  if (
    typeof meterProvider !== 'object' ||
    meterProvider === null ||
    typeof (meterProvider as Partial<MeterProviderLike>).getMeter !== 'function'
  ) {
    throw inputError('invalid_input', 'meterProvider', 'must be a MeterProvider (getMeter)');
  }
}

/**
 * Exports a telemetry instance's metrics to an OpenTelemetry `MeterProvider` (the optional
 * peer `@opentelemetry/api`; this package never loads it itself). The meter is the
 * instrumentation scope `@foundation/telemetry` with this package's version. Counters and
 * gauges become observable instruments read at each collection (collectors such as
 * {@link collectProcessMetrics} run first, once per collection), so our hot path pays nothing;
 * histograms become OpenTelemetry histograms with the same explicit buckets. Every instrument
 * carries its unit (`s`, `By`, `1`, from the metric's name), and by default the metrics that
 * have a semantic-convention counterpart take its name and attribute names
 * (`nodejs.eventloop.delay.p99`, `v8js.gc.duration`, `process.memory.usage`,
 * `http.server.request.duration`). Metrics created later are exported too.
 *
 * Histogram values recorded before the bridge was created are not exported: an OpenTelemetry
 * histogram only takes single values, and the ones already aggregated into buckets cannot be
 * replayed exactly. Counters and gauges are read whole, so nothing of theirs is lost. Create
 * the bridge at start-up, before the first request.
 *
 * @param meterProvider - an `@opentelemetry/api` `MeterProvider` (for example the SDK's)
 * @param options - `telemetry`, whose metrics to export (default the default instance),
 *   `meterName` (default `@foundation/telemetry`) and `naming` (default
 *   `semantic-conventions`; `foundation` keeps every metric's own name)
 * @returns the running export; call `stop` (or dispose it) to detach it from the provider
 * @throws FoundationError `invalid_input` for a provider without `getMeter` or unknown options.
 */
export function bridgeToOpenTelemetry(
  meterProvider: MeterProviderLike,
  options: OpenTelemetryBridgeOptions = {},
): OpenTelemetryBridge {
  checkProvider(meterProvider);
  checkOptions('options', options, ['telemetry', 'meterName', 'naming']);
  const naming: unknown = options.naming ?? 'semantic-conventions';
  if (naming !== 'semantic-conventions' && naming !== 'foundation') {
    throw inputError(
      'invalid_input',
      'options.naming',
      "must be 'semantic-conventions' or 'foundation'",
    );
  }
  const { metrics } = options.telemetry ?? defaultTelemetry;
  const meter = meterProvider.getMeter(
    options.meterName ?? '@foundation/telemetry',
    TELEMETRY_VERSION,
  );
  const cleanups: (() => void)[] = [];
  // Several Foundation metrics may feed one instrument (process.cpu.time by cpu.mode).
  const observables = new Map<string, ObservableInstrumentLike>();
  const histograms = new Map<string, ReturnType<MeterLike['createHistogram']>>();
  // One collection reads every instrument in one go: collectors run once for all of them.
  let collected = false;
  const collectOnce = (): void => {
    if (collected) return;
    collected = true;
    queueMicrotask(() => {
      collected = false;
    });
    metrics.collect();
  };

  const exportMetric = (metric: AnyMetric): void => {
    const target = exportedAs(metric, naming);
    const attributesOf = toAttributes(target);
    const instrumentOptions = { description: metric.help, unit: target.unit };
    if (metric.kind === 'histogram') {
      let histogram = histograms.get(target.name);
      if (histogram === undefined) {
        histogram = meter.createHistogram(target.name, {
          ...instrumentOptions,
          advice: { explicitBucketBoundaries: [...metric.buckets] },
        });
        histograms.set(target.name, histogram);
      }
      const sink = histogram;
      metric.setSink((value, labels) => {
        sink.record(value, attributesOf(labels));
      });
      cleanups.push(() => {
        metric.setSink(undefined);
      });
      return;
    }
    let observable = observables.get(target.name);
    if (observable === undefined) {
      observable =
        metric.kind === 'counter'
          ? meter.createObservableCounter(target.name, instrumentOptions)
          : meter.createObservableGauge(target.name, instrumentOptions);
      observables.set(target.name, observable);
    }
    const instrument = observable;
    const observe: ObservableCallbackLike = (result) => {
      collectOnce();
      for (const series of metric.allSeries()) {
        result.observe(series.value, attributesOf(series.labels));
      }
    };
    instrument.addCallback(observe);
    cleanups.push(() => {
      instrument.removeCallback(observe);
    });
  };

  for (const metric of metrics.list()) exportMetric(metric);
  cleanups.push(metrics.onMetricCreated(exportMetric));
  const stop = (): void => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  return { stop, [Symbol.dispose]: stop };
}
