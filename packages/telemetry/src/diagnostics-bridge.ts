import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import { inputError } from './codes.js';
import { defaultTelemetry } from './default-instance.js';
import type { Metadata } from './event-name.js';
import type { Counter } from './metrics/counter.js';
import type { Telemetry } from './telemetry.js';

/** The diagnostics channels of the other Foundation packages that the bridge listens to. */
export const FOUNDATION_CHANNELS: readonly string[] = Object.freeze([
  'foundation:errors:created',
  'foundation:config:updated',
  'foundation:config:rejected',
  'foundation:config:reloaded',
  'foundation:events:appended',
  'foundation:events:pruned',
  'foundation:resilience:breaker',
  'foundation:resilience:supervisor',
]);

/** Options for {@link bridgeDiagnostics}. */
export interface DiagnosticsBridgeOptions {
  /** Where events and metrics go. Default: the default telemetry instance. */
  readonly telemetry?: Telemetry;
  /** More channel names to bridge, in the `foundation:<package>:<event>` form. */
  readonly channels?: readonly string[];
}

/** A running bridge; `stop` unsubscribes from every channel. */
export interface DiagnosticsBridge {
  /** The channels it listens to. */
  readonly channels: readonly string[];
  /** Unsubscribes from every channel. Safe to repeat. */
  stop(): void;
  /** Same as `stop`, for `using`. */
  [Symbol.dispose](): void;
}

/** The counter every bridged message increments, labelled by channel. */
export const DIAGNOSTICS_MESSAGES_METRIC = 'foundation_diagnostics_messages_total';
/** The counter of FoundationErrors created, by code name and category. */
export const ERRORS_CREATED_METRIC = 'foundation_errors_created_total';

const CHANNEL_NAME = /^foundation:[a-z0-9-]+:[a-z0-9-]+$/;

function checkChannelNames(extra: unknown): string[] {
  if (extra === undefined) return [];
  if (!Array.isArray(extra)) {
    throw inputError('invalid_input', 'channels', 'channels must be an array of channel names');
  }
  return extra.map((name: unknown, i) => {
    if (typeof name !== 'string' || !CHANNEL_NAME.test(name)) {
      throw inputError(
        'invalid_input',
        `channels[${i}]`,
        `a channel name must match ${String(CHANNEL_NAME)}`,
      );
    }
    if (name.startsWith('foundation:telemetry:')) {
      throw inputError('invalid_input', `channels[${i}]`, "telemetry's own channels would loop");
    }
    return name;
  });
}

/** A message as event metadata: its own enumerable fields (forbidden keys dropped), or `{ message }`. */
function toMetadata(message: unknown, channel: string): Metadata {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { channel, message };
  }
  const metadata: Record<string, unknown> = { channel };
  try {
    for (const [key, value] of Object.entries(message)) {
      if (!isForbiddenKey(key)) metadata[key] = value;
    }
  } catch {
    // A throwing getter or proxy must not escape: diagnostics_channel would rethrow it as an
    // uncaught exception in the publisher's process.
    return { channel, message: '[unreadable message]' };
  }
  return metadata;
}

/** Counts the FoundationError an `errors:created` message carries, by code and category. */
function countCreatedError(message: unknown, counter: Counter): void {
  let error: unknown;
  try {
    error = (message as { error?: unknown } | null)?.error;
  } catch {
    // A throwing getter must not escape (see toMetadata): such a message counts no error.
    return;
  }
  if (FoundationError.is(error)) counter.inc({ code: error.codeName, category: error.category });
}

/**
 * Subscribes to the `foundation:*` diagnostics channels of the other packages (by name, so
 * telemetry needs none of them installed) and turns every message into a telemetry event named
 * by the channel (`foundation:config:updated` → `['foundation', 'config', 'updated']`, the
 * message's fields as metadata) and a count in `foundation_diagnostics_messages_total{channel}`.
 * FoundationErrors created are also counted by code in `foundation_errors_created_total`.
 *
 * @param options - `telemetry`, where events and metrics go (default the default instance), and
 *   `channels`, more `foundation:<package>:<event>` channel names to bridge besides the known ones
 * @returns the running bridge, listing its channels; call `stop` (or dispose it) to unsubscribe
 */
export function bridgeDiagnostics(options: DiagnosticsBridgeOptions = {}): DiagnosticsBridge {
  const telemetry = options.telemetry ?? defaultTelemetry;
  const channels = [...new Set([...FOUNDATION_CHANNELS, ...checkChannelNames(options.channels)])];
  const messages = telemetry.metrics.counter(DIAGNOSTICS_MESSAGES_METRIC, {
    help: 'Messages seen on Foundation diagnostics channels',
    labelNames: ['channel'],
  });
  const errorsCreated = telemetry.metrics.counter(ERRORS_CREATED_METRIC, {
    help: 'FoundationErrors created, by code',
    labelNames: ['code', 'category'],
  });
  const subscriptions = channels.map((channel) => {
    const eventName = Object.freeze(channel.split(':'));
    const seen = messages.labels({ channel });
    const countsErrors = channel === 'foundation:errors:created';
    const onMessage = (message: unknown): void => {
      seen.inc();
      if (countsErrors) countCreatedError(message, errorsCreated);
      telemetry.execute(eventName, { count: 1 }, toMetadata(message, channel));
    };
    subscribe(channel, onMessage);
    return { channel, onMessage };
  });
  let active = true;
  const stop = (): void => {
    if (!active) return;
    active = false;
    for (const { channel, onMessage } of subscriptions) unsubscribe(channel, onMessage);
  };
  return { channels: Object.freeze(channels), stop, [Symbol.dispose]: stop };
}
