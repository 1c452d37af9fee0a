import { collectDefaultMetrics, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import { collectProcessMetrics, createTelemetry, type ProcessMetrics } from '../src/index.js';

let running: ProcessMetrics | undefined;
afterEach(() => {
  running?.stop();
  running = undefined;
});

/** The families a Prometheus text exposition declares: name -> type. */
function families(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}

/** The value of the first sample of `name` (with any labels). */
function sample(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`no sample of ${name}`);
  return Number(match[1]);
}

describe('collectProcessMetrics', () => {
  it('exposes every metric prom-client collectDefaultMetrics does, with the same type and labels', async () => {
    const register = new Registry();
    collectDefaultMetrics({ register });
    const theirs = await register.getMetricsAsJSON();
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    const ours = families(telemetry.metrics.toPrometheus());
    for (const metric of theirs) {
      expect(ours.get(metric.name), metric.name).toBe(metric.type);
      const labels = new Set(metric.values.flatMap((value) => Object.keys(value.labels)));
      labels.delete('le');
      const own = telemetry.metrics.get(metric.name)!;
      for (const label of labels) expect(own.labelNames, metric.name).toContain(label);
    }
    expect(running.names).toEqual(expect.arrayContaining(theirs.map((metric) => metric.name)));
    register.clear();
  });

  it('reads fresh values at every scrape: CPU time grows, memory and start time are plausible', () => {
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    const first = telemetry.metrics.toPrometheus();
    const busyUntil = process.hrtime.bigint() + 20_000_000n;
    while (process.hrtime.bigint() < busyUntil) Math.sqrt(Math.random());
    const second = telemetry.metrics.toPrometheus();
    expect(sample(second, 'process_cpu_seconds_total')).toBeGreaterThan(
      sample(first, 'process_cpu_seconds_total'),
    );
    expect(sample(second, 'process_cpu_seconds_total')).toBeCloseTo(
      sample(second, 'process_cpu_user_seconds_total') +
        sample(second, 'process_cpu_system_seconds_total'),
      6,
    );
    expect(sample(second, 'process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    expect(sample(second, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    const start = sample(second, 'process_start_time_seconds');
    expect(start).toBeLessThanOrEqual(Date.now() / 1000);
    expect(start).toBeGreaterThan(Date.now() / 1000 - process.uptime() - 2);
    expect(second).toMatch(
      new RegExp(
        `nodejs_version_info\\{version="${process.version}",major="\\d+",minor="\\d+",patch="\\d+"\\} 1`,
      ),
    );
    expect(second).toMatch(/nodejs_heap_space_size_used_bytes\{space="new"\} \d+/);
    if (process.platform === 'linux') {
      expect(sample(second, 'process_open_fds')).toBeGreaterThan(0);
      expect(sample(second, 'process_max_fds')).toBeGreaterThanOrEqual(
        sample(second, 'process_open_fds'),
      );
    }
  });

  it('records GC pauses by kind in nodejs_gc_duration_seconds', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry, prefix: 'app_' });
    // Garbage enough for a scavenge, then a turn for the GC observer to report it.
    for (let round = 0; round < 50; round++) {
      const garbage = Array.from({ length: 20_000 }, (_, i) => ({ i, text: `x${i}` }));
      expect(garbage.length).toBe(20_000);
    }
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = telemetry.metrics.toPrometheus();
    expect(text).toMatch(
      /^app_nodejs_gc_duration_seconds_count\{kind="(minor|major|incremental)"\} [1-9]/m,
    );
    expect(text).toContain('app_process_cpu_seconds_total');
    expect(running.names.every((name) => name.startsWith('app_'))).toBe(true);
  });

  it('refuses a second collector on one registry, bad options, and stops cleanly', () => {
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    expect(() => collectProcessMetrics({ telemetry })).toThrow(/one process-metrics collector/);
    running.stop();
    running.stop();
    const cpu = telemetry.metrics.get('process_cpu_seconds_total')!;
    const before = cpu.snapshot();
    telemetry.metrics.toPrometheus();
    expect(cpu.snapshot()).toEqual(before);
    running = collectProcessMetrics({ telemetry });
    for (const bad of [
      { prefix: '9x' },
      { prefix: 3 },
      { eventLoopMonitoringPrecisionMs: 0 },
      { unknown: true },
      null,
    ]) {
      let caught: unknown;
      try {
        collectProcessMetrics(bad as never);
      } catch (error) {
        caught = error;
      }
      expect(FoundationError.is(caught), JSON.stringify(bad)).toBe(true);
      expect((caught as FoundationError).codeName).toBe('invalid_input');
    }
  });
});
