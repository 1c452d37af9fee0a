import { channel } from 'node:diagnostics_channel';

/**
 * The diagnostics channels of `@foundation/http`: `foundation:http:request` (one message per
 * finished request) and `foundation:http:drain` (each phase of a graceful drain). Messages are
 * only built when someone subscribes.
 */
export const httpChannels = Object.freeze({
  /** `{ method, route, statusCode, durationNs, correlationId }` when a request ends. */
  request: channel('foundation:http:request'),
  /** `{ phase: 'started' | 'idle' | 'forced' | 'closed', inFlight }` during a drain. */
  drain: channel('foundation:http:drain'),
});
