/**
 * A small HTTP service built on every Foundation package, so the whole stack can be put under
 * load: configuration, an event store and a performance monitor started together, a per-client
 * rate limiter, request metrics in Prometheus format, and errors mapped to HTTP statuses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFoundation, systemClock, type Clock, type Foundation } from '@foundation/core';
import {
  createConfig,
  elixirScopeExampleSchema,
  elixirScopeUpdatablePaths,
} from '@foundation/config';
import {
  FoundationError,
  isForbiddenKey,
  serializeError,
  toFoundationError,
} from '@foundation/errors';
import { createEvent, EventStore } from '@foundation/events';
import { ResilienceErrors, rateLimiter } from '@foundation/resilience';
import {
  createTelemetry,
  PerformanceMonitor,
  PROMETHEUS_CONTENT_TYPE,
} from '@foundation/telemetry';

/** Options of {@link createPlaygroundService}. */
export interface PlaygroundServiceOptions {
  /** Requests per second each client may make on average. Default 100. */
  readonly ratePerSecond?: number;
  /** Requests a client may make at once. Default 200. */
  readonly burst?: number;
  /** Time source. Default the system clock. */
  readonly clock?: Clock;
}

/** The running service: its HTTP server and the foundation behind it. */
export interface PlaygroundService {
  /** Starts the foundation and listens; resolves with the bound address. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops listening and shuts the foundation down. */
  close(): Promise<void>;
  /** The foundation (config, events, monitor) behind the routes. */
  readonly foundation: Foundation;
}

/** HTTP status for an error, by its code. */
function statusFor(error: FoundationError): number {
  if (error.code === 1301 || error.code === 3401) return 404;
  if (error.code === 1401) return 403;
  if (error.code === ResilienceErrors.rate_limited.code) return 429;
  if (error.category === 'config' || error.category === 'data') return 400;
  return 500;
}

async function readJson(request: IncomingMessage, maxBytes = 64 * 1024): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new FoundationError('invalid_input', `request body over ${maxBytes} bytes`, {
        context: { path: 'body', rule: `at most ${maxBytes} bytes` },
      });
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new FoundationError('format_error', 'request body is not JSON', {
      context: { path: 'body', rule: 'valid JSON' },
    });
  }
}

/** Reads a dotted path from masked config data (so secrets never leave the service). */
function readMasked(data: unknown, path: string): unknown {
  let node = data;
  for (const segment of path.split('.')) {
    if (
      isForbiddenKey(segment) ||
      typeof node !== 'object' ||
      node === null ||
      !Object.hasOwn(node, segment)
    ) {
      throw new FoundationError('config_not_found', `no configuration at '${path}'`, {
        context: { path, rule: 'known path' },
      });
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * Creates the playground's HTTP service. Routes: `GET /health`, `GET /status`, `GET /metrics`,
 * `GET /config`, `GET /config/<dotted.path>`, `PUT /config/<dotted.path>` (body `{ "value": … }`),
 * `GET /events/recent?n=10`.
 */
export function createPlaygroundService(options: PlaygroundServiceOptions = {}): PlaygroundService {
  const clock = options.clock ?? systemClock;
  const config = createConfig({
    schema: elixirScopeExampleSchema,
    updatable: elixirScopeUpdatablePaths,
  });
  const events = new EventStore({ name: 'events', maxEvents: 10_000, clock });
  const telemetry = createTelemetry();
  const monitor = new PerformanceMonitor({ name: 'monitor', telemetry, intervalMs: 5_000, clock });
  const foundation = createFoundation({ services: [config, events, monitor], clock });
  const limiter = rateLimiter({
    rate: options.ratePerSecond ?? 100,
    per: 1000,
    burst: options.burst ?? 200,
    keyed: true,
    clock,
  });
  const requests = telemetry.metrics.counter('http_requests_total', {
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
  });
  const latency = telemetry.metrics.histogram('http_request_duration_seconds', {
    help: 'HTTP request duration',
    labelNames: ['route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
  });

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    type = 'application/json',
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'content-type': type });
    response.end(text);
  }

  async function route(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<string> {
    const { pathname } = url;
    const method = request.method ?? 'GET';
    if (method === 'GET' && pathname === '/health') {
      const health = await foundation.health();
      send(response, health.status === 'unhealthy' ? 503 : 200, health);
      return '/health';
    }
    if (method === 'GET' && pathname === '/status') {
      send(response, 200, foundation.status());
      return '/status';
    }
    if (method === 'GET' && pathname === '/metrics') {
      send(response, 200, telemetry.metrics.toPrometheus(), PROMETHEUS_CONTENT_TYPE);
      return '/metrics';
    }
    if (method === 'GET' && pathname === '/config') {
      send(response, 200, config.toJSON());
      return '/config';
    }
    if (pathname.startsWith('/config/')) {
      const path = decodeURIComponent(pathname.slice('/config/'.length));
      if (method === 'GET') {
        send(response, 200, { path, value: readMasked(config.toJSON(), path) });
      } else if (method === 'PUT') {
        const body = await readJson(request);
        if (typeof body !== 'object' || body === null || !('value' in body)) {
          throw new FoundationError('invalid_input', 'body must be { "value": … }', {
            context: { path: 'body.value', rule: 'required' },
          });
        }
        config.update(path as Parameters<typeof config.update>[0], body.value as never);
        send(response, 200, { path, version: config.version });
      } else {
        send(response, 405, { error: 'method not allowed' });
      }
      return '/config/:path';
    }
    if (method === 'GET' && pathname === '/events/recent') {
      const count = Math.min(Math.max(Number(url.searchParams.get('n') ?? 10) || 10, 1), 100);
      send(response, 200, events.recent(count));
      return '/events/recent';
    }
    send(response, 404, { error: 'not found' });
    return 'unknown';
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startNs = clock.nowNs();
    const url = new URL(request.url ?? '/', 'http://localhost');
    let name = 'rejected';
    try {
      const decision = limiter.check(request.socket.remoteAddress ?? 'unknown');
      if (!decision.allowed) {
        response.setHeader('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)));
        throw new FoundationError(ResilienceErrors.rate_limited, 'too many requests', {
          context: { retryAfterMs: decision.retryAfterMs },
        });
      }
      name = await route(request, response, url);
    } catch (caught) {
      const error = toFoundationError(caught);
      send(response, statusFor(error), { error: serializeError(error, { includeStack: false }) });
    }
    const seconds = (clock.nowNs() - startNs) / 1e9;
    requests.inc({ route: name, status: String(response.statusCode) });
    latency.record({ route: name }, seconds);
    if (name !== 'rejected') {
      events.append(
        createEvent('http.request', { route: name, status: response.statusCode, seconds }),
      );
    }
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });

  return {
    foundation,
    async listen(port, host = '127.0.0.1') {
      await foundation.initialize();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return server.address() as AddressInfo;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await foundation.shutdown();
    },
  };
}
