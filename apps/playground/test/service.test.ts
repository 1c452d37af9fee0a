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
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('healthy');

    const status = (await (await fetch(`${base}/status`)).json()) as { state: string };
    expect(status.state).toBe('running');

    const config = (await (await fetch(`${base}/config`)).json()) as { ai: { apiKey: unknown } };
    expect(config.ai).toBeDefined();

    const rate = await fetch(`${base}/config/ai.planning.samplingRate`);
    expect(await rate.json()).toEqual({ path: 'ai.planning.samplingRate', value: 1 });

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/http_requests_total\{route="\/health",status="200"\} 1/);
    expect(text).toContain('http_request_duration_seconds_bucket');

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
    expect(((await forbidden.json()) as { error: { code: number } }).error.code).toBe(1401);

    const invalid = await put('ai.planning.samplingRate', JSON.stringify({ value: 7 }));
    expect(invalid.status).toBe(400);

    const notJson = await put('ai.planning.samplingRate', '{');
    expect(notJson.status).toBe(400);

    const missing = await fetch(`${base}/config/ai.nope`);
    expect(missing.status).toBe(404);

    const polluting = await fetch(`${base}/config/__proto__.polluted`);
    expect(polluting.status).toBe(404);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('refuses a client over its rate with 429 and Retry-After', async () => {
    const base = await start({ ratePerSecond: 1, burst: 2 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/status`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
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
    expect(text).toMatch(/http_requests_total\{route="\/status",status="200"\} 1/);
    expect(text).toMatch(/http_requests_total\{route="\/status",status="429"\} 1/);
    expect(text).toMatch(/http_requests_total\{route="\/config\/:path",status="404"\} 1/);
    expect(text).toMatch(/http_requests_total\{route="unknown",status="404"\} 1/);
    expect(text).not.toContain('route="rejected"');
  });
});
