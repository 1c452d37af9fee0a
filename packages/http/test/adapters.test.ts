import { createServer, type Server } from 'node:http';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { currentCorrelationId, FoundationError } from '@foundation/errors';
import {
  createTelemetry,
  currentTraceparent,
  type HistogramSnapshot,
  type Telemetry,
} from '@foundation/telemetry';
import { createHttpFoundation, type HttpFoundationOptions } from '../src/index.js';
import { expressFoundation } from '../src/express.js';
import { fastifyFoundation, fastifyFrameworkErrors } from '../src/fastify.js';
import { close, deferred, listen, send } from './support.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function routesOf(telemetry: Telemetry): string[] {
  const [metric] = telemetry.metrics.getMetricsFor('http_server_request_duration_seconds');
  return (metric as HistogramSnapshot).series
    .map(
      (s) =>
        `${s.labels.http_request_method} ${s.labels.http_route} ${s.labels.http_response_status_code}`,
    )
    .sort();
}

describe('Express adapter', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  async function app(options: HttpFoundationOptions = {}) {
    const telemetry = createTelemetry();
    const http = createHttpFoundation({ telemetry, ...options });
    const foundation = expressFoundation(http);
    const application = express();
    application.use(foundation.middleware);
    const users = express.Router();
    users.get('/:id', (request, response) => {
      response.json({
        id: request.params.id,
        correlationId: currentCorrelationId(),
        traceparent: currentTraceparent(),
      });
    });
    application.use('/users', users);
    application.get('/fail', () => {
      throw new FoundationError('data_not_found', 'no such order', {
        context: { path: 'id', rule: 'known order' },
      });
    });
    application.get('/crash', async () => {
      await Promise.resolve();
      throw new Error('secret=abc');
    });
    application.get('/partial', (_request, response, next) => {
      response.write('partial');
      next(new Error('mid-stream'));
    });
    application.post('/json', express.json({ limit: 10 }), (request, response) => {
      response.json(request.body);
    });
    application.use(foundation.notFound);
    application.use(foundation.errorHandler);
    const server = createServer(application);
    servers.push(server);
    return { http, telemetry, server, base: await listen(server) };
  }

  it('correlates, runs routes in the request context and records the matched route', async () => {
    const { base, telemetry } = await app();
    const reply = await send(base, '/users/7', { headers: { traceparent: TRACEPARENT } });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-request-id']).toBe(TRACE_ID);
    // The response's traceparent names this request's span in the caller's trace, and the
    // route sees the same one for its outgoing calls.
    expect(reply.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(JSON.parse(reply.body)).toEqual({
      id: '7',
      correlationId: TRACE_ID,
      traceparent: reply.headers.traceparent,
    });
    await send(base, '/users/8');
    await send(base, '/nowhere');
    await send(base, '/metrics');
    expect(routesOf(telemetry)).toEqual(['GET  404', 'GET /metrics 200', 'GET /users/:id 200']);
  });

  it('maps errors to problem+json (sync, async, framework, not found)', async () => {
    const { base } = await app();
    const missing = await send(base, '/fail', { headers: { 'x-request-id': 'e-1' } });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(missing.body)).toMatchObject({
      code: 3401,
      detail: 'no such order',
      correlationId: 'e-1',
      path: 'id',
    });
    const crash = await send(base, '/crash');
    expect(crash.status).toBe(500);
    expect(crash.body).not.toContain('secret');
    const tooLarge = await send(base, '/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'long enough' }),
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ code: 3204, status: 413 });
    const nothing = await send(base, '/nothing');
    expect(JSON.parse(nothing.body)).toMatchObject({ status: 404, code: 7503 });
    await expect(send(base, '/partial')).rejects.toThrow();
  });

  it('serves the built-in routes, answers malformed targets with 400 and rate-limits', async () => {
    const clock = new ManualClock();
    const { base } = await app({ clock, rateLimit: { rate: 1, per: 1000, burst: 1 } });
    expect((await send(base, '/livez')).status).toBe(200);
    expect((await send(base, '/readyz')).status).toBe(200);
    expect(
      (await send(base, '/metrics', { headers: { accept: 'application/openmetrics-text' } })).body,
    ).toMatch(/# EOF\n$/);
    const bad = await send(base, '/%zz');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 7501 });
    const allowed = await send(base, '/users/1');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.ratelimit).toBe('"default";r=0;t=1');
    const refused = await send(base, '/users/1');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
  });

  it('drains an Express server with requests in flight', async () => {
    const telemetry = createTelemetry();
    const http = createHttpFoundation({ telemetry });
    const foundation = expressFoundation(http);
    const release = deferred();
    const arrived = deferred();
    const application = express();
    application.use(foundation.middleware);
    application.get('/slow', async (_request, response) => {
      arrived.resolve();
      await release.promise;
      response.send('done');
    });
    const server = createServer(application);
    servers.push(server);
    const base = await listen(server);
    const slow = send(base, '/slow');
    await arrived.promise;
    const drained = http.drain(server);
    expect(
      (await http.serveBuiltin('readyz', { method: 'GET', headers: {} } as never)).status,
    ).toBe(503);
    release.resolve();
    expect((await slow).body).toBe('done');
    expect(await drained).toMatchObject({ inFlightAtStart: 1, abandoned: 0, timedOut: false });
  });
});

