import * as api from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import {
  bridgeSpansToOpenTelemetry,
  createTelemetry,
  currentSpan,
  runWithTraceContext,
  TELEMETRY_VERSION,
} from '../src/index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
api.trace.setGlobalTracerProvider(provider);

afterEach(() => {
  exporter.reset();
});

describe('OpenTelemetry span bridge', () => {
  it('turns spans into OpenTelemetry spans with W3C ids, parents, attributes and errors', async () => {
    const telemetry = createTelemetry();
    using _bridge = bridgeSpansToOpenTelemetry(api, { telemetry });
    let inner: ReturnType<typeof currentSpan>;
    await telemetry.span(['orders', 'create'], { orderId: 7, skip: { nested: true } }, async () => {
      await Promise.resolve();
      telemetry.span(['orders', 'charge'], {}, () => {
        inner = currentSpan();
      });
    });
    await expect(
      telemetry.span(['orders', 'fail'], {}, () => Promise.reject(new Error('declined'))),
    ).rejects.toThrow('declined');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'orders.charge',
      'orders.create',
      'orders.fail',
    ]);
    const [charge, create, fail] = spans;
    for (const span of spans) {
      expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.instrumentationScope).toMatchObject({
        name: '@foundation/telemetry',
        version: TELEMETRY_VERSION,
      });
    }
    expect(charge!.spanContext().traceId).toBe(create!.spanContext().traceId);
    expect(charge!.parentSpanContext?.spanId).toBe(create!.spanContext().spanId);
    expect(create!.attributes).toMatchObject({ orderId: 7 });
    expect(create!.attributes).not.toHaveProperty('skip');
    expect(charge!.attributes).toMatchObject({
      'foundation.trace_id': inner!.traceId,
      'foundation.span_id': inner!.spanId,
    });
    expect(fail!.status).toMatchObject({ code: api.SpanStatusCode.ERROR, message: 'declined' });
    expect(fail!.events.map((event) => event.name)).toContain('exception');
  });

  it("continues an incoming trace under the caller's span", () => {
    const telemetry = createTelemetry();
    using _bridge = bridgeSpansToOpenTelemetry(api, { telemetry });
    const caller = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    };
    runWithTraceContext(caller, () => {
      telemetry.span(['handler'], {}, () => undefined);
    });
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe(caller.traceId);
    expect(span!.parentSpanContext).toMatchObject({ spanId: caller.spanId, isRemote: true });
  });

  it('exports only its own telemetry, ends spans in progress after stop, and refuses a bad api', async () => {
    const telemetry = createTelemetry();
    const other = createTelemetry();
    const bridge = bridgeSpansToOpenTelemetry(api, { telemetry });
    other.span(['elsewhere'], {}, () => undefined);
    let release!: () => void;
    const running = telemetry.span(['slow'], {}, () => new Promise<void>((r) => (release = r)));
    bridge.stop();
    telemetry.span(['after'], {}, () => undefined);
    release();
    await running;
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['slow']);
    expect(() => bridgeSpansToOpenTelemetry({} as never)).toThrow(FoundationError);
    expect(() => bridgeSpansToOpenTelemetry(api, { tracer: 'x' } as never)).toThrow(
      FoundationError,
    );
  });
});
