import { FoundationError } from '@foundation/errors';
import { channel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  bridgeDiagnostics,
  captureTelemetry,
  createTelemetry,
  DIAGNOSTICS_MESSAGES_METRIC,
  instrument,
  type CounterSnapshot,
  type InstrumentOptions,
} from '../src/index.js';

function refused(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    if (FoundationError.is(error)) return error;
    throw new Error(`expected a FoundationError, got ${String(error)}`);
  }
  throw new Error('expected a throw');
}

describe('review regressions', () => {
  it('instrument refuses null options with a FoundationError', () => {
    const error = refused(() => instrument(() => 1, null as unknown as InstrumentOptions));
    expect(error.context).toMatchObject({ path: 'options.name' });
  });

  it('attach with null options uses the defaults instead of throwing a TypeError', () => {
    const t = createTelemetry();
    t.attach('h', ['a', 'b'], () => undefined, null as unknown as undefined);
    expect(t.listHandlers()).toEqual([{ id: 'h', eventName: ['a', 'b'], onError: 'detach' }]);
  });

  it('an errors:created message whose error getter throws is still bridged', () => {
    const t = createTelemetry();
    using capture = captureTelemetry([['foundation', 'errors', 'created']], { telemetry: t });
    using _bridge = bridgeDiagnostics({ telemetry: t });
    const hostile = {
      get error(): never {
        throw new Error('hostile getter');
      },
    };
    channel('foundation:errors:created').publish(hostile);
    expect(capture.events).toHaveLength(1);
    expect(capture.events[0]!.metadata).toEqual({
      channel: 'foundation:errors:created',
      message: '[unreadable message]',
    });
    const seen = t.metrics.get(DIAGNOSTICS_MESSAGES_METRIC)!.snapshot() as CounterSnapshot;
    expect(seen.series.find((s) => s.labels.channel === 'foundation:errors:created')?.value).toBe(
      1,
    );
  });
});
