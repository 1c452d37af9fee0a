/**
 * A small HTTP service built on every Foundation package, so the whole stack can be put under
 * load: configuration, an event store and a performance monitor started together, a per-client
 * rate limiter, request metrics in Prometheus format, and errors mapped to HTTP statuses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createFoundation,
  systemClock,
  type Clock,
  type Foundation,
  type ShutdownStep,
} from '@foundation/core';
import { createConfig } from '@foundation/config';
import { elixirScopeExampleSchema, elixirScopeUpdatablePaths } from '@foundation/config/examples';
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
  type Telemetry,
} from '@foundation/telemetry';

/** Options of {@link createPlaygroundService}. */
export interface PlaygroundServiceOptions {
  /** Requests per second each client may make on average. Default 100. */
  readonly ratePerSecond?: number;
  /** Requests a client may make at once. Default 200. */
  readonly burst?: number;
  /** Time source. Default the system clock. */
  readonly clock?: Clock;
  /** How long a client may take to send a request's headers. Default 10 000. */
  readonly headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, body included; a half-sent body is
   * answered with 408 and the connection closed. Default 15 000 (Node's own is 300 000).
   */
  readonly requestTimeoutMs?: number;
}

/** The running service: its HTTP server and the foundation behind it. */
export interface PlaygroundService {
  /** Starts the foundation and listens; resolves with the bound address. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Drains the HTTP server: readiness flips (`/ready` answers 503), no new connections are
   * accepted, idle keep-alive connections close, and requests in flight finish (their responses
   * close their connections). When `deadline` aborts, the connections still open are closed.
   * Resolves when the server has closed. The foundation keeps running.
   */
  drain(deadline?: AbortSignal): Promise<void>;
  /** Closes every connection at once and shuts the foundation down (tests, scripts). */
  close(): Promise<void>;
  /** False once draining has begun (and before `listen`). */
  readonly ready: boolean;
  /** The foundation (config, events, monitor) behind the routes. */
  readonly foundation: Foundation;
  /** The HTTP server (to observe its events; the service owns it). */
  readonly server: Server;
  /** The telemetry instance holding the request metrics. */
  readonly telemetry: Telemetry;
}

/** HTTP status for an error, by its code. */
function statusFor(error: FoundationError): number {
  if (error.code === 1301 || error.code === 3401) return 404;
  if (error.code === 1401) return 403;
  if (error.code === ResilienceErrors.rate_limited.code) return 429;
  if (error.category === 'config' || error.category === 'data') return 400;
  return 500;
}

/**
 * The request target as a URL. An origin-form target (`/path?query`) is joined to a fixed base
 * as text, so a path starting with `//` stays a path instead of naming a host; anything that
 * does not parse (`//[`, `http://[/`, `http://a:99999/`) is a 400.
 */
function parseTarget(target: string | undefined): URL {
  const text = target ?? '/';
  try {
    return text.startsWith('/') ? new URL(`http://localhost${text}`) : new URL(text);
  } catch {
    throw new FoundationError('format_error', 'the request target is not a valid URL', {
      context: { path: 'request.url', rule: 'valid request target' },
    });
  }
}

/** Decodes a path segment; malformed %-encoding is the client's fault (400), never a 500. */
function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new FoundationError('format_error', 'the path has malformed %-encoding', {
      context: { path: 'request.url', rule: 'valid %-encoding' },
    });
  }
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

/** What a route handler is given. */
interface RouteCall {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  /** The request method, with HEAD read as GET (Node leaves the body out of HEAD replies). */
  readonly method: string;
}

/** One route: the label its metrics carry, the paths it serves and its handlers by method. */
interface Route {
  readonly label: string;
  matches(pathname: string): boolean;
  readonly handlers: Readonly<Record<string, (call: RouteCall) => Promise<void> | void>>;
}

/** The `Allow` header of a route: its methods, HEAD wherever GET is. */
function allowOf(route: Route): string {
  const methods = Object.keys(route.handlers);
  if (methods.includes('GET')) methods.push('HEAD');
  return methods.join(', ');
}

