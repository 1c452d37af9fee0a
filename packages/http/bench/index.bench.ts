/**
 * Per-request overhead of @foundation/http over loopback, side by side in one process with a
 * bare node:http handler and with prom-client plus pino-http doing the same work (a
 * correlation id from `x-request-id` or generated and echoed, a request-scoped context, and a
 * request-duration histogram with route, method and status). Each case sends a batch of 32
 * concurrent keep-alive GETs to its own server on 127.0.0.1; figures are per batch, and the
 * overhead is a case minus the bare handler. Run with `pnpm --filter @foundation/http bench`.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BenchSuite } from '@foundation/bench-kit';
import { createTelemetry } from '@foundation/telemetry';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { Histogram, Registry } from 'prom-client';
import { createHttpFoundation, HTTP_DURATION_BUCKETS } from '../src/index.js';

const BATCH = 32;

const bare: RequestListener = (_request, response) => {
  response.setHeader('content-type', 'text/plain');
  response.end('ok');
};

const http = createHttpFoundation({ telemetry: createTelemetry() });
const foundation = http.handler(
  (_request, response) => {
    response.setHeader('content-type', 'text/plain');
    response.end('ok');
  },
  { route: '/hello' },
);

const registry = new Registry();
const histogram = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'Duration of HTTP server requests.',
  labelNames: ['http_route', 'http_request_method', 'http_response_status_code'],
  buckets: [...HTTP_DURATION_BUCKETS],
  registers: [registry],
});
const logged = pinoHttp({
  logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })),
  // Correlation as the foundation does it; per-request log lines off, as the foundation writes none.
  autoLogging: false,
  genReqId: (req, res) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && given.length <= 128 ? given : randomUUID();
    res.setHeader('x-request-id', id);
    return id;
  },
});
const promPino: RequestListener = (req, res) => {
  const start = process.hrtime.bigint();
  logged(req, res);
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    histogram.observe(
      {
        http_route: '/hello',
        http_request_method: req.method ?? '',
        http_response_status_code: res.statusCode,
      },
      seconds,
    );
  });
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
};

async function start(listener: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const agent = new Agent({ keepAlive: true, maxSockets: BATCH });

function get(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/hello', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

async function batch(port: number): Promise<number> {
  const done = await Promise.all(Array.from({ length: BATCH }, () => get(port)));
  return done.length;
}

const servers = await Promise.all([start(bare), start(foundation), start(promPino)]);
const [bareServer, foundationServer, promPinoServer] = servers.map((s) => s.port) as [
  number,
  number,
  number,
];

const suite = new BenchSuite(
  `@foundation/http per-request overhead (batches of ${BATCH} over loopback)`,
  3,
)
  .add('bare node:http', () => batch(bareServer))
  .add('foundation handler', () => batch(foundationServer))
  .add('prom-client + pino-http', () => batch(promPinoServer));

function overheadNs(name: string): number {
  const cases = suite.results;
  return (cases.get(name)!.avgNs - cases.get('bare node:http')!.avgNs) / BATCH;
}

suite.check('foundation overhead per request <= prom-client + pino-http overhead', () => {
  const ours = overheadNs('foundation handler');
  const theirs = overheadNs('prom-client + pino-http');
  return {
    ok: ours <= theirs,
    actual: `${(ours / 1e3).toFixed(2)} µs vs ${(theirs / 1e3).toFixed(2)} µs`,
  };
});

await suite.run();
agent.destroy();
await Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
