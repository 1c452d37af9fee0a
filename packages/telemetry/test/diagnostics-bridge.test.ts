import { FoundationError } from '@foundation/errors';
import { channel, hasSubscribers } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  bridgeDiagnostics,
  captureTelemetry,
  createTelemetry,
  DIAGNOSTICS_MESSAGES_METRIC,
  ERRORS_CREATED_METRIC,
  FOUNDATION_CHANNELS,
} from '../src/index.js';

describe('bridgeDiagnostics', () => {
  it('turns foundation channel messages into events and counts, and unsubscribes on stop', () => {
    const t = createTelemetry();
    using capture = captureTelemetry(
      [
        ['foundation', 'config', 'updated'],
        ['foundation', 'errors', 'created'],
        ['foundation', 'app', 'custom'],
        ['foundation', 'events', 'pruned'],
      ],
      { telemetry: t },
    );
    const bridge = bridgeDiagnostics({ telemetry: t, channels: ['foundation:app:custom'] });
    expect(bridge.channels).toEqual([...FOUNDATION_CHANNELS, 'foundation:app:custom']);
    for (const name of bridge.channels) expect(hasSubscribers(name)).toBe(true);
    channel('foundation:config:updated').publish({ path: 'a.b', oldValue: 1, newValue: 2 });
    channel('foundation:app:custom').publish('just a string');
    channel('foundation:events:pruned').publish(
      JSON.parse('{"__proto__": {"polluted": true}, "count": 3}'),
    );
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('hostile');
        },
      },
    );
    channel('foundation:events:pruned').publish(hostile);
    expect(capture.named(['foundation', 'events', 'pruned'])[1]!.metadata).toEqual({
      channel: 'foundation:events:pruned',
      message: '[unreadable message]',
    });
    const error = new FoundationError('timeout', 'slow');
    channel('foundation:errors:created').publish({ note: 'not an error' });
    expect(capture.named(['foundation', 'config', 'updated'])[0]!.metadata).toEqual({
      channel: 'foundation:config:updated',
      path: 'a.b',
      oldValue: 1,
      newValue: 2,
    });
    expect(capture.named(['foundation', 'app', 'custom'])[0]!.metadata).toEqual({
      channel: 'foundation:app:custom',
      message: 'just a string',
    });
    const pruned = capture.named(['foundation', 'events', 'pruned'])[0]!.metadata;
    expect(pruned).toEqual({ channel: 'foundation:events:pruned', count: 3 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const created = capture.named(['foundation', 'errors', 'created']);
    expect(created[0]!.metadata.error).toBe(error);
    const messages = t.metrics.getMetricsFor(DIAGNOSTICS_MESSAGES_METRIC)[0]!;
    const count = (name: string): number =>
      messages.kind === 'counter'
        ? (messages.series.find((s) => s.labels.channel === name)?.value ?? 0)
        : -1;
    expect(count('foundation:config:updated')).toBe(1);
    expect(count('foundation:errors:created')).toBe(2);
    const errors = t.metrics.getMetricsFor(ERRORS_CREATED_METRIC)[0]!;
    expect(errors.series).toEqual([
      { labels: { code: 'timeout', category: 'external' }, value: 1 },
    ]);
    bridge.stop();
    bridge[Symbol.dispose]();
    for (const name of bridge.channels) expect(hasSubscribers(name)).toBe(false);
    channel('foundation:config:updated').publish({ path: 'x' });
    expect(capture.named(['foundation', 'config', 'updated'])).toHaveLength(1);
  });

  it('refuses malformed or looping channel names', () => {
    expect(() => bridgeDiagnostics({ channels: 'foundation:x:y' as unknown as string[] })).toThrow(
      FoundationError,
    );
    expect(() => bridgeDiagnostics({ channels: ['other:x:y'] })).toThrow(/channels\[0\]/);
    expect(() => bridgeDiagnostics({ channels: ['foundation:telemetry:handler-failed'] })).toThrow(
      /loop/,
    );
  });

  it('uses the default instance by default', () => {
    using bridge = bridgeDiagnostics();
    using capture = captureTelemetry([['foundation', 'resilience', 'breaker']]);
    channel('foundation:resilience:breaker').publish({ state: 'open' });
    expect(capture.events[0]!.metadata).toMatchObject({ state: 'open' });
    expect(bridge.channels).toContain('foundation:resilience:breaker');
  });
});
