import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createFoundation, ManualClock, type Foundation } from '@foundation/core';
import { currentCorrelationId } from '@foundation/errors';
import { createTelemetry } from '@foundation/telemetry';
import {
  createHttpFoundation,
  type HttpFoundationOptions,
  type RequestContext,
  type RequestHandler,
} from '../src/index.js';
import { close, deferred, listen, send } from './support.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(handler: RequestHandler, options: HttpFoundationOptions = {}, route?: string) {
  const http = createHttpFoundation({ telemetry: createTelemetry(), ...options });
  const server = createServer(http.handler(handler, route === undefined ? {} : { route }));
  servers.push(server);
  return { http, server, base: await listen(server) };
}

describe('the request context a handler receives', () => {
  it('gives the method, the parsed URL, the fixed route, and a settable route', async () => {
    const { base } = await serve(
      (_request, response, context) => {
        const before = context.route;
        context.route = '/items/:id';
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            method: context.method,
            search: context.url.searchParams.get('q'),
            pathname: context.url.pathname,
            path: context.path,
            before,
            after: context.route,
          }),
        );
      },
      {},
      '/items',
    );
    const reply = await send(base, '/items/7?q=shoes', { method: 'POST', body: 'x' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      method: 'POST',
      search: 'shoes',
      pathname: '/items/7',
      path: '/items/7',
      before: '/items',
      after: '/items/:id',
    });
  });

  it('run() brings back the request scope in a callback started outside it', async () => {
    const captured = deferred<RequestContext>();
    const { base } = await serve((_request, response, context) => {
      captured.resolve(context);
      response.end(context.correlationId);
    });
    const reply = await send(base, '/', { headers: { 'x-request-id': 'req-run-1' } });
    expect(reply.body).toBe('req-run-1');
    const context = await captured.promise;
    // Here, in the test body, no request scope is active.
    expect(currentCorrelationId()).not.toBe(reply.body);
    expect(context.run(() => currentCorrelationId())).toBe(reply.body);
    expect(context.run(() => 42)).toBe(42);
  });
});

describe('faults around the built-in routes and drain', () => {
  it('answers a problem, not a hang, when a foundation health check rejects', async () => {
    const real = createFoundation({ services: [] });
    const failing: Foundation = {
      ...real,
      status: () => ({ ...real.status(), state: 'running' }),
      health: () => Promise.reject(new Error('health store unreachable')),
    };
    const { base } = await serve((_request, response) => response.end('app'), {
      foundation: failing,
    });
    for (const path of ['/healthz', '/readyz']) {
      const reply = await send(base, path);
      expect(reply.status, path).toBe(500);
      expect(reply.headers['content-type'], path).toMatch(/application\/problem\+json/);
      expect(reply.body, path).not.toContain('health store unreachable');
    }
    // The app and liveness keep answering.
    expect((await send(base, '/livez')).status).toBe(200);
    expect((await send(base, '/')).body).toBe('app');
  });

  it('ends the readiness delay early when the deadline aborts during it', async () => {
    const clock = new ManualClock();
    const { http, server } = await serve((_request, response) => response.end(), { clock });
    const deadline = new AbortController();
    let settled = false;
    const drained = http.drain(server, {
      readinessDelayMs: 5_000,
      timeoutMs: 60_000,
      signal: deadline.signal,
    });
    void drained.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    // The ManualClock never advances: only the abort can end the delay.
    expect(settled).toBe(false);
    expect(http.draining).toBe(true);
    deadline.abort();
    const report = await drained;
    expect(report).toMatchObject({ inFlightAtStart: 0, abandoned: 0, timedOut: true });
    expect(server.listening).toBe(false);
  });
});
