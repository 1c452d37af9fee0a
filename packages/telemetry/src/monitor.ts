import {
  abortReason,
  type Clock,
  type HealthReport,
  type Service,
  type Timer,
} from '@foundation/core';
import { inputError } from './codes.js';
import { defaultTelemetry } from './default-instance.js';
import { telemetryChannels } from './diagnostics.js';
import type { EventName } from './event-name.js';
import type { Gauge } from './metrics/gauge.js';
import type { Histogram } from './metrics/histogram.js';
import {
  nodeProcessProbe,
  type EventLoopProbe,
  type EventLoopReading,
  type GcKind,
  type ProcessProbe,
} from './process-probe.js';
import type { Telemetry } from './telemetry.js';

/** Limits that make the monitor warn. A limit left out is not checked. */
export interface PerformanceThresholds {
  /** V8 heap in use, bytes. Default 100 MiB (the seed's "high memory"). */
  readonly heapUsedBytes?: number;
  /** Resident set size, bytes. */
  readonly rssBytes?: number;
  /** Active handles. Default 10 000 (the seed's "high process count"). */
  readonly activeHandles?: number;
  /** 99th percentile event-loop delay, milliseconds. */
  readonly eventLoopDelayP99Ms?: number;
  /** Event-loop utilization, 0 to 1. */
  readonly eventLoopUtilization?: number;
}

/** GC pauses of one kind during one sampling window. */
export interface GcPauses {
  /** How many pauses. */
  readonly count: number;
  /** Their total length, milliseconds. */
  readonly totalMs: number;
  /** The longest, milliseconds. */
  readonly maxMs: number;
}

/** What one sample of the process looks like. */
export interface PerformanceSample {
  /** Wall-clock time of the sample, epoch milliseconds. */
  readonly timestampMs: number;
  /** Event-loop delay and utilization since the previous sample. */
  readonly eventLoop: EventLoopReading;
  /** Memory, bytes. */
  readonly memory: {
    readonly heapUsedBytes: number;
    readonly heapTotalBytes: number;
    readonly rssBytes: number;
    readonly externalBytes: number;
    readonly arrayBuffersBytes: number;
  };
  /** GC pauses since the previous sample, by kind (kinds without pauses left out). */
  readonly gc: Readonly<Partial<Record<GcKind, GcPauses>>>;
  /** Active handles (sockets, timers, servers, …). */
  readonly activeHandles: number;
  /** Active requests (pending fs and dns operations, …). */
  readonly activeRequests: number;
  /** The thresholds this sample exceeds. */
  readonly exceeded: readonly (keyof PerformanceThresholds)[];
}

/** Options for {@link PerformanceMonitor}. */
export interface PerformanceMonitorOptions {
  /** Service name. Default `performance-monitor`. */
  readonly name?: string;
  /** Milliseconds between samples. Default 5000 (the seed's interval). */
  readonly intervalMs?: number;
  /** Warning limits; merged over the defaults. */
  readonly thresholds?: PerformanceThresholds;
  /** Where events and gauges go. Default: the default telemetry instance. */
  readonly telemetry?: Telemetry;
  /** The clock for the interval and timestamps. Default: the telemetry instance's clock. */
  readonly clock?: Clock;
  /** Replaces parts of the real process probe (for tests). */
  readonly probe?: Partial<ProcessProbe>;
}

/** The event emitted with every sample (numeric measurements; metadata `{ exceeded }`). */
export const MONITOR_SAMPLE_EVENT: EventName = Object.freeze(['foundation', 'monitor', 'sample']);
/** The event emitted when a threshold is crossed: measurements `{ value, limit }`, metadata `{ threshold }`. */
export const MONITOR_THRESHOLD_EVENT: EventName = Object.freeze([
  'foundation',
  'monitor',
  'threshold',
]);

const DEFAULT_THRESHOLDS: PerformanceThresholds = {
  heapUsedBytes: 100 * 1024 * 1024,
  activeHandles: 10_000,
};

const THRESHOLD_KEYS: readonly (keyof PerformanceThresholds)[] = [
  'heapUsedBytes',
  'rssBytes',
  'activeHandles',
  'eventLoopDelayP99Ms',
  'eventLoopUtilization',
];

function thresholdValue(
  sample: Omit<PerformanceSample, 'exceeded'>,
  key: keyof PerformanceThresholds,
): number {
  switch (key) {
    case 'heapUsedBytes':
      return sample.memory.heapUsedBytes;
    case 'rssBytes':
      return sample.memory.rssBytes;
    case 'activeHandles':
      return sample.activeHandles;
    case 'eventLoopDelayP99Ms':
      return sample.eventLoop.delayP99Ms;
    case 'eventLoopUtilization':
      return sample.eventLoop.utilization;
  }
}

