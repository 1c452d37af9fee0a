import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import {
  captureTelemetry,
  createTelemetry,
  MONITOR_SAMPLE_EVENT,
  MONITOR_THRESHOLD_EVENT,
  nodeProcessProbe,
  PerformanceMonitor,
  type GcKind,
  type MemoryReading,
  type ProcessProbe,
} from '../src/index.js';

const MB = 1024 * 1024;

function fakeProbe() {
  const state = {
    memory: {
      rss: 80 * MB,
      heapTotal: 40 * MB,
      heapUsed: 30 * MB,
      external: 2 * MB,
      arrayBuffers: MB,
    } as MemoryReading,
    resources: ['TCPWrap', 'Timeout', 'FSReqCallback'] as string[],
    delay: { delayP50Ms: 1, delayP99Ms: 5, delayMaxMs: 9, utilization: 0.25 },
    eventLoopStopped: 0,
    gcStopped: 0,
    onGc: undefined as ((kind: GcKind, ms: number) => void) | undefined,
  };
  const probe: ProcessProbe = {
    memoryUsage: () => state.memory,
    activeResources: () => state.resources,
    startEventLoop: () => ({
      read: () => state.delay,
      stop: () => {
        state.eventLoopStopped++;
      },
    }),
    watchGc: (onPause) => {
      state.onGc = onPause;
      return () => {
        state.gcStopped++;
      };
    },
  };
  return { state, probe };
}

