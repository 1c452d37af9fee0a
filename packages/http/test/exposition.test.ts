import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import { createTelemetry, type MetricSnapshot } from '@foundation/telemetry';
import {
  createHttpFoundation,
  HttpErrors,
  statusForError,
  toOpenMetricsText,
  toProblem,
} from '../src/index.js';
import { close, listen, send } from './support.js';

function sampleTelemetry(withCounters: boolean) {
  const telemetry = createTelemetry();
  const { metrics } = telemetry;
  if (withCounters) {
    metrics
      .counter('jobs_total', { help: 'Jobs "done"\nin total', labelNames: ['queue'] })
      .inc({ queue: 'a\\b"c\nd' }, 3);
    // Prometheus' convention (which promtool checks) wants `_total` on counter names.
    metrics.counter('events_seen_total', { help: 'Events' }).inc(2);
  }
  const depth = metrics.gauge('queue_depth', {
    help: 'Depth',
    labelNames: ['queue'],
    maxSeries: 1,
  });
  depth.set({ queue: 'a' }, 4);
  depth.set({ queue: 'b' }, -1.5);
  metrics.gauge('memory_bytes', { help: 'Memory' }).set(1024);
  const latency = metrics.histogram('job_duration_seconds', {
    help: 'Job time',
    labelNames: ['kind'],
    buckets: [0.1, 1, 10],
  });
  latency.labels({ kind: 'x' }).record(0.05);
  latency.labels({ kind: 'x' }).record(5);
  metrics
    .histogram('offset', { help: 'Offsets', buckets: [-1, 0, 1], allowNegative: true })
    .record(-3);
  return telemetry;
}

describe('toOpenMetricsText', () => {
  it('writes families, units, canonical buckets, escapes and # EOF', () => {
    const text = toOpenMetricsText(sampleTelemetry(true).metrics.getMetrics().metrics);
    expect(text).toContain(
      '# TYPE jobs counter\n# HELP jobs Jobs \\"done\\"\\nin total\njobs_total{queue="a\\\\b\\"c\\nd"} 3\n',
    );
    expect(text).toContain(
      '# TYPE events_seen counter\n# HELP events_seen Events\nevents_seen_total 2\n',
    );
    // A counter named without `_total` gets it on its samples.
    const bare = createTelemetry();
    bare.metrics.counter('events', { help: 'Events' }).inc(2);
    expect(toOpenMetricsText(bare.metrics.getMetrics().metrics)).toBe(
      '# TYPE events counter\n# HELP events Events\nevents_total 2\n# EOF\n',
    );
    expect(text).toContain('queue_depth{queue="a"} 4\nqueue_depth{queue="__overflow__"} -1.5\n');
    expect(text).toContain('# TYPE memory_bytes gauge\n# UNIT memory_bytes bytes\n');
    expect(text).toContain(
      [
        '# TYPE job_duration_seconds histogram',
        '# UNIT job_duration_seconds seconds',
        '# HELP job_duration_seconds Job time',
        'job_duration_seconds_bucket{kind="x",le="0.1"} 1',
        'job_duration_seconds_bucket{kind="x",le="1.0"} 1',
        'job_duration_seconds_bucket{kind="x",le="10.0"} 2',
        'job_duration_seconds_bucket{kind="x",le="+Inf"} 2',
        'job_duration_seconds_sum{kind="x"} 5.05',
        'job_duration_seconds_count{kind="x"} 2',
      ].join('\n'),
    );
    // Negative buckets: no _sum (it would not be a counter).
    expect(text).toContain('offset_bucket{le="-1.0"} 1\n');
    expect(text).not.toContain('offset_sum');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
  });

  it('writes special values and an empty registry', () => {
    const gauge = (value: number): MetricSnapshot => ({
      name: 'g',
      kind: 'gauge',
      help: 'g',
      labelNames: [],
      overflowCount: 0,
      series: [{ labels: {}, value }],
    });
    expect(toOpenMetricsText([gauge(Number.NaN)])).toContain('g NaN');
    expect(toOpenMetricsText([gauge(Infinity)])).toContain('g +Inf');
    expect(toOpenMetricsText([gauge(-Infinity)])).toContain('g -Inf');
    expect(toOpenMetricsText([])).toBe('# EOF\n');
  });
});

