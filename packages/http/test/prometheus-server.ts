// A real Prometheus server for end-to-end tests (Debian's `prometheus` package), started on
// 127.0.0.1 with a scrape interval of one second. The playground's Prometheus test uses it too.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `prometheus` is installed; says how to get it, and fails under FOUNDATION_REQUIRE_SERVICES=1. */
export function prometheusAvailable(what: string): boolean {
  const available = spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!available) {
    if (process.env.FOUNDATION_REQUIRE_SERVICES === '1') {
      throw new Error(
        'prometheus is required (FOUNDATION_REQUIRE_SERVICES=1): apt-get install prometheus',
      );
    }
    console.log(`prometheus not installed: skipping ${what} (apt-get install prometheus)`);
  }
  return available;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Asks until `check` returns a value; a real server needs real time, bounded by `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One instant-query result. */
export interface PrometheusSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** One scrape target's state. */
export interface PrometheusTarget {
  readonly health: string;
  readonly lastError: string;
}

/** A running Prometheus server. */
export interface PrometheusServer {
  /** Runs an instant query through the HTTP API. */
  query(expr: string): Promise<PrometheusSample[]>;
  /** Resolves with the first target once it has been scraped (up or down). */
  scraped(timeoutMs?: number): Promise<PrometheusTarget>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `target` (`host:port`) every second. */
export async function startPrometheus(target: string): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'foundation-prometheus-'));
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
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const webPort = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${webPort}`,
    ],
    { stdio: 'ignore' },
  );
  const api = `http://127.0.0.1:${webPort}/api/v1`;
  return {
    async query(expr) {
      const response = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
      return ((await response.json()) as { data: { result: PrometheusSample[] } }).data.result;
    },
    scraped(timeoutMs = 30_000) {
      return eventually(async () => {
        const body = (await (await fetch(`${api}/targets`)).json()) as {
          data: { activeTargets: PrometheusTarget[] };
        };
        const [active] = body.data.activeTargets;
        return active && active.health !== 'unknown' ? active : undefined;
      }, timeoutMs);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