describe('PerformanceMonitor', () => {
  it('samples on the interval, updates gauges and emits sample events', () => {
    const clock = new ManualClock();
    const t = createTelemetry({ clock });
    const { state, probe } = fakeProbe();
    const monitor = new PerformanceMonitor({ telemetry: t, probe, intervalMs: 1000 });
    using capture = captureTelemetry([MONITOR_SAMPLE_EVENT], { telemetry: t });
    expect(monitor.lastSample()).toBeUndefined();
    expect(monitor.health().status).toBe('unhealthy');
    monitor.start();
    monitor.start();
    state.onGc!('minor', 2);
    state.onGc!('minor', 4);
    state.onGc!('major', 30);
    clock.advance(1000);
    const sample = monitor.lastSample()!;
    expect(sample).toMatchObject({
      eventLoop: { delayP50Ms: 1, delayP99Ms: 5, delayMaxMs: 9, utilization: 0.25 },
      memory: {
        heapUsedBytes: 30 * MB,
        heapTotalBytes: 40 * MB,
        rssBytes: 80 * MB,
        externalBytes: 2 * MB,
      },
      gc: {
        minor: { count: 2, totalMs: 6, maxMs: 4 },
        major: { count: 1, totalMs: 30, maxMs: 30 },
      },
      activeHandles: 2,
      activeRequests: 1,
      exceeded: [],
    });
    expect(sample.timestampMs).toBe(clock.wallMs());
    clock.advance(1000);
    expect(monitor.lastSample()!.gc).toEqual({});
    expect(capture.events).toHaveLength(2);
    expect(capture.events[0]!.measurements.heapUsedBytes).toBe(30 * MB);
    const memory = t.metrics.getMetricsFor('foundation_process_memory_bytes')[0]!;
    expect(memory.series.find((s) => s.labels.area === 'rss')).toMatchObject({ value: 80 * MB });
    const gc = t.metrics.get('foundation_process_gc_pause_seconds');
    expect(gc?.kind === 'histogram' && gc.labels({ kind: 'minor' }).count).toBe(2);
    expect(
      t.metrics.getMetricsFor('foundation_process_event_loop_delay_seconds')[0]!.series,
    ).toHaveLength(3);
    expect(monitor.status()).toEqual({ running: true, samples: 2, intervalMs: 1000 });
    expect(monitor.health().status).toBe('healthy');
    monitor.stop();
    monitor.stop();
    expect(state.eventLoopStopped).toBe(1);
    expect(state.gcStopped).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    expect(monitor.running).toBe(false);
  });

  it('warns once when a threshold is crossed and again after recovering', async () => {
    const clock = new ManualClock();
    const logger = { warn: vi.fn(), error: vi.fn() };
    const t = createTelemetry({ clock, logger });
    const { state, probe } = fakeProbe();
    const monitor = new PerformanceMonitor({
      telemetry: t,
      probe,
      intervalMs: 100,
      thresholds: { heapUsedBytes: 50 * MB, eventLoopDelayP99Ms: 100 },
    });
    using capture = captureTelemetry([MONITOR_THRESHOLD_EVENT], { telemetry: t });
    const published: unknown[] = [];
    const onThreshold = (m: unknown): void => {
      published.push(m);
    };
    subscribe('foundation:telemetry:threshold', onThreshold);
    try {
      monitor.start(new AbortController().signal);
      state.memory = { ...state.memory, heapUsed: 60 * MB };
      clock.advance(300);
      expect(capture.events).toHaveLength(1);
      expect(capture.events[0]!.measurements).toEqual({ value: 60 * MB, limit: 50 * MB });
      expect(capture.events[0]!.metadata).toEqual({ threshold: 'heapUsedBytes' });
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(published).toEqual([{ metric: 'heapUsedBytes', value: 60 * MB, limit: 50 * MB }]);
      const health = monitor.health();
      expect(health.status).toBe('degraded');
      expect(health.details).toEqual({ exceeded: ['heapUsedBytes'] });
      state.memory = { ...state.memory, heapUsed: 10 * MB };
      clock.advance(100);
      expect(monitor.health().status).toBe('healthy');
      state.memory = { ...state.memory, heapUsed: 70 * MB };
      state.resources = Array.from({ length: 10_001 }, () => 'TCPWrap');
      clock.advance(100);
      expect(capture.events.map((e) => e.metadata.threshold)).toEqual([
        'heapUsedBytes',
        'heapUsedBytes',
        'activeHandles',
      ]);
    } finally {
      unsubscribe('foundation:telemetry:threshold', onThreshold);
      await monitor[Symbol.asyncDispose]();
    }
  });

  it('refuses bad options and an aborted start', () => {
    expect(() => new PerformanceMonitor({ intervalMs: 0 })).toThrow(FoundationError);
    expect(() => new PerformanceMonitor({ thresholds: { rssBytes: -1 } })).toThrow(
      /thresholds.rssBytes/,
    );
    expect(() => new PerformanceMonitor({ thresholds: { nope: 1 } as never })).toThrow(
      /unknown threshold/,
    );
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const monitor = new PerformanceMonitor({
      telemetry: createTelemetry(),
      probe: fakeProbe().probe,
    });
    expect(() => {
      monitor.start(controller.signal);
    }).toThrow('cancelled');
    expect(monitor.running).toBe(false);
    expect(monitor.name).toBe('performance-monitor');
    expect(monitor.thresholds).toEqual({ heapUsedBytes: 100 * MB, activeHandles: 10_000 });
    const sample = monitor.sampleNow();
    expect(sample.eventLoop).toEqual({
      delayP50Ms: 0,
      delayP99Ms: 0,
      delayMaxMs: 0,
      utilization: 0,
    });
  });

  it('reads the real process through the node probe and lets go of it on stop', async () => {
    const t = createTelemetry();
    const monitor = new PerformanceMonitor({ telemetry: t, intervalMs: 60_000 });
    monitor.start();
    try {
      // Allocate enough to make V8 collect, and give the loop a turn so entries are delivered.
      let keep: number[][] = [];
      for (let i = 0; i < 200; i++) keep.push(Array.from({ length: 10_000 }, (_, j) => j));
      keep = [];
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      const sample = monitor.sampleNow();
      expect(keep).toEqual([]);
      expect(sample.memory.heapUsedBytes).toBeGreaterThan(0);
      expect(sample.memory.rssBytes).toBeGreaterThanOrEqual(sample.memory.heapTotalBytes);
      expect(sample.eventLoop.utilization).toBeGreaterThanOrEqual(0);
      expect(sample.eventLoop.utilization).toBeLessThanOrEqual(1);
      expect(sample.eventLoop.delayMaxMs).toBeGreaterThanOrEqual(sample.eventLoop.delayP50Ms);
      expect(sample.activeHandles + sample.activeRequests).toBeGreaterThanOrEqual(0);
      expect(Object.values(sample.gc).reduce((n, p) => n + p.count, 0)).toBeGreaterThan(0);
      // A window without samples of the loop reads as zero delay.
      expect(monitor.sampleNow().eventLoop.delayP50Ms).toBeGreaterThanOrEqual(0);
    } finally {
      monitor.stop();
    }
    expect(nodeProcessProbe.activeResources()).toBeInstanceOf(Array);
  });
});