/**
 * Creates the playground's HTTP service. Routes: `GET /health`, `GET /status`, `GET /metrics`,
 * `GET /config`, `GET /config/<dotted.path>`, `PUT /config/<dotted.path>` (body `{ "value": … }`),
 * `GET /events/recent?n=10`; HEAD wherever GET. Every request ends in a response: a bad target or
 * %-encoding is 400, a known path with another method 405 with `Allow`, an unexpected failure 500
 * (the server stays up), and request metrics are labelled with the route that was asked for.
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

  let listening = false;
  let draining = false;
  let ready = false;

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    // While draining, each answer closes its connection, so keep-alive clients move elsewhere
    // and the server can finish closing.
    const closing = draining ? { connection: 'close' } : {};
    response.writeHead(status, { 'content-type': 'application/json', ...closing, ...headers });
    response.end(text);
  }

  const exact = (path: string) => (pathname: string) => pathname === path;
  const routes: readonly Route[] = [
    {
      label: '/ready',
      matches: exact('/ready'),
      handlers: {
        GET: ({ response }) => {
          send(response, ready ? 200 : 503, { ready });
        },
      },
    },
    {
      label: '/health',
      matches: exact('/health'),
      handlers: {
        GET: async ({ response }) => {
          const health = await foundation.health();
          send(response, health.status === 'unhealthy' ? 503 : 200, health);
        },
      },
    },
    {
      label: '/status',
      matches: exact('/status'),
      handlers: {
        GET: ({ response }) => {
          send(response, 200, foundation.status());
        },
      },
    },
    {
      label: '/metrics',
      matches: exact('/metrics'),
      handlers: {
        GET: ({ response }) => {
          send(response, 200, telemetry.metrics.toPrometheus(), {
            'content-type': PROMETHEUS_CONTENT_TYPE,
          });
        },
      },
    },
    {
      label: '/config',
      matches: exact('/config'),
      handlers: {
        GET: ({ response }) => {
          send(response, 200, config.toJSON());
        },
      },
    },
    {
      label: '/config/:path',
      matches: (pathname) => pathname.startsWith('/config/'),
      handlers: {
        GET: ({ response, url }) => {
          const path = decodePath(url.pathname.slice('/config/'.length));
          send(response, 200, { path, value: readMasked(config.toJSON(), path) });
        },
        PUT: async ({ request, response, url }) => {
          const path = decodePath(url.pathname.slice('/config/'.length));
          const body = await readJson(request);
          if (typeof body !== 'object' || body === null || !('value' in body)) {
            throw new FoundationError('invalid_input', 'body must be { "value": … }', {
              context: { path: 'body.value', rule: 'required' },
            });
          }
          config.update(path as Parameters<typeof config.update>[0], body.value as never);
          send(response, 200, { path, version: config.version });
        },
      },
    },
    {
      label: '/events/recent',
      matches: exact('/events/recent'),
      handlers: {
        GET: ({ response, url }) => {
          const asked = Number(url.searchParams.get('n') ?? 10) || 10;
          send(response, 200, events.recent(Math.min(Math.max(asked, 1), 100)));
        },
      },
    },
  ];

  /** Answers one request; returns the route label its metrics carry. */
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<string> {
    let label = 'invalid';
    try {
      const url = parseTarget(request.url);
      const route = routes.find((candidate) => candidate.matches(url.pathname));
      label = route?.label ?? 'unknown';
      const decision = limiter.check(request.socket.remoteAddress ?? 'unknown');
      if (!decision.allowed) {
        response.setHeader('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)));
        throw new FoundationError(ResilienceErrors.rate_limited, 'too many requests', {
          context: { retryAfterMs: decision.retryAfterMs },
        });
      }
      if (!route) {
        send(response, 404, { error: 'not found' });
        return label;
      }
      const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
      const handler = Object.hasOwn(route.handlers, method) ? route.handlers[method] : undefined;
      if (!handler) {
        send(response, 405, { error: 'method not allowed' }, { allow: allowOf(route) });
        return label;
      }
      await handler({ request, response, url, method });
    } catch (caught) {
      const error = toFoundationError(caught);
      const body = { error: serializeError(error, { includeStack: false }) };
      if (response.headersSent) response.destroy(error);
      else send(response, statusFor(error), body);
    }
    return label;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startNs = clock.nowNs();
    const label = await answer(request, response);
    const seconds = (clock.nowNs() - startNs) / 1e9;
    const status = response.statusCode;
    requests.inc({ route: label, status: String(status) });
    latency.record({ route: label }, seconds);
    events.append(createEvent('http.request', { route: label, status, seconds }));
  }

  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeoutMs);
  const server: Server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default), so it bounds how late a
      // slow client is cut off.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, headersTimeoutMs / 4)),
    },
    (request, response) => {
      // Nothing a request does may take the process down: a failure after the response began
      // (metrics, the event store) ends that response, never the server.
      handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, { error: 'internal error' });
        else response.destroy(error instanceof Error ? error : undefined);
      });
    },
  );

  let closed: Promise<void> | undefined;

  function drain(deadline?: AbortSignal): Promise<void> {
    ready = false;
    draining = true;
    closed ??= new Promise<void>((resolve) => {
      if (!listening) {
        resolve();
        return;
      }
      // close() stops accepting and closes idle keep-alive connections (Node 19+); busy ones
      // close after their response, which carries `connection: close` from now on.
      server.close(() => {
        resolve();
      });
    });
    const force = (): void => {
      server.closeAllConnections();
    };
    if (deadline?.aborted) force();
    else deadline?.addEventListener('abort', force, { once: true });
    return closed;
  }

  return {
    foundation,
    server,
    telemetry,
    get ready() {
      return ready;
    },
    async listen(port, host = '127.0.0.1') {
      await foundation.initialize();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      listening = true;
      ready = true;
      return server.address() as AddressInfo;
    },
    drain,
    async close() {
      await drain(AbortSignal.abort());
      await foundation.shutdown();
    },
  };
}

/**
 * The service's shutdown steps for core's `handleShutdownSignals`, in start order: the
 * foundation, then the HTTP server. Stopped in reverse, the server drains first (readiness
 * flips, in-flight requests finish, forced at the deadline) and the foundation stops after.
 */
export function shutdownSteps(service: PlaygroundService): ShutdownStep[] {
  return [
    { name: 'foundation', stop: () => service.foundation.shutdown() },
    { name: 'http', stop: (deadline) => service.drain(deadline) },
  ];
}
