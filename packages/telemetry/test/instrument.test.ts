import { ManualClock } from '@foundation/core';
import { FoundationError, withContext } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import {
  captureTelemetry,
  createTelemetry,
  defaultTelemetry,
  instrument,
  instrumented,
  INSTRUMENT_METRICS,
  type Telemetry,
} from '../src/index.js';

function counterValue(t: Telemetry, name: string, labels: Record<string, string>): number {
  const metric = t.metrics.get(name);
  if (metric?.kind !== 'counter') return 0;
  return (
    metric
      .snapshot()
      .series.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0
  );
}

function durationCount(t: Telemetry, fn: string, outcome: string): number {
  const metric = t.metrics.get(INSTRUMENT_METRICS.duration);
  if (metric?.kind !== 'histogram') return 0;
  return metric.labels({ function: fn, outcome }).count;
}

describe('instrument', () => {
  it('counts calls, records durations and emits span events for a sync function', () => {
    const clock = new ManualClock();
    const t = createTelemetry({ clock });
    using capture = captureTelemetry(
      [
        ['math', 'add', 'start'],
        ['math', 'add', 'stop'],
      ],
      { telemetry: t },
    );
    const add = instrument(
      (a: number, b: number) => {
        clock.advance(2);
        return a + b;
      },
      { name: 'math.add', telemetry: t, metadata: { team: 'core' } },
    );
    expect(add(1, 2)).toBe(3);
    expect(add(2, 2)).toBe(4);
    expect(counterValue(t, INSTRUMENT_METRICS.calls, { function: 'math.add' })).toBe(2);
    expect(durationCount(t, 'math.add', 'ok')).toBe(2);
    const histogram = t.metrics.histogram(INSTRUMENT_METRICS.duration, {
      labelNames: ['function', 'outcome'],
    });
    expect(histogram.labels({ function: 'math.add', outcome: 'ok' }).snapshot().sum).toBeCloseTo(
      0.004,
    );
    expect(capture.events).toHaveLength(4);
    expect(capture.events[1]!.metadata).toMatchObject({ function: 'math.add', team: 'core' });
    expect(capture.events[1]!.measurements.durationNs).toBe(2_000_000);
  });

  it('keeps this, the name and the length', () => {
    const t = createTelemetry();
    const counter = {
      base: 10,
      plus(this: { base: number }, n: number): number {
        return this.base + n;
      },
    };
    counter.plus = instrument(counter.plus, { name: 'counter.plus', telemetry: t });
    expect(counter.plus(5)).toBe(15);
    expect(counter.plus.name).toBe('plus');
    expect(counter.plus.length).toBe(1);
  });

  it('stays async for async functions and classifies errors by FoundationError code', async () => {
    const t = createTelemetry();
    using capture = captureTelemetry([['svc', 'call', 'exception']], { telemetry: t });
    const call = instrument(
      async (mode: 'ok' | 'timeout' | 'plain') => {
        await Promise.resolve();
        if (mode === 'timeout') throw new FoundationError('timeout', 'too slow');
        if (mode === 'plain') throw new Error('plain');
        return 'fine';
      },
      { name: 'svc.call', telemetry: t },
    );
    const pending = call('ok');
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBe('fine');
    await expect(call('timeout')).rejects.toMatchObject({ codeName: 'timeout' });
    await expect(call('plain')).rejects.toThrow('plain');
    expect(
      counterValue(t, INSTRUMENT_METRICS.errors, { function: 'svc.call', code: 'timeout' }),
    ).toBe(1);
    expect(
      counterValue(t, INSTRUMENT_METRICS.errors, { function: 'svc.call', code: 'unknown' }),
    ).toBe(1);
    expect(durationCount(t, 'svc.call', 'error')).toBe(2);
    expect(durationCount(t, 'svc.call', 'ok')).toBe(1);
    expect(capture.events).toHaveLength(2);
  });

  it('counts a sync throw and rethrows the same error', () => {
    const t = createTelemetry();
    const boom = new FoundationError('invalid_input', 'bad');
    const fail = instrument(
      (): never => {
        throw boom;
      },
      { name: 'sync.fail', telemetry: t },
    );
    expect(() => fail()).toThrow(boom);
    expect(
      counterValue(t, INSTRUMENT_METRICS.errors, { function: 'sync.fail', code: 'invalid_input' }),
    ).toBe(1);
  });

  it('carries the correlation id of the current context', () => {
    const t = createTelemetry();
    using capture = captureTelemetry([['ctx', 'op', 'stop']], { telemetry: t });
    const op = instrument(() => 1, { name: 'ctx.op', telemetry: t });
    withContext({ operation: 'outer', correlationId: 'corr-9' }, () => op());
    expect(capture.events[0]!.metadata.correlationId).toBe('corr-9');
  });

  it('refuses a non-function or a missing name', () => {
    expect(() => instrument('x' as unknown as () => void, { name: 'a' })).toThrow(FoundationError);
    expect(() => instrument(() => 1, { name: '' })).toThrow(/name/);
    expect(() => instrument(() => 1, { name: 'a..b' })).toThrow(FoundationError);
  });
});

// Vite's transformer leaves decorator syntax alone and Node 20 cannot parse it, so the runtime
// test applies the decorator as the TC39 semantics do; test/types.test-d.ts checks the syntax.
function decorate<T extends (...args: never[]) => unknown>(
  decorator: ReturnType<typeof instrumented>,
  method: T,
  name: string,
): T {
  const context = {
    kind: 'method',
    name,
    static: false,
    private: false,
  } as unknown as ClassMethodDecoratorContext;
  return decorator(method as never, context) as unknown as T;
}

describe('instrumented decorator', () => {
  it('instruments a method, keeping this, on the default instance unless told otherwise', async () => {
    const t = createTelemetry();
    class Orders {
      constructor(readonly prefix: string) {}

      async create(id: number): Promise<string> {
        await Promise.resolve();
        return `${this.prefix}-${id}`;
      }

      count(): number {
        return this.prefix.length;
      }
    }
    Orders.prototype.create = decorate(
      instrumented({ name: 'orders.create', telemetry: t }),
      Orders.prototype.create,
      'create',
    );
    Orders.prototype.count = decorate(instrumented(), Orders.prototype.count, 'count');
    const orders = new Orders('ord');
    await expect(orders.create(7)).resolves.toBe('ord-7');
    expect(orders.count()).toBe(3);
    expect(counterValue(t, INSTRUMENT_METRICS.calls, { function: 'orders.create' })).toBe(1);
    expect(counterValue(defaultTelemetry, INSTRUMENT_METRICS.calls, { function: 'count' })).toBe(1);
  });
});
