/**
 * A small HTTP service built on every Foundation package, so the whole stack can be put under
 * load: configuration, an event store and a performance monitor started together, served
 * through `@foundation/http` (correlation, request metrics, `/metrics`, `/livez` `/readyz`
 * `/healthz`, problem+json errors, a per-client rate limit and the graceful drain).
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
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import { createEvent, EventStore } from '@foundation/events';
import {
  createHttpFoundation,
  HttpErrors,
  type DrainReport,
  type HttpFoundation,
  type RequestContext,
} from '@foundation/http';
import {
  collectProcessMetrics,
  createTelemetry,
  PerformanceMonitor,
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
   * Drains the HTTP server (see `HttpFoundation.drain`): readiness flips (`/readyz` answers
   * 503), no new connections are accepted, idle keep-alive connections close, and requests in
   * flight finish (their responses close their connections). When `deadline` aborts, the
   * connections still open are closed. Resolves when the server has closed. The foundation
   * keeps running.
   */
  drain(deadline?: AbortSignal): Promise<void>;
  /** Closes every connection at once and shuts the foundation down (tests, scripts). */
  close(): Promise<void>;
  /** False once draining has begun (and before `listen`). */
  readonly ready: boolean;
  /** The foundation (config, events, monitor) behind the routes. */
  readonly foundation: Foundation;
  /** The HTTP foundation serving the requests. */
  readonly http: HttpFoundation;
  /** The HTTP server (to observe its events; the service owns it). */
  readonly server: Server;
  /** The telemetry instance holding the request metrics. */
  readonly telemetry: Telemetry;
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
  readonly context: RequestContext;
}

type RouteHandler = (call: RouteCall) => Promise<void> | void;

/** One route: its `http.route` template, the paths it serves and its handlers by method. */
interface Route {
  readonly template: string;
  matches(path: string): boolean;
  readonly handlers: Readonly<Record<string, RouteHandler>>;
}

/** The `Allow` header of a route: its methods, HEAD wherever GET is. */
function allowOf(route: Route): string {
  const methods = Object.keys(route.handlers);
  if (methods.includes('GET')) methods.push('HEAD');
  return methods.join(', ');
}

function sendJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * Creates the playground's HTTP service. Its own routes: `GET /status`, `GET /config`,
 * `GET /config/<dotted.path>`, `PUT /config/<dotted.path>` (body `{ "value": … }`),
 * `GET /events/recent?n=10`, HEAD wherever GET; `@foundation/http` adds `/metrics`, `/livez`,
 * `/readyz` and `/healthz`. Every request ends in a response: a bad target is 400, a known path
 * with another method 405 with `Allow`, an unknown path 404, an unexpected failure 500 (the
 * server stays up), errors as problem+json mapped by their code name; every request is
 * recorded in `http_server_request_duration_seconds` under the route template it asked for.
 *
 * @param options - rate limit, clock and request timeouts; every one has a default
 * @returns the service, not yet listening
 */
