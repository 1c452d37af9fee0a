import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { checkOptions, inputError } from './codes.js';
import { defaultTelemetry } from './default-instance.js';
import type { Counter } from './metrics/counter.js';
import type { Gauge } from './metrics/gauge.js';
import type { MetricsRegistry } from './metrics/registry.js';
import { nodeProcessProbe, type GcKind } from './process-probe.js';
import type { Telemetry } from './telemetry.js';

/** Options for {@link collectProcessMetrics}. */
export interface ProcessMetricsOptions {
  /** Whose registry the metrics go to. Default: the default telemetry instance. */
  readonly telemetry?: Telemetry;
  /** Put before every metric name, as prom-client's `prefix`. Default none. */
  readonly prefix?: string;
  /** Bucket bounds of `nodejs_gc_duration_seconds`. Default prom-client's `[0.001 … 5]`. */
  readonly gcDurationBuckets?: readonly number[];
  /** Sampling resolution of the event-loop delay histogram, milliseconds. Default 10. */
  readonly eventLoopMonitoringPrecisionMs?: number;
}

/** Process metrics being collected; `stop` releases the event-loop histogram and GC observer. */
export interface ProcessMetrics {
  /** The metric names this collector maintains, prefix included. */
  readonly names: readonly string[];
  /** Stops collecting; the metrics stay registered with their last values. Safe to repeat. */
  stop(): void;
  /** Same as `stop`, for `using`. */
  [Symbol.dispose](): void;
}

/** prom-client's default buckets for `nodejs_gc_duration_seconds`. */
export const GC_DURATION_BUCKETS: readonly number[] = Object.freeze([0.001, 0.01, 0.1, 1, 2, 5]);

/** Registries with a running collector. */
const collecting = new WeakSet<MetricsRegistry>();

const PROMETHEUS_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** `Name: value kB` lines of `/proc/self/status`, in bytes; undefined off Linux. */
function procStatusBytes(): Record<string, number> | undefined {
  if (process.platform !== 'linux') return undefined;
  const values: Record<string, number> = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const match = /^(Vm\w+):\s+(\d+) kB$/.exec(line);
    if (match) values[match[1]!] = Number(match[2]) * 1024;
  }
  return values;
}

/**
 * The soft limit on open files (`/proc/self/limits`, Linux only). Linux caps RLIMIT_NOFILE at
 * `fs.nr_open`, so the soft limit is always a number, never "unlimited".
 */
function maxFds(): number {
  return Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
}

