import { createServer, type Server } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createFoundation, ManualClock, type HealthReport, type Service } from '@foundation/core';
import { currentCorrelationId, FoundationError } from '@foundation/errors';
import { rateLimiter } from '@foundation/resilience';
import {
  createTelemetry,
  currentSpan,
  currentTraceparent,
  type HistogramSnapshot,
} from '@foundation/telemetry';
import {
  createHttpFoundation,
  HTTP_SERVER_REQUEST_DURATION,
  OPENMETRICS_CONTENT_TYPE,
  PROBLEM_CONTENT_TYPE,
  type HttpFoundationOptions,
  type RequestHandler,
} from '../src/index.js';
import { close, listen, send } from './support.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(handler: RequestHandler, options: HttpFoundationOptions = {}) {
  const telemetry = options.telemetry ?? createTelemetry();
  const http = createHttpFoundation({ ...options, telemetry });
  const server = createServer(http.handler(handler));
  servers.push(server);
  const base = await listen(server);
  return { http, server, base, telemetry };
}

function durationSnapshot(telemetry: ReturnType<typeof createTelemetry>): HistogramSnapshot {
  const [metric] = telemetry.metrics.getMetricsFor(HTTP_SERVER_REQUEST_DURATION.name);
  return metric as HistogramSnapshot;
}

describe('correlation', () => {
  const echo: RequestHandler = (_request, response, context) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        id: context.correlationId,
        source: context.correlation.source,
        inContext: currentCorrelationId(),
      }),
    );
  };

  it('takes the trace id of a valid traceparent, runs the handler in its context and echoes it', async () => {
    const { base } = await serve(echo);
    const reply = await send(base, '/', {
      headers: { traceparent: TRACEPARENT, 'x-request-id': 'ignored' },
    });
    expect(reply.headers['x-request-id']).toBe(TRACE_ID);
    expect(JSON.parse(reply.body)).toEqual({
      id: TRACE_ID,
      source: 'traceparent',
      inContext: TRACE_ID,
    });
  });

  it("continues the caller's trace: echoes a traceparent with its own span id, parents spans on it", async () => {
    const telemetry = createTelemetry();
    const { base } = await serve(
      (_request, response, context) => {
        const span = telemetry.span(['work'], {}, () => currentSpan());
        response.end(
          JSON.stringify({ outgoing: currentTraceparent(), span, trace: context.trace }),
        );
      },
      { telemetry },
    );
    const reply = await send(base, '/', { headers: { traceparent: TRACEPARENT } });
    const body = JSON.parse(reply.body) as {
      outgoing: string;
      span: { traceId: string; parentSpanId: string; spanId: string };
      trace: { traceId: string; spanId: string; sampled: boolean };
    };
    expect(body.trace.traceId).toBe(TRACE_ID);
    expect(body.trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(body.trace.spanId).not.toBe('00f067aa0ba902b7');
    expect(reply.headers.traceparent).toBe(`00-${TRACE_ID}-${body.trace.spanId}-01`);
    expect(body.outgoing).toBe(reply.headers.traceparent);
    expect(body.span.traceId).toBe(TRACE_ID);
    expect(body.span.parentSpanId).toBe(body.trace.spanId);
    // Without a traceparent the request starts a trace of its own.
    const fresh = await send(base, '/');
    expect(fresh.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh.headers.traceparent).not.toContain(TRACE_ID);
  });

  it('falls back to a valid x-request-id when the traceparent is invalid', async () => {
    const { base } = await serve(echo);
    const reply = await send(base, '/', {
      headers: { traceparent: TRACEPARENT.toUpperCase(), 'x-request-id': 'req-42' },
    });
    expect(reply.headers['x-request-id']).toBe('req-42');
    expect(JSON.parse(reply.body)).toEqual({
      id: 'req-42',
      source: 'x-request-id',
      inContext: 'req-42',
    });
  });

  it('generates an id when the x-request-id is hostile (too long, spaces, several headers)', async () => {
    const { base } = await serve(echo);
    for (const hostile of ['x'.repeat(129), 'a b', 'a,b', '<script>']) {
      const reply = await send(base, '/', { headers: { 'x-request-id': hostile } });
      const body = JSON.parse(reply.body) as { id: string; source: string };
      expect(body.source).toBe('generated');
      expect(body.id).not.toBe(hostile);
      expect(reply.headers['x-request-id']).toBe(body.id);
    }
  });

  it('honours maxRequestIdLength', async () => {
    const { base } = await serve(echo, { maxRequestIdLength: 4 });
    expect(
      (await send(base, '/', { headers: { 'x-request-id': 'abcd' } })).headers['x-request-id'],
    ).toBe('abcd');
    expect(
      (await send(base, '/', { headers: { 'x-request-id': 'abcde' } })).headers['x-request-id'],
    ).not.toBe('abcde');
  });
});

