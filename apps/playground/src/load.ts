/**
 * A bounded load run against the playground service, on loopback only: starts the service,
 * sends a fixed number of requests at a fixed concurrency, prints throughput and latency, and
 * stops. `pnpm --filter @foundation/playground load [requests] [concurrency]`.
 */
import { formatDuration } from '@foundation/core';
import { createPlaygroundService } from './service.js';

const total = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 32);
const paths = ['/healthz', '/config/ai.planning.samplingRate', '/status', '/events/recent?n=5'];

const service = createPlaygroundService({ ratePerSecond: 1e9, burst: 1e9 });
const { port } = await service.listen(0);
const latenciesNs: number[] = [];
const statuses = new Map<number, number>();
let next = 0;

async function worker(): Promise<void> {
  while (next < total) {
    const path = paths[next++ % paths.length]!;
    const start = process.hrtime.bigint();
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    await response.arrayBuffer();
    latenciesNs.push(Number(process.hrtime.bigint() - start));
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
}

const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsedNs = Number(process.hrtime.bigint() - started);
await service.close();

latenciesNs.sort((a, b) => a - b);
const at = (q: number): string =>
  formatDuration(latenciesNs[Math.ceil(q * latenciesNs.length) - 1] ?? 0);
process.stdout.write(
  `${total} requests, concurrency ${concurrency}, in ${formatDuration(elapsedNs)}: ` +
    `${Math.round(total / (elapsedNs / 1e9))} req/s; latency p50 ${at(0.5)}, p99 ${at(0.99)}; ` +
    `statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
);
process.exitCode = statuses.size === 1 && statuses.has(200) ? 0 : 1;
