import { checkEventName, type EventName, type Measurements, type Metadata } from './event-name.js';
import { defaultTelemetry } from './default-instance.js';
import type { Telemetry } from './telemetry.js';
import { generateId } from '@foundation/core';

/** One event recorded by {@link captureTelemetry}. */
export interface CapturedEvent {
  /** The event's name. */
  readonly eventName: EventName;
  /** Its measurements. */
  readonly measurements: Measurements;
  /** Its metadata. */
  readonly metadata: Metadata;
}

/** A running capture: read `events`, then `stop` (or `using`). */
export interface TelemetryCapture {
  /** Every captured event, in emission order. */
  readonly events: readonly CapturedEvent[];
  /** The captured events with exactly this name. */
  named(eventName: EventName): CapturedEvent[];
  /** Forgets the events captured so far. */
  clear(): void;
  /** Detaches the capture. Safe to repeat. */
  stop(): void;
  /** Same as `stop`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * A test helper: records every event emitted with one of `eventNames` until stopped, for
 * assertions. Its handler is kept (not detached) if anything goes wrong.
 *
 * @example
 * ```ts
 * using capture = captureTelemetry([['orders', 'create', 'stop']]);
 * await createOrder(order);
 * expect(capture.events).toHaveLength(1);
 * ```
 *
 * @param eventNames - the exact event names to record
 * @param options - `telemetry`, the instance to listen to (default the default instance)
 * @returns a capture holding the events recorded so far, in order, until it is stopped or
 *   disposed
 */
export function captureTelemetry(
  eventNames: readonly EventName[],
  options: { readonly telemetry?: Telemetry } = {},
): TelemetryCapture {
  const telemetry = options.telemetry ?? defaultTelemetry;
  const events: CapturedEvent[] = [];
  const id = `capture:${generateId()}`;
  telemetry.attachMany(
    id,
    eventNames,
    (eventName, measurements, metadata) => {
      events.push({ eventName, measurements, metadata });
    },
    { onError: 'keep' },
  );
  const stop = (): void => {
    telemetry.detach(id);
  };
  return {
    events,
    named: (eventName) => {
      const wanted = checkEventName(eventName).join('\u0000');
      return events.filter((e) => e.eventName.join('\u0000') === wanted);
    },
    clear: () => {
      events.length = 0;
    },
    stop,
    [Symbol.dispose]: stop,
  };
}
