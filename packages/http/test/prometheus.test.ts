import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTelemetry } from '@foundation/telemetry';
import { createHttpFoundation, negotiateMetricsFormat } from '../src/index.js';
import { close, listen } from './support.js';

const available = spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).status === 0;
if (!available) {
  if (process.env.FOUNDATION_REQUIRE_SERVICES === '1') {
    throw new Error(
      'prometheus is required (FOUNDATION_REQUIRE_SERVICES=1): apt-get install prometheus',
    );
  }
  console.log(
    'prometheus not installed: skipping the real scrape of OpenMetrics (apt-get install prometheus)',
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

describe.skipIf(!available)('a real Prometheus server scraping /metrics', () => {
  let prometheus: ChildProcess | undefined;
  let server: Server | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'foundation-http-prometheus-'));

  afterAll(async () => {
    const child = prometheus;
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (server) await close(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('negotiates OpenMetrics and stores every family, counters included', async () => {
    const telemetry = createTelemetry();
    telemetry.metrics
      .counter('jobs_total', { help: 'Jobs', labelNames: ['queue'] })
      .inc({ queue: 'a"b' }, 3);
    telemetry.metrics.counter('events', { help: 'Events' }).inc(2);
    telemetry.metrics.gauge('queue_depth_bytes', { help: 'Depth' }).set(7);
    const http = createHttpFoundation({ telemetry });
    const accepts: string[] = [];
    const handler = http.handler((_request, response, context) => {
      context.route = '/work';
      response.end('ok');
    });
    server = createServer((request, response) => {
      if (request.url === '/metrics') accepts.push(String(request.headers.accept));
      handler(request, response);
    });
    const base = await listen(server);
    await fetch(`${base}/work`);

    const webPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: foundation',
        '    static_configs:',
        `      - targets: ['${new URL(base).host}']`,
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
    const target = await eventually(async () => {
      const body = (await (await fetch(`${api}/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string }[] };
      };
      const [active] = body.data.activeTargets;
      return active && active.health !== 'unknown' ? active : undefined;
    }, 30_000);
    expect(target).toMatchObject({ health: 'up', lastError: '' });
    expect(accepts.length).toBeGreaterThan(0);
    expect(negotiateMetricsFormat(accepts[0])).toBe('openmetrics');

    const query = async (expr: string) => {
      const body = (await (
        await fetch(`${api}/query?query=${encodeURIComponent(expr)}`)
      ).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result;
    };
    expect((await query('jobs_total'))[0]).toMatchObject({
      metric: { queue: 'a"b' },
      value: [expect.any(Number), '3'],
    });
    expect((await query('events_total'))[0]?.value[1]).toBe('2');
    expect((await query('queue_depth_bytes'))[0]?.value[1]).toBe('7');
    const count = await query('http_server_request_duration_seconds_count{http_route="/work"}');
    expect(count[0]?.metric).toMatchObject({
      http_request_method: 'GET',
      http_response_status_code: '200',
    });
    expect(count[0]?.value[1]).toBe('1');
  });
});