export function createPlaygroundService(options: PlaygroundServiceOptions = {}): PlaygroundService {
  const clock = options.clock ?? systemClock;
  const config = createConfig({
    schema: elixirScopeExampleSchema,
    updatable: elixirScopeUpdatablePaths,
  });
  const events = new EventStore({ name: 'events', maxEvents: 10_000, clock });
  const telemetry = createTelemetry();
  // The standard process metrics under prom-client's names, for stock Node.js dashboards.
  const processMetrics = collectProcessMetrics({ telemetry });
  const monitor = new PerformanceMonitor({ name: 'monitor', telemetry, intervalMs: 5_000, clock });
  const foundation = createFoundation({ services: [config, events, monitor], clock });
  const http = createHttpFoundation({
    telemetry,
    foundation,
    clock,
    rateLimit: { rate: options.ratePerSecond ?? 100, per: 1000, burst: options.burst ?? 200 },
  });

  const configPath = (context: RequestContext): string => context.path.slice('/config/'.length);
  const exact = (path: string) => (candidate: string) => candidate === path;
  const routes: readonly Route[] = [
    {
      template: '/status',
      matches: exact('/status'),
      handlers: {
        GET: ({ response }) => {
          sendJson(response, foundation.status());
        },
      },
    },
    {
      template: '/config',
      matches: exact('/config'),
      handlers: {
        GET: ({ response }) => {
          sendJson(response, config.toJSON());
        },
      },
    },
    {
      template: '/config/:path',
      matches: (path) => path.startsWith('/config/'),
      handlers: {
        GET: ({ response, context }) => {
          const path = configPath(context);
          sendJson(response, { path, value: readMasked(config.toJSON(), path) });
        },
        PUT: async ({ request, response, context }) => {
          const path = configPath(context);
          const body = await readJson(request);
          if (typeof body !== 'object' || body === null || !('value' in body)) {
            throw new FoundationError('invalid_input', 'body must be { "value": … }', {
              context: { path: 'body.value', rule: 'required' },
            });
          }
          config.update(path as Parameters<typeof config.update>[0], body.value as never);
          sendJson(response, { path, version: config.version });
        },
      },
    },
    {
      template: '/events/recent',
      matches: exact('/events/recent'),
      handlers: {
        GET: ({ response, context }) => {
          const asked = Number(context.url.searchParams.get('n') ?? 10) || 10;
          sendJson(response, events.recent(Math.min(Math.max(asked, 1), 100)));
        },
      },
    },
  ];
  const routeAt = (path: string): Route | undefined =>
    routes.find((candidate) => candidate.matches(path));

  const handle = http.handler(
    async (request, response, context) => {
      const route = routeAt(context.path);
      // Nothing matched: settling without a response is http's 404 (`http_route_not_found`).
      if (!route) return;
      const method = context.method === 'HEAD' ? 'GET' : context.method;
      const handler = Object.hasOwn(route.handlers, method) ? route.handlers[method] : undefined;
      if (!handler) {
        response.setHeader('allow', allowOf(route));
        throw new FoundationError(HttpErrors.http_method_not_allowed, `use ${allowOf(route)}`, {
          context: { path: 'method', rule: allowOf(route) },
        });
      }
      await handler({ request, response, context });
    },
    // Asked before the rate limit, so a refused request is labelled with its route too.
    { route: (target) => routeAt(target.path)?.template },
  );

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
      // Each request also becomes an event in the store (the events demo: `/events/recent`).
      response.once('close', () => {
        const route = http.scope(request)?.route ?? '';
        const status = response.writableFinished ? response.statusCode : undefined;
        events.append(createEvent('http.request', { route, status }));
      });
      handle(request, response);
    },
  );

  let listening = false;
  let drained: Promise<DrainReport> | undefined;

  function drain(deadline?: AbortSignal): Promise<void> {
    if (!listening) return Promise.resolve();
    if (drained !== undefined) {
      // Already draining: a later caller's deadline still cuts the drain short.
      const force = (): void => {
        server.closeAllConnections();
      };
      if (deadline?.aborted) force();
      else deadline?.addEventListener('abort', force, { once: true });
    }
    // No timeout of its own: the deadline (core's shutdown manager) decides when to cut off.
    drained ??= http.drain(server, {
      timeoutMs: 2 ** 31 - 1,
      ...(deadline === undefined ? {} : { signal: deadline }),
    });
    return drained.then(() => undefined);
  }

  return {
    foundation,
    http,
    server,
    telemetry,
    get ready() {
      return listening && !http.draining;
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
      return server.address() as AddressInfo;
    },
    drain,
    async close() {
      await drain(AbortSignal.abort());
      await foundation.shutdown();
      processMetrics.stop();
    },
  };
}

/**
 * The service's shutdown steps for core's `handleShutdownSignals`, in start order: the
 * foundation, then the HTTP server. Stopped in reverse, the server drains first (readiness
 * flips, in-flight requests finish, forced at the deadline) and the foundation stops after.
 *
 * @param service - the playground service to stop
 * @returns the steps, in start order
 */
export function shutdownSteps(service: PlaygroundService): ShutdownStep[] {
  return [
    { name: 'foundation', stop: () => service.foundation.shutdown() },
    { name: 'http', stop: (deadline) => service.drain(deadline) },
  ];
}
