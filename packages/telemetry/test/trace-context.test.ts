import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import {
  captureTelemetry,
  createTelemetry,
  currentSpan,
  currentTraceContext,
  currentTraceparent,
  formatTraceparent,
  newSpanId,
  newTraceId,
  runWithTraceContext,
} from '../src/index.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

describe('W3C trace context', () => {
  it('gives spans W3C ids: a new trace at the root, the parent trace inside', async () => {
    const telemetry = createTelemetry();
    const capture = captureTelemetry(
      [
        ['outer', 'start'],
        ['inner', 'start'],
      ],
      { telemetry },
    );
    let inside: string | undefined;
    await telemetry.span(['outer'], {}, async () => {
      await Promise.resolve();
      telemetry.span(['inner'], {}, () => {
        inside = currentTraceparent();
      });
    });
    const [outer, inner] = capture.events.map((event) => event.metadata);
    capture.stop();
    expect(outer!.traceId).toMatch(TRACE_ID);
    expect(outer!.spanId).toMatch(SPAN_ID);
    expect(outer!.parentSpanId).toBeUndefined();
    expect(inner!.traceId).toBe(outer!.traceId);
    expect(inner!.parentSpanId).toBe(outer!.spanId);
    expect(inside).toBe(`00-${String(inner!.traceId)}-${String(inner!.spanId)}-01`);
    expect(currentTraceparent()).toBeUndefined();
  });

  it("continues an incoming trace: spans take its trace id and the caller's span as parent", () => {
    const telemetry = createTelemetry();
    const incoming = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: false,
    };
    const seen = runWithTraceContext(incoming, () => {
      expect(currentTraceparent()).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
      return telemetry.span(['handler'], {}, () => currentSpan());
    });
    expect(seen).toMatchObject({
      traceId: incoming.traceId,
      parentSpanId: incoming.spanId,
      sampled: false,
    });
    expect(seen!.spanId).toMatch(SPAN_ID);
    expect(seen!.spanId).not.toBe(incoming.spanId);
    // Inside a local span, a new trace context starts afresh rather than nesting under it.
    telemetry.span(['local'], {}, () => {
      runWithTraceContext(incoming, () => {
        expect(currentSpan()).toBeUndefined();
        expect(currentTraceContext()).toEqual(incoming);
      });
    });
  });

  it('refuses malformed ids', () => {
    const good = { traceId: newTraceId(), spanId: newSpanId(), sampled: true };
    for (const bad of [
      { ...good, traceId: '0'.repeat(32) },
      { ...good, traceId: good.traceId.toUpperCase().replace(/[0-9]/g, 'A') },
      { ...good, traceId: 'abc' },
      { ...good, spanId: '0'.repeat(16) },
      { ...good, spanId: 42 },
    ]) {
      expect(() => runWithTraceContext(bad as never, () => 1)).toThrow(FoundationError);
    }
  });

  it('makes ids that are always well-formed and distinct', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), (count) => {
        const ids = Array.from({ length: count }, () => newSpanId());
        expect(ids.every((id) => SPAN_ID.test(id))).toBe(true);
        expect(new Set(ids).size).toBe(count);
        const trace = { traceId: newTraceId(), spanId: ids[0]!, sampled: count % 2 === 0 };
        expect(formatTraceparent(trace)).toMatch(TRACEPARENT);
      }),
      { numRuns: 30 },
    );
  });
});