/** Counts items by a name (a resource type, a handle's class). */
function countBy(
  items: readonly unknown[],
  nameOf: (item: unknown) => string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const name = nameOf(item);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function className(item: unknown): string {
  return (item as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'unknown';
}

function setCounts(gauge: Gauge, total: Gauge, counts: Map<string, number>): void {
  gauge.reset();
  let sum = 0;
  for (const [type, count] of counts) {
    gauge.set({ type }, count);
    sum += count;
  }
  total.set(sum);
}

type ProcessInternals = typeof process & {
  _getActiveHandles?: () => unknown[];
  _getActiveRequests?: () => unknown[];
};

/** The metrics, created in the registry with prom-client's names, types, help and labels. */
function createMetrics(registry: MetricsRegistry, prefix: string, gcBuckets: readonly number[]) {
  const gauge = (name: string, help: string, labelNames: readonly string[] = []): Gauge =>
    registry.gauge(prefix + name, { help, labelNames });
  const counter = (name: string, help: string): Counter =>
    registry.counter(prefix + name, { help });
  const lag = (stat: string, help: string): Gauge =>
    gauge(`nodejs_eventloop_lag_${stat}_seconds`, help);
  const linux = process.platform === 'linux';
  const internals = process as ProcessInternals;
  return {
    cpuUser: counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.'),
    cpuSystem: counter(
      'process_cpu_system_seconds_total',
      'Total system CPU time spent in seconds.',
    ),
    cpu: counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.'),
    startTime: gauge(
      'process_start_time_seconds',
      'Start time of the process since unix epoch in seconds.',
    ),
    resident: gauge('process_resident_memory_bytes', 'Resident memory size in bytes.'),
    virtual: linux
      ? gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.')
      : undefined,
    heap: linux ? gauge('process_heap_bytes', 'Process heap size in bytes.') : undefined,
    openFds: linux ? gauge('process_open_fds', 'Number of open file descriptors.') : undefined,
    maxFds: linux
      ? gauge('process_max_fds', 'Maximum number of open file descriptors.')
      : undefined,
    lag: gauge('nodejs_eventloop_lag_seconds', 'Lag of event loop in seconds.'),
    lagMin: lag('min', 'The minimum recorded event loop delay.'),
    lagMax: lag('max', 'The maximum recorded event loop delay.'),
    lagMean: lag('mean', 'The mean of the recorded event loop delays.'),
    lagStddev: lag('stddev', 'The standard deviation of the recorded event loop delays.'),
    lagP50: lag('p50', 'The 50th percentile of the recorded event loop delays.'),
    lagP90: lag('p90', 'The 90th percentile of the recorded event loop delays.'),
    lagP99: lag('p99', 'The 99th percentile of the recorded event loop delays.'),
    handles:
      internals._getActiveHandles === undefined
        ? undefined
        : gauge(
            'nodejs_active_handles',
            'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.',
            ['type'],
          ),
    handlesTotal: gauge('nodejs_active_handles_total', 'Total number of active handles.'),
    requests:
      internals._getActiveRequests === undefined
        ? undefined
        : gauge(
            'nodejs_active_requests',
            'Number of active libuv requests grouped by request type. Every request type is C++ class name.',
            ['type'],
          ),
    requestsTotal: gauge('nodejs_active_requests_total', 'Total number of active requests.'),
    resources: gauge(
      'nodejs_active_resources',
      'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
      ['type'],
    ),
    resourcesTotal: gauge('nodejs_active_resources_total', 'Total number of active resources.'),
    heapTotal: gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.'),
    heapUsed: gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.'),
    external: gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.'),
    spaceTotal: gauge(
      'nodejs_heap_space_size_total_bytes',
      'Process heap space size total from Node.js in bytes.',
      ['space'],
    ),
    spaceUsed: gauge(
      'nodejs_heap_space_size_used_bytes',
      'Process heap space size used from Node.js in bytes.',
      ['space'],
    ),
    spaceAvailable: gauge(
      'nodejs_heap_space_size_available_bytes',
      'Process heap space size available from Node.js in bytes.',
      ['space'],
    ),
    version: gauge('nodejs_version_info', 'Node.js version info.', [
      'version',
      'major',
      'minor',
      'patch',
    ]),
    gc: registry.histogram(prefix + 'nodejs_gc_duration_seconds', {
      help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
      labelNames: ['kind'],
      buckets: gcBuckets,
    }),
  };
}

function checkProcessOptions(options: ProcessMetricsOptions): void {
  checkOptions('options', options, [
    'telemetry',
    'prefix',
    'gcDurationBuckets',
    'eventLoopMonitoringPrecisionMs',
  ]);
  const { prefix, eventLoopMonitoringPrecisionMs: precision } = options;
  if (
    prefix !== undefined &&
    (typeof prefix !== 'string' || !(prefix === '' || PROMETHEUS_NAME.test(prefix)))
  ) {
    throw inputError('invalid_input', 'prefix', 'prefix must be a valid start of a metric name');
  }
  if (precision !== undefined && !(Number.isInteger(precision) && precision >= 1)) {
    throw inputError('invalid_input', 'eventLoopMonitoringPrecisionMs', 'must be an integer >= 1');
  }
}

/**
 * Collects the standard process and Node.js metrics with the names, types, labels and help
 * that prom-client's `collectDefaultMetrics` gives them (`process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `process_start_time_seconds`, `nodejs_eventloop_lag_*`,
 * `nodejs_heap_*`, `nodejs_gc_duration_seconds`, …), so dashboards made for prom-client (the
 * stock Grafana Node.js dashboards) work unchanged. Values are read when the metrics are read
 * (a scrape, `getMetrics`, an OpenTelemetry collection), as prom-client does; GC pauses are
 * recorded as they happen. Nothing runs in the background but the event-loop delay histogram
 * and the GC observer, which `stop` releases.
 *
 * Like prom-client, `nodejs_eventloop_lag_seconds` is the lag measured by a `setImmediate`
 * scheduled at the previous read, and the `nodejs_eventloop_lag_*` statistics cover the time
 * since the previous read. The Linux-only metrics (`process_open_fds`, `process_max_fds`,
 * `process_virtual_memory_bytes`, `process_heap_bytes`) exist only on Linux.
 *
 * @param options - the `telemetry` whose registry gets the metrics (default the default
 *   instance), a name `prefix`, the GC histogram's buckets and the event-loop sampling
 *   resolution; every field is optional
 * @returns the running collector: the names it maintains and `stop`
 * @throws FoundationError `invalid_input` for a bad prefix or resolution;
 *   `telemetry_metric_conflict` when one of the names is taken by another definition.
 * @example
 * ```ts
 * const processMetrics = collectProcessMetrics();
 * // … serve defaultTelemetry.metrics.toPrometheus() at /metrics …
 * processMetrics.stop();
 * ```
 */
export function collectProcessMetrics(options: ProcessMetricsOptions = {}): ProcessMetrics {
  checkProcessOptions(options);
  const registry = (options.telemetry ?? defaultTelemetry).metrics;
  if (collecting.has(registry)) {
    // Two collectors would add the same CPU time twice to the shared counters.
    throw inputError('invalid_input', 'telemetry', 'one process-metrics collector per registry');
  }
  const m = createMetrics(
    registry,
    options.prefix ?? '',
    options.gcDurationBuckets ?? GC_DURATION_BUCKETS,
  );
  const names = Object.values(m).flatMap((metric) => (metric ? [metric.name] : []));
  collecting.add(registry);

  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  m.startTime.set(startSeconds);
  // Node's version is always major.minor.patch.
  const [major, minor, patch] = process.versions.node.split('.') as [string, string, string];
  m.version.set({ version: process.version, major, minor, patch }, 1);
  m.maxFds?.set(maxFds());

  const delay: IntervalHistogram = monitorEventLoopDelay({
    resolution: options.eventLoopMonitoringPrecisionMs ?? 10,
  });
  delay.enable();
  const stopGc = nodeProcessProbe.watchGc((kind: GcKind, durationMs) => {
    m.gc.record({ kind }, durationMs / 1000);
  });
  let lastCpu = { user: 0, system: 0 };
  let lagSeconds = 0;
  const internals = process as ProcessInternals;

  const collect = (): void => {
    const cpu = process.cpuUsage();
    const userDelta = (cpu.user - lastCpu.user) / 1e6;
    const systemDelta = (cpu.system - lastCpu.system) / 1e6;
    lastCpu = cpu;
    m.cpuUser.inc(userDelta);
    m.cpuSystem.inc(systemDelta);
    m.cpu.inc(userDelta + systemDelta);

    const memory = process.memoryUsage();
    m.resident.set(memory.rss);
    m.heapTotal.set(memory.heapTotal);
    m.heapUsed.set(memory.heapUsed);
    m.external.set(memory.external);
    const status = procStatusBytes();
    if (status?.VmSize !== undefined) m.virtual?.set(status.VmSize);
    if (status?.VmData !== undefined) m.heap?.set(status.VmData);
    // The directory listing holds one descriptor of its own while it reads.
    if (m.openFds) m.openFds.set(readdirSync('/proc/self/fd').length - 1);

    for (const space of getHeapSpaceStatistics()) {
      const labels = { space: space.space_name.replace(/_space$/, '') };
      m.spaceTotal.set(labels, space.space_size);
      m.spaceUsed.set(labels, space.space_used_size);
      m.spaceAvailable.set(labels, space.space_available_size);
    }

    const resources = process.getActiveResourcesInfo();
    setCounts(m.resources, m.resourcesTotal, countBy(resources, String));
    const handles = internals._getActiveHandles?.() ?? [];
    const requests = internals._getActiveRequests?.() ?? [];
    if (m.handles) setCounts(m.handles, m.handlesTotal, countBy(handles, className));
    if (m.requests) setCounts(m.requests, m.requestsTotal, countBy(requests, className));

    const empty = delay.count === 0;
    m.lag.set(lagSeconds);
    m.lagMin.set(empty ? 0 : delay.min / 1e9);
    m.lagMax.set(empty ? 0 : delay.max / 1e9);
    m.lagMean.set(empty ? 0 : delay.mean / 1e9);
    m.lagStddev.set(empty ? 0 : delay.stddev / 1e9);
    m.lagP50.set(empty ? 0 : delay.percentile(50) / 1e9);
    m.lagP90.set(empty ? 0 : delay.percentile(90) / 1e9);
    m.lagP99.set(empty ? 0 : delay.percentile(99) / 1e9);
    delay.reset();
    const scheduledNs = process.hrtime.bigint();
    setImmediate(() => {
      lagSeconds = Number(process.hrtime.bigint() - scheduledNs) / 1e9;
    }).unref();
  };
  collect();
  const removeCollector = registry.onCollect(collect);

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    removeCollector();
    collecting.delete(registry);
    delay.disable();
    stopGc();
  };
  return { names: Object.freeze(names), stop, [Symbol.dispose]: stop };
}
