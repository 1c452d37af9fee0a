// End to end with a real Prometheus (Debian's `prometheus` package): it scrapes the playground
// service while the service is under load, and is asked, through its HTTP API, for a
// quantile of the request duration and for the standard process metrics.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlaygroundService, type PlaygroundService } from '../src/service.js';

const available = spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).status === 0;
if (!available) {
  if (process.env.FOUNDATION_REQUIRE_SERVICES === '1') {
    throw new Error(
      'prometheus is required (FOUNDATION_REQUIRE_SERVICES=1): apt-get install prometheus',
    );
  }
  console.log(
    'prometheus not installed: skipping the real scrape of the playground (apt-get install prometheus)',
  );
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Asks until `check` returns a value; a real server needs real time, bounded by `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

describe.skipIf(!available)('a real Prometheus server scraping the playground', () => {
  let prometheus: ChildProcess | undefined;
  let service: PlaygroundService | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'foundation-playground-prometheus-'));

  afterAll(async () => {
    const child = prometheus;
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers histogram_quantile over the request duration and holds the process metrics', async () => {
    service = createPlaygroundService({ ratePerSecond: 1e6, burst: 1e6 });
    const { port } = await service.listen(0);
    const base = `http://127.0.0.1:${port}`;
    const webPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: playground',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
      ],
      { stdio: 'ignore' },
    );
    const api = `http://127.0.0.1:${webPort}/api/v1`;
    const query = async (expr: string): Promise<Sample[]> => {
      const response = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { data: { result: Sample[] } };
      return body.data.result;
    };

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

    const [target] = (
      (await (await fetch(`${api}/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string }[] };
      }
    ).data.activeTargets;
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