describe('errors as problem+json', () => {
  it('maps a FoundationError to its status with code, category, correlation id, path and rule', async () => {
    const { base } = await serve(() => {
      throw new FoundationError('invalid_input', 'quantity must be positive', {
        context: { path: 'body.quantity', rule: 'must be > 0', token: 'secret-token' },
      });
    });
    const reply = await send(base, '/orders', { headers: { 'x-request-id': 'req-1' } });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'quantity must be positive',
      code: 3204,
      codeName: 'invalid_input',
      category: 'data',
      correlationId: 'req-1',
      path: 'body.quantity',
      rule: 'must be > 0',
    });
    expect(reply.body).not.toContain('secret-token');
  });

  it('answers anything else with a generic 500: no message, no stack', async () => {
    const { base } = await serve(async () => {
      await Promise.resolve();
      throw new Error('password=hunter2 at db.connect');
    });
    const reply = await send(base, '/');
    expect(reply.status).toBe(500);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 500,
      title: 'Internal Server Error',
      code: 2401,
      codeName: 'internal_error',
      category: 'system',
    });
    expect(body.detail).toBeUndefined();
    expect(reply.body).not.toMatch(/hunter2|stack|at db/);
  });

  it('hides the message of a 5xx FoundationError and sets Retry-After from its hint', async () => {
    const limiter = rateLimiter({ rate: 1, per: 60_000, burst: 1 });
    limiter.check();
    const { base } = await serve(async () => {
      await limiter.acquire();
    });
    const reply = await send(base, '/');
    expect(reply.status).toBe(429);
    expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(JSON.parse(reply.body)).toMatchObject({
      code: 5102,
      codeName: 'rate_limited',
      category: 'resilience',
    });

    const unavailable = await serve(() => {
      throw new FoundationError('service_unavailable', 'db at 10.0.0.3 is down');
    });
    const down = await send(unavailable.base, '/');
    expect(down.status).toBe(503);
    expect(down.body).not.toContain('10.0.0.3');
  });

  it('uses statusFor first and a problem type base when given', async () => {
    const { base } = await serve(
      () => {
        throw new FoundationError('data_corruption');
      },
      {
        statusFor: (error) => (error.code === 3301 ? 422 : undefined),
        problemTypeBase: 'https://errors.example/',
      },
    );
    const reply = await send(base, '/');
    expect(reply.status).toBe(422);
    expect(JSON.parse(reply.body)).toMatchObject({
      type: 'https://errors.example/data_corruption',
      title: 'Unprocessable Entity',
    });
  });

  it('answers 404 when the handler settles without responding', async () => {
    const { base } = await serve(() => undefined);
    const reply = await send(base, '/nothing');
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 7503, codeName: 'http_route_not_found' });
  });

  it('cuts the connection when the handler fails after the response started', async () => {
    const { base } = await serve(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
      await Promise.resolve();
      throw new Error('broke mid-stream');
    });
    await expect(send(base, '/')).rejects.toThrow();
  });
});

describe('hostile input', () => {
  it('answers malformed percent-encoding with 400 and keeps serving', async () => {
    const { base } = await serve((_request, response, context) => {
      response.end(context.path);
    });
    for (const target of ['/%zz', '/%ff', '/a%', '/%E0%A4%A']) {
      const reply = await send(base, target);
      expect(reply.status, target).toBe(400);
      expect(JSON.parse(reply.body)).toMatchObject({
        code: 7501,
        codeName: 'http_malformed_request',
        path: 'url',
      });
    }
    const fine = await send(base, '/caf%C3%A9');
    expect(fine.status).toBe(200);
    expect(fine.body).toBe('/café');
  });

  it('serves absolute-form targets and asterisk', async () => {
    const { base } = await serve((_request, response, context) => {
      response.end(context.path);
    });
    expect((await send(base, 'http://example.com/x?y=1')).body).toBe('/x');
    expect((await send(base, '*', { method: 'OPTIONS' })).body).toBe('/*');
  });
});

