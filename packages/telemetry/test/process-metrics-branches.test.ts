import { afterEach, describe, expect, it } from 'vitest';
import {
  collectProcessMetrics,
  createTelemetry,
  defaultTelemetry,
  type ProcessMetrics,
} from '../src/index.js';

let running: ProcessMetrics | undefined;
const restores: (() => void)[] = [];
afterEach(() => {
  running?.stop();
  running = undefined;
  for (const restore of restores.splice(0).reverse()) restore();
});

/** Replaces an own property of `process` until the test ends. */
function replaceOnProcess(key: string, value: unknown): void {
  const original = Object.getOwnPropertyDescriptor(process, key);
  if (value === undefined) Reflect.deleteProperty(process, key);
  else Object.defineProperty(process, key, { value, configurable: true, writable: false });
  restores.push(() => {
    if (original) Object.defineProperty(process, key, original);
  });
}

/** The metric families a Prometheus text exposition declares. */
function familyNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((match) => match[1]!));
}

/** The value of the unlabelled sample of `name`. */
function sample(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`no sample of ${name}`);
  return Number(match[1]);
}

const LINUX_ONLY = [
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
];

describe('collectProcessMetrics on other platforms and runtimes', () => {
  it('off Linux leaves out the /proc metrics and keeps the portable ones', () => {
    replaceOnProcess('platform', 'darwin');
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    for (const name of LINUX_ONLY) {
      expect(running.names).not.toContain(name);
      expect(telemetry.metrics.get(name)).toBeUndefined();
    }
    const text = telemetry.metrics.toPrometheus();
    const families = familyNames(text);
    for (const name of LINUX_ONLY) expect(families.has(name)).toBe(false);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(running.names).toContain('process_cpu_seconds_total');
  });

  it.runIf(process.platform === 'linux')('on Linux reads the /proc metrics at every scrape', () => {
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    const text = telemetry.metrics.toPrometheus();
    for (const name of LINUX_ONLY) expect(running.names).toContain(name);
    expect(sample(text, 'process_virtual_memory_bytes')).toBeGreaterThanOrEqual(
      sample(text, 'process_resident_memory_bytes'),
    );
    expect(sample(text, 'process_heap_bytes')).toBeGreaterThan(0);
    expect(Number.isInteger(sample(text, 'process_max_fds'))).toBe(true);
    expect(sample(text, 'process_max_fds')).toBeGreaterThanOrEqual(
      sample(text, 'process_open_fds'),
    );
  });

  it('without the private handle/request listings keeps only the totals, at zero', () => {
    replaceOnProcess('_getActiveHandles', undefined);
    replaceOnProcess('_getActiveRequests', undefined);
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    expect(running.names).not.toContain('nodejs_active_handles');
    expect(running.names).not.toContain('nodejs_active_requests');
    const text = telemetry.metrics.toPrometheus();
    expect(familyNames(text).has('nodejs_active_handles')).toBe(false);
    expect(sample(text, 'nodejs_active_handles_total')).toBe(0);
    expect(sample(text, 'nodejs_active_requests_total')).toBe(0);
    // The public resource listing still reports what keeps the loop alive.
    expect(sample(text, 'nodejs_active_resources_total')).toBeGreaterThanOrEqual(0);
  });

  it('with the handle listing counts live handles by class and totals them', () => {
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry });
    const text = telemetry.metrics.toPrometheus();
    const byType = [...text.matchAll(/^nodejs_active_handles\{type="[^"]+"\} (\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    expect(sample(text, 'nodejs_active_handles_total')).toBe(byType);
  });
});

describe('collectProcessMetrics with the default telemetry instance', () => {
  it('registers in the default registry when no telemetry is given, one collector at a time', () => {
    running = collectProcessMetrics();
    expect(defaultTelemetry.metrics.get('process_cpu_seconds_total')).toBeDefined();
    expect(() => collectProcessMetrics()).toThrow(/one process-metrics collector/);
    const text = defaultTelemetry.metrics.toPrometheus();
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    running.stop();
    // Stopped, the registry takes a new collector; the metrics stay registered.
    running = collectProcessMetrics();
    expect(running.names).toContain('process_cpu_seconds_total');
  });

  it('reports zero lag before any delay was sampled, then the lag of the turn after the read', async () => {
    const telemetry = createTelemetry();
    running = collectProcessMetrics({ telemetry, eventLoopMonitoringPrecisionMs: 1 });
    // The first read comes straight after enable(): no delay sample exists yet.
    const first = telemetry.metrics.toPrometheus();
    expect(sample(first, 'nodejs_eventloop_lag_p99_seconds')).toBe(0);
    expect(sample(first, 'nodejs_eventloop_lag_seconds')).toBe(0);
    // The lag probe scheduled at that read runs on the next loop turn.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const second = telemetry.metrics.toPrometheus();
    expect(sample(second, 'nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
  });
});