function checkThresholds(thresholds: PerformanceThresholds): PerformanceThresholds {
  for (const [key, limit] of Object.entries(thresholds)) {
    if (!THRESHOLD_KEYS.includes(key as keyof PerformanceThresholds)) {
      throw inputError('invalid_input', `thresholds.${key}`, 'unknown threshold');
    }
    if (limit !== undefined && (typeof limit !== 'number' || !(limit >= 0) || limit === Infinity)) {
      throw inputError(
        'invalid_input',
        `thresholds.${key}`,
        'a threshold must be a finite number >= 0',
      );
    }
  }
  return { ...DEFAULT_THRESHOLDS, ...thresholds };
}

/** Resource types that are requests (pending operations) rather than handles. */
function isRequest(type: string): boolean {
  return type.includes('Req') || type.includes('Request');
}

interface MonitorGauges {
  readonly delay: Gauge;
  readonly utilization: Gauge;
  readonly memory: Gauge;
  readonly resources: Gauge;
  readonly gc: Histogram;
}

/**
 * Samples the process on an interval that never holds it open (the seed's PerformanceMonitor,
 * as a core `Service`): event-loop delay (p50 / p99 / max) and utilization, heap used and total,
 * RSS, external memory, GC pauses by kind, active handles and requests. Each sample updates
 * gauges in the metrics and emits `['foundation', 'monitor', 'sample']`; crossing a threshold
 * logs a warning and emits `['foundation', 'monitor', 'threshold']`.
 */
export class PerformanceMonitor implements Service {
  /** The service name. */
  readonly name: string;
  /** Milliseconds between samples. */
  readonly intervalMs: number;
  /** The limits in force. */
  readonly thresholds: PerformanceThresholds;
  readonly #telemetry: Telemetry;
  readonly #clock: Clock;
  readonly #probe: ProcessProbe;
  readonly #gauges: MonitorGauges;
  #timer: Timer | undefined;
  #eventLoop: EventLoopProbe | undefined;
  #stopGc: (() => void) | undefined;
  #gcWindow = new Map<GcKind, { count: number; totalMs: number; maxMs: number }>();
  #last: PerformanceSample | undefined;
  #samples = 0;
  #exceeded = new Set<keyof PerformanceThresholds>();