describe('toProblem and statusForError', () => {
  it('maps codes to statuses', () => {
    const cases: [string | typeof HttpErrors.http_method_not_allowed, number][] = [
      ['invalid_input', 400],
      ['authentication_failed', 401],
      ['config_update_forbidden', 403],
      ['data_not_found', 404],
      [HttpErrors.http_method_not_allowed, 405],
      ['external_service_error', 502],
      ['service_unavailable', 503],
      ['timeout', 504],
      ['data_corruption', 500],
    ];
    for (const [code, status] of cases) {
      const name = typeof code === 'string' ? code : code.name;
      expect(statusForError(new FoundationError(code as 'invalid_input')), name).toBe(status);
    }
  });

  it('keeps a framework 4xx status without its message, and ignores a mapper that throws or answers nonsense', () => {
    const tooLarge = toProblem(
      Object.assign(new Error('request entity too large: 1.2MB'), { status: 413 }),
    );
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ code: 3204, title: 'Payload Too Large' });
    expect(tooLarge.body).not.toContain('1.2MB');
    expect(toProblem(Object.assign(new Error('x'), { statusCode: 302 })).status).toBe(500);
    expect(toProblem('a string').status).toBe(500);
    const error = new FoundationError('invalid_input');
    expect(
      toProblem(error, {
        statusFor: () => {
          throw new Error('bug');
        },
      }).status,
    ).toBe(400);
    expect(toProblem(error, { statusFor: () => 200 }).status).toBe(400);
    const unavailable = new FoundationError('service_unavailable', 'down', {
      context: { retryAfterMs: 1500 },
    });
    expect(toProblem(unavailable).headers['retry-after']).toBe('2');
    const bad = new FoundationError('service_unavailable', 'down', {
      context: { retryAfterMs: -1 },
    });
    expect(toProblem(bad).headers['retry-after']).toBeUndefined();
  });
});

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!promtool) {
  if (process.env.FOUNDATION_REQUIRE_SERVICES === '1') {
    throw new Error(
      'promtool is required (FOUNDATION_REQUIRE_SERVICES=1): apt-get install prometheus',
    );
  }
  console.log(
    'promtool not installed: skipping `promtool check metrics` (apt-get install prometheus)',
  );
}

function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(!promtool)('promtool check metrics', () => {
  async function scrape(accept?: string, withCounters = true): Promise<string> {
    const telemetry = sampleTelemetry(withCounters);
    const http = createHttpFoundation({ telemetry });
    const server = createServer(
      http.handler((_request, response, context) => {
        context.route = '/work';
        response.end('ok');
      }),
    );
    try {
      const base = await listen(server);
      await send(base, '/work');
      await send(base, '/work', { method: 'POST' });
      const reply = await send(
        base,
        '/metrics',
        accept === undefined ? {} : { headers: { accept } },
      );
      return reply.body;
    } finally {
      await close(server);
    }
  }

  it('passes on the Prometheus text format', async () => {
    const text = await scrape();
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{http_route="/work",http_request_method="POST"',
    );
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });

  it('passes on the OpenMetrics format', async () => {
    // promtool 2.x reads its input with the Prometheus text parser, which takes a counter's
    // `x_total` sample for a family of its own without HELP; so this check runs on gauges
    // and histograms; counters in OpenMetrics are checked by a real Prometheus scrape
    // (prometheus.test.ts) and by the exact-output test above.
    const text = await scrape('application/openmetrics-text; version=1.0.0', false);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });
});
