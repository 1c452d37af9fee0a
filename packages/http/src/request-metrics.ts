import type { Histogram, HistogramSeries, MetricsRegistry } from '@foundation/telemetry';

/**
 * The request-duration metric under the OpenTelemetry HTTP semantic conventions: its OTel
 * name, unit and attributes, and the Prometheus names the same data has in `/metrics` (dots
 * become underscores and the unit a suffix, as OpenTelemetry's Prometheus exporter writes them).
 */
export const HTTP_SERVER_REQUEST_DURATION = Object.freeze({
  /** The OpenTelemetry instrument name. */
  otelName: 'http.server.request.duration',
  /** The Prometheus metric name. */
  name: 'http_server_request_duration_seconds',
  /** The unit (UCUM), seconds. */
  unit: 's',
  /** The OpenTelemetry attribute names. */
  otelAttributes: Object.freeze(['http.route', 'http.request.method', 'http.response.status_code']),
  /** The Prometheus label names. */
  labelNames: Object.freeze(['http_route', 'http_request_method', 'http_response_status_code']),
});

/** The bucket bounds OpenTelemetry advises for `http.server.request.duration`, in seconds. */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/**
 * The `http.request.method` value: a method the HTTP specifications define, as sent, or
 * `_OTHER` for anything else, so a client cannot grow the metric's label set.
 *
 * @param method - the request method as received (`request.method`); matched case-sensitively,
 *   so `get` is `_OTHER`
 * @returns the method itself when it is a known upper-case method, else `'_OTHER'`
 */
export function normalizeMethod(method: unknown): string {
  return typeof method === 'string' && KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** Records request durations into the histogram, keeping bound series for repeated labels. */
export class RequestMetrics {
  readonly #histogram: Histogram;
  // Bound series by `route \0 method \0 status`: repeated label sets skip the label checks.
  readonly #bound = new Map<string, HistogramSeries>();
  readonly #maxBound: number;

  constructor(registry: MetricsRegistry, buckets: readonly number[]) {
    this.#histogram = registry.histogram(HTTP_SERVER_REQUEST_DURATION.name, {
      help: 'Duration of HTTP server requests.',
      labelNames: HTTP_SERVER_REQUEST_DURATION.labelNames,
      buckets,
    });
    this.#maxBound = this.#histogram.maxSeries;
  }

  /** Records one request; `status` is '' when no response was sent (OTel leaves it unset). */
  record(route: string, method: string, status: string, seconds: number): void {
    const key = `${route}\0${method}\0${status}`;
    let series = this.#bound.get(key);
    if (series === undefined) {
      series = this.#histogram.labels({
        http_route: route,
        http_request_method: method,
        http_response_status_code: status,
      });
      if (this.#bound.size < this.#maxBound) this.#bound.set(key, series);
    }
    series.record(seconds);
  }
}
