import { afterEach, describe, expect, it } from 'vitest';
import { createPlaygroundService, type PlaygroundService } from '../src/service.js';

let service: PlaygroundService | undefined;

afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function start(options = {}): Promise<string> {
  service = createPlaygroundService(options);
  const address = await service.listen(0);
  return `http://127.0.0.1:${address.port}`;
}

describe('the playground HTTP service', () => {
  it('serves health, status, config, metrics and recent events', async () => {
    const base = await start();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('healthy');
    expect((await fetch(`${base}/livez`)).status).toBe(200);

    const status = (await (await fetch(`${base}/status`)).json()) as { state: string };
    expect(status.state).toBe('running');

    const config = (await (await fetch(`${base}/config`)).json()) as { ai: { apiKey: unknown } };
    expect(config.ai).toBeDefined();

    const rate = await fetch(`${base}/config/ai.planning.samplingRate`);
    expect(await rate.json()).toEqual({ path: 'ai.planning.samplingRate', value: 1 });

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain(
      'http_server_request_duration_seconds_count{http_route="/healthz",' +
        'http_request_method="GET",http_response_status_code="200"} 1',
    );
    expect(text).toContain('http_server_request_duration_seconds_bucket');

    const recent = (await (await fetch(`${base}/events/recent?n=3`)).json()) as {
      type: string;
      data: { route: string };
    }[];
    expect(recent).toHaveLength(3);
    expect(recent.every((event) => event.type === 'http.request')).toBe(true);
    expect(recent[0]!.data.route).toBe('/metrics');
  });

  it('updates an updatable path, and maps refusals to HTTP statuses', async () => {
    const base = await start();
    const put = (path: string, body: string): Promise<Response> =>
      fetch(`${base}/config/${path}`, {
        method: 'PUT',
        body,
        headers: { 'content-type': 'application/json' },
      });

    const ok = await put('ai.planning.samplingRate', JSON.stringify({ value: 0.5 }));
    expect(ok.status).toBe(200);
    expect(await (await fetch(`${base}/config/ai.planning.samplingRate`)).json()).toMatchObject({
      value: 0.5,
    });

    const forbidden = await put('ai.provider', JSON.stringify({ value: 'openai' }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toBe('application/problem+json');
    expect(await forbidden.json()).toMatchObject({
      status: 403,
      codeName: 'config_update_forbidden',
      category: 'config',
      correlationId: forbidden.headers.get('x-request-id'),
    });

    const invalid = await put('ai.planning.samplingRate', JSON.stringify({ value: 7 }));
    expect(invalid.status).toBe(400);

    const notJson = await put('ai.planning.samplingRate', '{');
    expect(notJson.status).toBe(400);

    const missing = await fetch(`${base}/config/ai.nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ codeName: 'config_not_found' });

    const polluting = await fetch(`${base}/config/__proto__.polluted`);
    expect(polluting.status).toBe(404);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const nowhere = await fetch(`${base}/nowhere`);
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ codeName: 'http_route_not_found' });
  });

  it("echoes the caller's trace id as the correlation id of the request and its errors", async () => {
    const base = await start();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${base}/config/ai.nope`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.headers.get('x-request-id')).toBe(traceId);
    expect(((await response.json()) as { correlationId: string }).correlationId).toBe(traceId);
  });

  it('refuses a client over its rate with 429, Retry-After and RateLimit headers', async () => {
    const base = await start({ ratePerSecond: 1, burst: 2 });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/status`);
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused?.headers.get('ratelimit-policy')).toBe('"default";q=2;w=2');
    expect(refused?.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
  });

  it('labels request metrics with the route that failed, not one bucket for all refusals', async () => {
    const base = await start({ ratePerSecond: 1, burst: 3 });
    const statuses: number[] = [];
    for (const path of ['/status', '/config/ai.nope', '/nowhere', '/status']) {
      const response = await fetch(`${base}${path}`);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 404, 404, 429]);
    const text = service!.telemetry.metrics.toPrometheus();
    const count = (route: string, status: number): string =>
      `http_server_request_duration_seconds_count{http_route="${route}",` +
      `http_request_method="GET",http_response_status_code="${status}"} 1`;
    expect(text).toContain(count('/status', 200));
    expect(text).toContain(count('/status', 429));
    expect(text).toContain(count('/config/:path', 404));
    // No route matched: OpenTelemetry leaves `http.route` empty rather than invent one.
    expect(text).toContain(count('', 404));
  });
});