describe('Fastify adapter', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  async function app(options: HttpFoundationOptions = {}) {
    const telemetry = createTelemetry();
    const http = createHttpFoundation({ telemetry, ...options });
    const fastify = Fastify({
      frameworkErrors: fastifyFrameworkErrors(http),
      routerOptions: { maxParamLength: 20 },
    });
    apps.push(fastify);
    await fastify.register(fastifyFoundation(http));
    fastify.get('/users/:id', async (request) => ({
      id: (request.params as { id: string }).id,
      correlationId: currentCorrelationId(),
      traceparent: currentTraceparent(),
    }));
    fastify.get('/fail', async () => {
      throw new FoundationError('authentication_failed', 'bad token', {
        context: { token: 'abc123' },
      });
    });
    fastify.get('/crash', () => {
      throw new Error('secret=abc');
    });
    fastify.post(
      '/typed',
      {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
        },
      },
      async (request) => request.body,
    );
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const address = fastify.server.address() as { port: number };
    return { http, telemetry, fastify, base: `http://127.0.0.1:${address.port}` };
  }

  it('correlates, runs handlers in the request context and records the route template', async () => {
    const { base, telemetry } = await app();
    const reply = await send(base, '/users/7', { headers: { 'x-request-id': 'f-1' } });
    expect(reply.headers['x-request-id']).toBe('f-1');
    expect(JSON.parse(reply.body)).toEqual({
      id: '7',
      correlationId: 'f-1',
      traceparent: reply.headers.traceparent,
    });
    const traced = await send(base, '/users/9', { headers: { traceparent: TRACEPARENT } });
    expect(traced.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(JSON.parse(traced.body)).toMatchObject({ traceparent: traced.headers.traceparent });
    await send(base, '/nowhere');
    await send(base, '/livez');
    expect(routesOf(telemetry)).toEqual(['GET  404', 'GET /livez 200', 'GET /users/:id 200']);
  });

  it('maps errors, validation failures and unknown routes to problem+json', async () => {
    const { base } = await app();
    const auth = await send(base, '/fail', { headers: { 'x-request-id': 'f-2' } });
    expect(auth.status).toBe(401);
    expect(auth.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(auth.body)).toMatchObject({
      code: 4401,
      correlationId: 'f-2',
      detail: 'bad token',
    });
    expect(auth.body).not.toContain('abc123');
    const crash = await send(base, '/crash');
    expect(crash.status).toBe(500);
    expect(crash.body).not.toContain('secret');
    const invalid = await send(base, '/typed', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":"x"}',
    });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ code: 3204, status: 400 });
    const missing = await send(base, '/nothing');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 7503 });
  });

  it('serves built-in routes, refuses malformed targets and rate-limits', async () => {
    const clock = new ManualClock();
    const { base } = await app({ clock, rateLimit: { rate: 1, per: 1000, burst: 1 } });
    const metrics = await send(base, '/metrics');
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await send(base, '/healthz')).status).toBe(200);
    expect((await send(base, '/metrics', { method: 'DELETE' })).status).toBe(405);
    for (const target of ['/users/%zz', '/%zz']) {
      const bad = await send(base, target, { headers: { 'x-request-id': 'bad-1' } });
      expect(bad.status, target).toBe(400);
      expect(JSON.parse(bad.body)).toMatchObject({ code: 7501, correlationId: 'bad-1' });
    }
    const long = await send(base, `/users/${'x'.repeat(30)}`);
    expect(long.status).toBe(414);
    expect(JSON.parse(long.body)).toMatchObject({ code: 3204, status: 414 });
    expect((await send(base, '/users/1')).status).toBe(200);
    const refused = await send(base, '/users/1');
    expect(refused.status).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe('"default";q=1;w=1');
  });

  it('drains a Fastify server with requests in flight', async () => {
    const telemetry = createTelemetry();
    const http = createHttpFoundation({ telemetry });
    const fastify = Fastify();
    apps.push(fastify);
    await fastify.register(fastifyFoundation(http));
    const release = deferred();
    const arrived = deferred();
    fastify.get('/slow', async () => {
      arrived.resolve();
      await release.promise;
      return 'done';
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`;
    const slow = send(base, '/slow');
    await arrived.promise;
    const drained = http.drain(fastify.server);
    release.resolve();
    expect((await slow).body).toBe('done');
    expect(await drained).toMatchObject({ inFlightAtStart: 1, abandoned: 0, timedOut: false });
  });
});
