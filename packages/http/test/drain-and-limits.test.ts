import { Agent, createServer, type Server } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { createTelemetry } from '@foundation/telemetry';
import {
  createHttpFoundation,
  type HttpFoundationOptions,
  type RequestHandler,
} from '../src/index.js';
import { close, deferred, listen, send } from './support.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(handler: RequestHandler, options: HttpFoundationOptions = {}) {
  const http = createHttpFoundation({ telemetry: createTelemetry(), ...options });
  const server = createServer(http.handler(handler));
  servers.push(server);
  return { http, server, base: await listen(server) };
}

/** Resolves once `count` requests have reached the handler. */
function arrivals(count: number) {
  let seen = 0;
  const all = deferred();
  return {
    arrived() {
      seen++;
      if (seen === count) all.resolve();
    },
    all: all.promise,
  };
}

describe('graceful drain', () => {
  it('flips readiness first, lets in-flight requests finish (none reset), then closes', async () => {
    const clock = new ManualClock();
    const release = deferred();
    const arrived = arrivals(3);
    const phases: unknown[] = [];
    const onDrain = (message: unknown) => phases.push((message as { phase: string }).phase);
    subscribe('foundation:http:drain', onDrain);
    try {
      const { http, server, base } = await serve(
        async (_request, response) => {
          arrived.arrived();
          await release.promise;
          response.end('done');
        },
        { clock },
      );
      const inFlight = [send(base, '/a'), send(base, '/b'), send(base, '/c')];
      await arrived.all;
      expect(http.inFlight).toBe(3);

      const drained = http.drain(server, { readinessDelayMs: 5_000, timeoutMs: 30_000 });
      expect(http.drain(server)).toBe(drained);
      expect(http.draining).toBe(true);
      // Still accepting during the readiness delay, but no longer ready, and asking clients to go.
      const ready = await send(base, '/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toEqual({ status: 'not_ready', reason: 'draining' });
      expect(ready.headers.connection).toBe('close');
      expect((await send(base, '/livez')).status).toBe(200);

      await clock.advanceAsync(5_000);
      // The server stopped accepting: a new connection is refused.
      await expect(send(base, '/late')).rejects.toThrow(/ECONNREFUSED/);

      release.resolve();
      const replies = await Promise.all(inFlight);
      expect(replies.map((r) => [r.status, r.body])).toEqual([
        [200, 'done'],
        [200, 'done'],
        [200, 'done'],
      ]);
      const report = await drained;
      expect(report).toMatchObject({ inFlightAtStart: 3, abandoned: 0, timedOut: false });
      expect(report.durationMs).toBe(5_000);
      expect(server.listening).toBe(false);
      expect(phases).toEqual(['started', 'idle', 'closed']);
    } finally {
      unsubscribe('foundation:http:drain', onDrain);
    }
  });

  it('tells a keep-alive client to go: the in-flight response carries Connection: close', async () => {
    const clock = new ManualClock();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const release = deferred();
    const arrived = arrivals(1);
    const { http, server, base } = await serve(
      async (_request, response) => {
        arrived.arrived();
        await release.promise;
        response.end('ok');
      },
      { clock },
    );
    try {
      const first = send(base, '/first', { agent });
      await arrived.all;
      const drained = http.drain(server, { timeoutMs: 10_000 });
      release.resolve();
      const reply = await first;
      expect(reply.status).toBe(200);
      expect(reply.headers.connection).toBe('close');
      expect((await drained).timedOut).toBe(false);
      // The next request needs a new connection, which is refused (not reset mid-request).
      await expect(send(base, '/second', { agent })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });

  it('closes what is still in flight at the deadline', async () => {
    const clock = new ManualClock();
    const never = deferred();
    const arrived = arrivals(1);
    const { http, server, base } = await serve(
      async (_request, response) => {
        arrived.arrived();
        await never.promise;
        response.end('too late');
      },
      { clock },
    );
    const stuck = send(base, '/stuck').then(
      () => 'answered',
      () => 'cut',
    );
    await arrived.all;
    const drained = http.drain(server, { timeoutMs: 2_000 });
    await clock.advanceAsync(2_000);
    const report = await drained;
    expect(report).toMatchObject({ inFlightAtStart: 1, abandoned: 1, timedOut: true });
    expect(await stuck).toBe('cut');
    never.resolve();
  });

  it('closes what is still in flight when the outer deadline signal aborts', async () => {
    const never = deferred();
    const arrived = arrivals(1);
    const { http, server, base } = await serve(async (_request, response) => {
      arrived.arrived();
      await never.promise;
      response.end('too late');
    });
    const stuck = send(base, '/stuck').then(
      () => 'answered',
      () => 'cut',
    );
    await arrived.all;
    const deadline = new AbortController();
    const drained = http.drain(server, { timeoutMs: 60_000, signal: deadline.signal });
    expect(http.draining).toBe(true);
    deadline.abort();
    const report = await drained;
    expect(report).toMatchObject({ inFlightAtStart: 1, abandoned: 1, timedOut: true });
    expect(await stuck).toBe('cut');
    expect(server.listening).toBe(false);
    never.resolve();
  });

  it('skips the readiness delay when the deadline has already passed', async () => {
    const clock = new ManualClock();
    const { http, server } = await serve((_request, response) => response.end(), { clock });
    // The ManualClock never advances here: only the aborted signal can end the delay.
    const report = await http.drain(server, {
      readinessDelayMs: 5_000,
      signal: AbortSignal.abort(),
    });
    expect(report).toMatchObject({ inFlightAtStart: 0, abandoned: 0, timedOut: true });
    expect(() =>
      createHttpFoundation({ telemetry: createTelemetry() }).drain(server, {
        signal: 'x' as never,
      }),
    ).toThrow(/options.signal/);
  });

  it('drains an idle server at once and refuses bad arguments', async () => {
    const { http, server } = await serve((_request, response) => response.end());
    expect(() => http.drain({} as never)).toThrow(FoundationError);
    expect(() => http.drain(server, { timeoutMs: -1 })).toThrow(/options.timeoutMs/);
    expect(() => http.drain(server, { readinessDelayMs: Number.NaN })).toThrow(/readinessDelayMs/);
    const report = await http.drain(server);
    expect(report).toMatchObject({ inFlightAtStart: 0, abandoned: 0, timedOut: false });
  });
});

describe('rate limit', () => {
  it('sends RateLimit-Policy and RateLimit, and 429 with Retry-After past the burst', async () => {
    const clock = new ManualClock();
    const { base } = await serve((_request, response) => response.end('ok'), {
      clock,
      rateLimit: { rate: 1, per: 1000, burst: 2, policy: 'per-client' },
    });
    const first = await send(base, '/');
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"per-client";q=2;w=2');
    expect(first.headers.ratelimit).toBe('"per-client";r=1;t=1');
    expect((await send(base, '/')).headers.ratelimit).toBe('"per-client";r=0;t=2');
    const refused = await send(base, '/', { headers: { 'x-request-id': 'r-429' } });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.ratelimit).toBe('"per-client";r=0;t=2');
    expect(JSON.parse(refused.body)).toMatchObject({
      status: 429,
      code: 5102,
      codeName: 'rate_limited',
      correlationId: 'r-429',
    });
    // Probes are never limited.
    expect((await send(base, '/livez')).status).toBe(200);
    clock.advance(1_000);
    expect((await send(base, '/')).status).toBe(200);
  });

  it('counts per key, rounds the window up and leaves out Retry-After when it can never pass', async () => {
    const clock = new ManualClock();
    const { base } = await serve((_request, response) => response.end('ok'), {
      clock,
      rateLimit: {
        rate: 3,
        per: 1000,
        burst: 0.5,
        key: (request) => String(request.headers['x-user']),
      },
    });
    const a = await send(base, '/', { headers: { 'x-user': 'a' } });
    expect(a.status).toBe(429);
    expect(a.headers['ratelimit-policy']).toBe('"default";q=0;w=1');
    expect(a.headers['retry-after']).toBeUndefined();
  });

  it('labels a refused request with the route the handler option resolves', async () => {
    const telemetry = createTelemetry();
    const http = createHttpFoundation({
      telemetry,
      rateLimit: { rate: 1, per: 60_000, burst: 1 },
    });
    const server = createServer(
      http.handler((_request, response) => response.end('ok'), {
        route: (target) => (target.path.startsWith('/users/') ? '/users/:id' : undefined),
      }),
    );
    servers.push(server);
    const base = await listen(server);
    expect((await send(base, '/users/1')).status).toBe(200);
    expect((await send(base, '/users/2')).status).toBe(429);
    await new Promise((resolve) => setImmediate(resolve));
    const text = telemetry.metrics.toPrometheus();
    for (const status of [200, 429]) {
      expect(text).toContain(
        'http_server_request_duration_seconds_count{http_route="/users/:id",' +
          `http_request_method="GET",http_response_status_code="${status}"} 1`,
      );
    }
  });

  it('keeps separate buckets for separate clients', async () => {
    const clock = new ManualClock();
    const { base } = await serve((_request, response) => response.end('ok'), {
      clock,
      rateLimit: { rate: 1, per: 60_000, key: (request) => String(request.headers['x-user']) },
    });
    expect((await send(base, '/', { headers: { 'x-user': 'a' } })).status).toBe(200);
    expect((await send(base, '/', { headers: { 'x-user': 'a' } })).status).toBe(429);
    const b = await send(base, '/', { headers: { 'x-user': 'b' } });
    expect(b.status).toBe(200);
    expect(b.headers['ratelimit-policy']).toBe('"default";q=1;w=60');
  });
});
