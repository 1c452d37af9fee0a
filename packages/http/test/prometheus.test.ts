import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createTelemetry } from '@foundation/telemetry';
import { createHttpFoundation, negotiateMetricsFormat } from '../src/index.js';
import {
  prometheusAvailable,
  startPrometheus,
  type PrometheusServer,
} from './prometheus-server.js';
import { close, listen } from './support.js';

const available = prometheusAvailable('the real scrape of OpenMetrics');

describe.skipIf(!available)('a real Prometheus server scraping /metrics', () => {
  let prometheus: PrometheusServer | undefined;
  let server: Server | undefined;

  afterAll(async () => {
    await prometheus?.stop();
    if (server) await close(server);
  });

  it('negotiates OpenMetrics and stores every family, counters included', async () => {
    const telemetry = createTelemetry();
    telemetry.metrics
      .counter('jobs_total', { help: 'Jobs', labelNames: ['queue'] })
      .inc({ queue: 'a"b' }, 3);
    telemetry.metrics.counter('events', { help: 'Events' }).inc(2);
    telemetry.metrics.gauge('queue_depth_bytes', { help: 'Depth' }).set(7);
    const http = createHttpFoundation({ telemetry });
    const accepts: string[] = [];
    const handler = http.handler((_request, response, context) => {
      context.route = '/work';
      response.end('ok');
    });
    server = createServer((request, response) => {
      if (request.url === '/metrics') accepts.push(String(request.headers.accept));
      handler(request, response);
    });
    const base = await listen(server);
    await fetch(`${base}/work`);

    prometheus = await startPrometheus(new URL(base).host);
    const target = await prometheus.scraped();
    expect(target).toMatchObject({ health: 'up', lastError: '' });
    expect(accepts.length).toBeGreaterThan(0);
    expect(negotiateMetricsFormat(accepts[0])).toBe('openmetrics');

    const query = prometheus.query;
    expect((await query('jobs_total'))[0]).toMatchObject({
      metric: { queue: 'a"b' },
      value: [expect.any(Number), '3'],
    });
    expect((await query('events_total'))[0]?.value[1]).toBe('2');
    expect((await query('queue_depth_bytes'))[0]?.value[1]).toBe('7');
    const count = await query('http_server_request_duration_seconds_count{http_route="/work"}');
    expect(count[0]?.metric).toMatchObject({
      http_request_method: 'GET',
      http_response_status_code: '200',
    });
    expect(count[0]?.value[1]).toBe('1');
  });
});
