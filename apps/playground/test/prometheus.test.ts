// End to end with a real Prometheus (Debian's `prometheus` package): it scrapes the playground
// service while the service is under load, and is asked, through its HTTP API, for a
// quantile of the request duration and for the standard process metrics.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
// The Prometheus harness of @foundation/http's own end-to-end test, shared rather than copied.
import {
  eventually,
  prometheusAvailable,
  startPrometheus,
  type PrometheusServer,
} from '../../../packages/http/test/prometheus-server.js';
import { createPlaygroundService, type PlaygroundService } from '../src/service.js';

const available = prometheusAvailable('the real scrape of the playground');

describe.skipIf(!available)('a real Prometheus server scraping the playground', () => {
  let prometheus: PrometheusServer | undefined;
  let service: PlaygroundService | undefined;

  afterAll(async () => {
    await prometheus?.stop();
    await service?.close();
  });

  it('answers histogram_quantile over the request duration and holds the process metrics', async () => {
    service = createPlaygroundService({ ratePerSecond: 1e6, burst: 1e6 });
    const { port } = await service.listen(0);
    const base = `http://127.0.0.1:${port}`;
    prometheus = await startPrometheus(`127.0.0.1:${port}`);
    const { query } = prometheus;

    // Load while Prometheus scrapes, until a rate over the window has two scrapes to work on.
    const quantile =
      'histogram_quantile(0.9, sum by (le, http_route) ' +
      '(rate(http_server_request_duration_seconds_bucket{http_route="/status"}[10s])))';
    const answer = await eventually(async () => {
      for (let i = 0; i < 20; i++) await (await fetch(`${base}/status`)).arrayBuffer();
      const [result] = await query(quantile);
      return result && Number.isFinite(Number(result.value[1])) ? result : undefined;
    }, 60_000);
    expect(answer.metric).toEqual({ http_route: '/status' });
    const p90 = Number(answer.value[1]);
    expect(p90).toBeGreaterThan(0);
    expect(p90).toBeLessThanOrEqual(10);

    const target = await prometheus.scraped();
    expect(target).toMatchObject({ health: 'up', lastError: '' });
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      const [sample] = await query(name);
      expect(sample, name).toBeDefined();
      expect(Number(sample!.value[1]), name).toBeGreaterThanOrEqual(0);
    }
    const [resident] = await query('process_resident_memory_bytes');
    expect(Number(resident!.value[1])).toBeGreaterThan(1024 * 1024);
  });

  it("passes promtool check metrics in the Prometheus text format but for prom-client's own names", async () => {
    const own = createPlaygroundService({ ratePerSecond: 1e6, burst: 1e6 });
    try {
      const { port } = await own.listen(0);
      await (await fetch(`http://127.0.0.1:${port}/status`)).arrayBuffer();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toContain('process_cpu_seconds_total');
      const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      // The text parses (status 1 would be a parse error). The only lint findings (status 3)
      // are the three gauges prom-client names with `_total`, kept as they are so that
      // dashboards built on prom-client's names work unchanged.
      const findings = `${result.stdout}${result.stderr}`.trim().split('\n');
      expect(findings).toEqual(
        ['handles', 'requests', 'resources'].map(
          (kind) =>
            `nodejs_active_${kind}_total non-counter metrics should not have "_total" suffix`,
        ),
      );
      expect(result.status).toBe(3);
    } finally {
      await own.close();
    }
  });
});
