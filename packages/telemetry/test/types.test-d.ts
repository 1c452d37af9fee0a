import { describe, expectTypeOf, it } from 'vitest';
import {
  createTelemetry,
  instrument,
  instrumented,
  MetricsRegistry,
  type Counter,
  type Gauge,
  type Histogram,
  type MetricsSnapshot,
} from '../src/index.js';

describe('types', () => {
  it('instrument keeps the exact signature', () => {
    const f = instrument(
      (a: number, b?: string): Promise<string> => Promise.resolve(`${a}${b ?? ''}`),
      {
        name: 'f',
      },
    );
    expectTypeOf(f).toEqualTypeOf<(a: number, b?: string) => Promise<string>>();
    const g = instrument(
      function (this: { n: number }, x: number): number {
        return this.n + x;
      },
      { name: 'g' },
    );
    expectTypeOf(g).toEqualTypeOf<(this: { n: number }, x: number) => number>();
  });

  it('metric() returns the kind asked for', () => {
    const registry = new MetricsRegistry();
    expectTypeOf(registry.metric({ kind: 'counter', name: 'a' })).toEqualTypeOf<Counter>();
    expectTypeOf(registry.metric({ kind: 'gauge', name: 'b' })).toEqualTypeOf<Gauge>();
    expectTypeOf(registry.metric({ kind: 'histogram', name: 'c' })).toEqualTypeOf<Histogram>();
    expectTypeOf(registry.getMetrics()).toEqualTypeOf<MetricsSnapshot>();
  });

  it('span returns what the function returns', () => {
    const t = createTelemetry();
    expectTypeOf(t.span(['a'], {}, () => 1)).toEqualTypeOf<number>();
    expectTypeOf(t.span(['a'], {}, async () => 'x')).toEqualTypeOf<Promise<string>>();
    // @ts-expect-error measurements are numbers only
    t.execute(['a'], { x: 'no' });
  });

  it('the decorator keeps the method type', () => {
    class Orders {
      @instrumented({ name: 'orders.create' })
      async create(id: number): Promise<string> {
        return Promise.resolve(String(id));
      }
    }
    expectTypeOf(new Orders().create).toEqualTypeOf<(id: number) => Promise<string>>();
  });
});
