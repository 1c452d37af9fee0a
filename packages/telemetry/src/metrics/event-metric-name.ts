import type { EventName } from '../event-name.js';

const NOT_ALLOWED = /[^a-zA-Z0-9_]/g;

/**
 * The Prometheus metric name `emitCounter` and `emitGauge` record an event under: its segments
 * joined with `_`, every character a metric name cannot hold replaced by `_`, `_` in front of
 * a leading digit, and `suffix` appended unless already there (`['http', 'requests']` with
 * `_total` is `http_requests_total`). Different names can map to one metric
 * (`['a.b']` and `['a', 'b']`); they then share it.
 *
 * @param eventName - the event's name, such as `['http', 'requests']`
 * @param suffix - appended unless the name already ends with it, such as `_total` for a
 *   counter. Default `''`: nothing appended
 * @returns a valid Prometheus metric name, such as `http_requests_total`
 */
export function eventMetricName(eventName: EventName, suffix = ''): string {
  let name = eventName.join('_').replace(NOT_ALLOWED, '_');
  if (name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57) name = `_${name}`;
  return suffix !== '' && !name.endsWith(suffix) ? name + suffix : name;
}