describe('request metrics', () => {
  it('records http.server.request.duration in seconds with route, method and status', async () => {
    const clock = new ManualClock();
    const { base, telemetry } = await serve(
      (_request, response, context) => {
        context.route = '/users/:id';
        clock.advance(250);
        response.statusCode = 201;
        response.end();
      },
      { clock },
    );
    await send(base, '/users/7');
    await send(base, '/users/8', { method: 'PROPFIND' });
    const snapshot = durationSnapshot(telemetry);
    expect(snapshot.labelNames).toEqual([
      'http_route',
      'http_request_method',
      'http_response_status_code',
    ]);
    const get = snapshot.series.find((s) => s.labels.http_request_method === 'GET');
    expect(get?.labels).toEqual({
      http_route: '/users/:id',
      http_request_method: 'GET',
      http_response_status_code: '201',
    });
    expect(get?.count).toBe(1);
    expect(get?.sum).toBeCloseTo(0.25, 9);
    expect(get?.buckets.find((b) => b.le === 0.25)?.count).toBe(1);
    expect(get?.buckets.find((b) => b.le === 0.1)?.count).toBe(0);
    expect(snapshot.series.some((s) => s.labels.http_request_method === '_OTHER')).toBe(true);
  });

  it('uses the handler option route and publishes foundation:http:request', async () => {
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    subscribe('foundation:http:request', listener);
    try {
      const telemetry = createTelemetry();
      const http = createHttpFoundation({ telemetry });
      const server = createServer(
        http.handler((_q, response) => response.end('ok'), { route: '/fixed' }),
      );
      servers.push(server);
      await send(await listen(server), '/anything', { headers: { 'x-request-id': 'r-9' } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(messages).toContainEqual(
        expect.objectContaining({
          method: 'GET',
          route: '/fixed',
          statusCode: 200,
          correlationId: 'r-9',
        }),
      );
    } finally {
      unsubscribe('foundation:http:request', listener);
    }
  });
});

describe('/metrics', () => {
  it('serves Prometheus text by default and OpenMetrics when asked', async () => {
    const { base, telemetry } = await serve((_request, response) => response.end('ok'));
    telemetry.metrics.counter('jobs_total', { help: 'Jobs' }).inc();
    await send(base, '/work');
    const text = await send(base, '/metrics');
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(text.body).toContain('jobs_total 1');
    const om = await send(base, '/metrics', {
      headers: {
        accept:
          'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      },
    });
    expect(om.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(om.headers.vary).toBe('accept');
    expect(om.body).toContain('# TYPE jobs counter\n');
    expect(om.body).toContain('\njobs_total 1\n');
    expect(om.body).toContain('# UNIT http_server_request_duration_seconds seconds');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const { base } = await serve((_request, response) => response.end());
    const head = await send(base, '/metrics', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await send(base, '/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body)).toMatchObject({ code: 7502 });
  });

  it('moves or turns off built-in routes', async () => {
    const { base } = await serve((_request, response) => response.end('app'), {
      routes: { metrics: '/internal/metrics', healthz: false },
    });
    expect((await send(base, '/internal/metrics')).body).toContain(
      'http_server_request_duration_seconds',
    );
    expect((await send(base, '/metrics')).body).toBe('app');
    expect((await send(base, '/healthz')).body).toBe('app');
  });
});

function service(name: string, report: () => HealthReport): Service {
  return { name, start: () => undefined, stop: () => undefined, health: report };
}

describe('health routes', () => {
  it('livez is 200; readyz and healthz follow the foundation', async () => {
    let db: HealthReport = { status: 'healthy' };
    const foundation = createFoundation({
      services: [service('db', () => db), service('cache', () => ({ status: 'healthy' }))],
    });
    const { base } = await serve((_request, response) => response.end(), { foundation });
    expect((await send(base, '/livez')).status).toBe(200);
    const idle = await send(base, '/readyz');
    expect(idle.status).toBe(503);
    expect(JSON.parse(idle.body)).toEqual({ status: 'not_ready', reason: 'foundation idle' });

    await foundation.initialize();
    expect(JSON.parse((await send(base, '/readyz')).body)).toEqual({ status: 'ready' });
    const healthy = await send(base, '/healthz');
    expect(healthy.status).toBe(200);
    expect(JSON.parse(healthy.body)).toEqual({
      status: 'healthy',
      state: 'running',
      draining: false,
      services: { db: { status: 'healthy' }, cache: { status: 'healthy' } },
    });

    db = { status: 'degraded', message: 'replica lag' };
    const degraded = await send(base, '/readyz');
    expect(degraded.status).toBe(503);
    expect(JSON.parse(degraded.body)).toMatchObject({ services: ['db'] });
    expect((await send(base, '/healthz')).status).toBe(200);

    db = { status: 'unhealthy' };
    const unhealthy = await send(base, '/healthz');
    expect(unhealthy.status).toBe(503);
    expect(JSON.parse(unhealthy.body)).toMatchObject({
      status: 'unhealthy',
      services: { db: { status: 'unhealthy' } },
    });

    await foundation.shutdown();
    expect(JSON.parse((await send(base, '/readyz')).body)).toEqual({
      status: 'not_ready',
      reason: 'foundation stopped',
    });
    expect((await send(base, '/livez')).status).toBe(200);
  });

  it('without a foundation, ready means not draining', async () => {
    const { base } = await serve((_request, response) => response.end());
    expect((await send(base, '/readyz')).status).toBe(200);
    expect(JSON.parse((await send(base, '/healthz')).body)).toEqual({
      status: 'healthy',
      draining: false,
      services: {},
    });
  });
});

describe('options', () => {
  it.each([
    [{ routes: { metrics: 'metrics' } }, 'routes.metrics'],
    [{ routes: { livez: '/x', readyz: '/x' } }, 'routes.readyz'],
    [{ routes: JSON.parse('{"__proto__":"/x"}') as never }, 'routes.__proto__'],
    [{ routes: { status: '/status' } as never }, 'routes.status'],
    [{ routes: 'x' as never }, 'routes'],
    [{ maxRequestIdLength: 0 }, 'maxRequestIdLength'],
    [{ maxRequestIdLength: 2000 }, 'maxRequestIdLength'],
    [{ telemetry: {} as never }, 'telemetry'],
    [{ foundation: {} as never }, 'foundation'],
    [{ statusFor: 'x' as never }, 'statusFor'],
    [{ problemTypeBase: 1 as never }, 'problemTypeBase'],
    [{ rateLimit: { rate: 0 } }, 'rateLimit.rate'],
    [{ rateLimit: {} as never }, 'rateLimit.rate'],
    [{ rateLimit: { rate: 1, per: -1 } }, 'rateLimit.per'],
    [{ rateLimit: { rate: 1, burst: Infinity } }, 'rateLimit.burst'],
    [{ rateLimit: { rate: 1, key: 'ip' as never } }, 'rateLimit.key'],
    [{ rateLimit: { rate: 1, policy: 'a "b"' } }, 'rateLimit.policy'],
    [{ rateLimit: null as never }, 'rateLimit'],
  ])('refuses %j naming %s', (options, path) => {
    let caught: unknown;
    try {
      createHttpFoundation({ telemetry: createTelemetry(), ...options });
    } catch (error) {
      caught = error;
    }
    expect(FoundationError.is(caught)).toBe(true);
    expect((caught as FoundationError).code).toBe(3204);
    expect((caught as FoundationError).context.path).toBe(path);
  });

  it('refuses a non-object, a non-function handler and a bad handler route', () => {
    expect(() => createHttpFoundation(null as never)).toThrow(FoundationError);
    const http = createHttpFoundation({ telemetry: createTelemetry() });
    expect(() => http.handler('x' as never)).toThrow(/fn/);
    expect(() => http.handler(() => undefined, { route: 1 as never })).toThrow(/options.route/);
  });
});