  /** Creates a stopped monitor. */
  constructor(options: PerformanceMonitorOptions = {}) {
    const intervalMs = options.intervalMs ?? 5000;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw inputError('invalid_input', 'intervalMs', 'intervalMs must be a finite number > 0');
    }
    this.name = options.name ?? 'performance-monitor';
    this.intervalMs = intervalMs;
    this.thresholds = Object.freeze(checkThresholds(options.thresholds ?? {}));
    this.#telemetry = options.telemetry ?? defaultTelemetry;
    this.#clock = options.clock ?? this.#telemetry.clock;
    this.#probe = { ...nodeProcessProbe, ...options.probe };
    const { metrics } = this.#telemetry;
    this.#gauges = {
      delay: metrics.gauge('foundation_process_event_loop_delay_seconds', {
        help: 'Event-loop delay over the last sampling window',
        labelNames: ['stat'],
      }),
      utilization: metrics.gauge('foundation_process_event_loop_utilization_ratio', {
        help: 'Share of the last sampling window the event loop was busy',
      }),
      memory: metrics.gauge('foundation_process_memory_bytes', {
        help: 'Process memory by area',
        labelNames: ['area'],
      }),
      resources: metrics.gauge('foundation_process_active_resources', {
        help: 'Active handles and requests',
        labelNames: ['type'],
      }),
      gc: metrics.histogram('foundation_process_gc_pause_seconds', {
        help: 'Garbage-collection pauses by kind',
        labelNames: ['kind'],
        buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      }),
    };
  }

  /** Whether the monitor is sampling. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts sampling (a no-op when already running). */
  start(signal?: AbortSignal): void {
    if (signal?.aborted) throw abortReason(signal);
    if (this.#timer) return;
    this.#eventLoop = this.#probe.startEventLoop();
    this.#stopGc = this.#probe.watchGc((kind, durationMs) => {
      this.#onGc(kind, durationMs);
    });
    this.#timer = this.#clock.setInterval(() => {
      this.sampleNow();
    }, this.intervalMs);
  }

  /** Stops sampling and releases the event-loop histogram and the GC observer. Safe to repeat. */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#eventLoop?.stop();
    this.#eventLoop = undefined;
    this.#stopGc?.();
    this.#stopGc = undefined;
  }

  /** Stops the monitor (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  /** The most recent sample, or undefined before the first. */
  lastSample(): PerformanceSample | undefined {
    return this.#last;
  }

  /** Takes a sample now (also what the interval does): updates gauges, emits events, checks limits. */
  sampleNow(): PerformanceSample {
    const memory = this.#probe.memoryUsage();
    const resources = this.#probe.activeResources();
    const activeRequests = resources.filter(isRequest).length;
    const base = {
      timestampMs: this.#clock.wallMs(),
      eventLoop: this.#eventLoop?.read() ?? {
        delayP50Ms: 0,
        delayP99Ms: 0,
        delayMaxMs: 0,
        utilization: 0,
      },
      memory: {
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        rssBytes: memory.rss,
        externalBytes: memory.external,
        arrayBuffersBytes: memory.arrayBuffers,
      },
      gc: Object.fromEntries(this.#gcWindow),
      activeHandles: resources.length - activeRequests,
      activeRequests,
    };
    this.#gcWindow = new Map();
    const exceeded = THRESHOLD_KEYS.filter((key) => {
      const limit = this.thresholds[key];
      return limit !== undefined && thresholdValue(base, key) > limit;
    });
    const sample: PerformanceSample = Object.freeze({ ...base, exceeded: Object.freeze(exceeded) });
    this.#last = sample;
    this.#samples++;
    this.#record(sample);
    this.#warn(sample);
    return sample;
  }

  /** Healthy while running within limits, degraded while a limit is exceeded, unhealthy when stopped. */
  health(): HealthReport {
    if (!this.running) return { status: 'unhealthy', message: 'not running' };
    const exceeded = this.#last?.exceeded ?? [];
    if (exceeded.length > 0) {
      return {
        status: 'degraded',
        message: `over limit: ${exceeded.join(', ')}`,
        details: { exceeded },
      };
    }
    return { status: 'healthy' };
  }

  /** Facts for status pages. */
  status(): Readonly<Record<string, unknown>> {
    return { running: this.running, samples: this.#samples, intervalMs: this.intervalMs };
  }

  #onGc(kind: GcKind, durationMs: number): void {
    const entry = this.#gcWindow.get(kind) ?? { count: 0, totalMs: 0, maxMs: 0 };
    entry.count++;
    entry.totalMs += durationMs;
    entry.maxMs = Math.max(entry.maxMs, durationMs);
    this.#gcWindow.set(kind, entry);
    this.#gauges.gc.labels({ kind }).record(durationMs / 1000);
  }

  #record(sample: PerformanceSample): void {
    const { delay, utilization, memory, resources } = this.#gauges;
    delay.set({ stat: 'p50' }, sample.eventLoop.delayP50Ms / 1000);
    delay.set({ stat: 'p99' }, sample.eventLoop.delayP99Ms / 1000);
    delay.set({ stat: 'max' }, sample.eventLoop.delayMaxMs / 1000);
    utilization.set(sample.eventLoop.utilization);
    memory.set({ area: 'heap_used' }, sample.memory.heapUsedBytes);
    memory.set({ area: 'heap_total' }, sample.memory.heapTotalBytes);
    memory.set({ area: 'rss' }, sample.memory.rssBytes);
    memory.set({ area: 'external' }, sample.memory.externalBytes);
    memory.set({ area: 'array_buffers' }, sample.memory.arrayBuffersBytes);
    resources.set({ type: 'handle' }, sample.activeHandles);
    resources.set({ type: 'request' }, sample.activeRequests);
    this.#telemetry.execute(
      MONITOR_SAMPLE_EVENT,
      {
        eventLoopDelayP50Ms: sample.eventLoop.delayP50Ms,
        eventLoopDelayP99Ms: sample.eventLoop.delayP99Ms,
        eventLoopDelayMaxMs: sample.eventLoop.delayMaxMs,
        eventLoopUtilization: sample.eventLoop.utilization,
        heapUsedBytes: sample.memory.heapUsedBytes,
        heapTotalBytes: sample.memory.heapTotalBytes,
        rssBytes: sample.memory.rssBytes,
        externalBytes: sample.memory.externalBytes,
        activeHandles: sample.activeHandles,
        activeRequests: sample.activeRequests,
      },
      { exceeded: sample.exceeded },
    );
  }

  /** Warns once when a limit is crossed, and again only after it was back within the limit. */
  #warn(sample: PerformanceSample): void {
    const now = new Set(sample.exceeded);
    for (const threshold of now) {
      if (this.#exceeded.has(threshold)) continue;
      const value = thresholdValue(sample, threshold);
      const limit = this.thresholds[threshold]!;
      if (telemetryChannels.threshold.hasSubscribers) {
        telemetryChannels.threshold.publish({ metric: threshold, value, limit });
      }
      this.#telemetry.logger?.warn(
        { threshold, value, limit },
        `performance threshold exceeded: ${threshold}`,
      );
      this.#telemetry.execute(MONITOR_THRESHOLD_EVENT, { value, limit }, { threshold });
    }
    this.#exceeded = now;
  }
}
