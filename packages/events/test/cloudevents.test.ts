import fc from 'fast-check';
import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { createEvent, fromCloudEvent, toCloudEvent } from '../src/index.js';
import { data } from './arbitraries.js';
import { failure } from './failure.js';

const clock = new ManualClock({ startMs: 2, wallStartMs: Date.UTC(2026, 2, 3, 4, 5, 6, 7) });

describe('CloudEvents mapping', () => {
  it('maps to CloudEvents 1.0 structured JSON with correlation and causation as extensions', () => {
    const event = createEvent(
      'order.placed',
      { orderId: 7 },
      {
        clock,
        causationId: 'cause-1',
        parentId: 'parent-1',
        source: { service: 'shop', host: 'web-1', pid: 42 },
      },
    );
    expect(toCloudEvent(event)).toEqual({
      specversion: '1.0',
      id: event.id,
      source: '//web-1/shop/42',
      type: 'order.placed',
      time: '2026-03-03T04:05:06.007Z',
      datacontenttype: 'application/json',
      data: { orderId: 7 },
      correlationid: event.correlationId,
      causationid: 'cause-1',
      parentid: 'parent-1',
      timestampns: '2000000',
    });
  });

  it('is accepted by the CloudEvents SDK and comes back unchanged through it', () => {
    const event = createEvent(
      'order.placed',
      { orderId: 7, at: new Date(9) },
      {
        clock,
        causationId: 'cause-1',
        parentId: 'parent-1',
        source: { service: 'my shop/eu', host: 'web-1', pid: 42 },
      },
    );
    const sdkEvent = new CloudEvent(toCloudEvent(event));
    expect(sdkEvent.validate()).toBe(true);
    const message = HTTP.structured(sdkEvent);
    expect(fromCloudEvent(message.body as string)).toStrictEqual(event);
  });

  it('round-trips arbitrary data losslessly', () => {
    fc.assert(
      fc.property(data, (value) => {
        const event = createEvent('any', value, { clock });
        expect(fromCloudEvent(JSON.stringify(toCloudEvent(event)))).toStrictEqual(event);
        expect(fromCloudEvent(toCloudEvent(event))).toStrictEqual(event);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps fractional wall times and undefined data', () => {
    const fractional = new ManualClock({ wallStartMs: 1_000.25 });
    const event = createEvent('exact', undefined, { clock: fractional });
    const mapped = toCloudEvent(event);
    expect(mapped.walltime).toBe('1000.25');
    expect('data' in mapped).toBe(false);
    expect(fromCloudEvent(mapped)).toStrictEqual(event);
  });

  it('reads foreign CloudEvents, filling in what they lack', () => {
    const reader = new ManualClock({ startMs: 9, wallStartMs: 5_000 });
    const foreign = fromCloudEvent(
      {
        specversion: '1.0',
        id: 'a-1',
        source: 'https://example.com/orders',
        type: 'com.example.x',
        data: { $t: 'bigint', v: '1' },
      },
      { clock: reader },
    );
    expect(foreign).toMatchObject({
      id: 'a-1',
      type: 'com.example.x',
      wallTime: 5_000,
      timestampNs: 9_000_000,
      source: { service: 'https://example.com/orders', host: '', pid: 0 },
      data: { $t: 'bigint', v: '1' },
    });
    expect(foreign.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.isFrozen(foreign)).toBe(true);
    const binary = fromCloudEvent({
      specversion: '1.0',
      id: 'b',
      source: '//bad%ZZhost/svc/1',
      type: 't',
      time: '2026-01-01T00:00:00Z',
      data_base64: Buffer.from('hello').toString('base64'),
    });
    expect(binary.data).toStrictEqual(Buffer.from('hello'));
    expect(binary.source.service).toBe('//bad%ZZhost/svc/1');
    expect(binary.wallTime).toBe(Date.UTC(2026, 0, 1));
  });

  it('refuses malformed CloudEvents with 3102 naming the attribute', () => {
    const valid = { specversion: '1.0', id: 'x', source: '/s', type: 't' };
    const cases: [unknown, string][] = [
      [{ ...valid, specversion: '0.3' }, 'specversion'],
      [{ ...valid, id: '' }, 'id'],
      [{ ...valid, type: 5 }, 'type'],
      [{ ...valid, source: undefined }, 'source'],
      [{ ...valid, time: 'yesterday' }, 'time'],
      [{ ...valid, walltime: 'soon' }, 'walltime'],
      [{ ...valid, timestampns: '-1' }, 'timestampns'],
      [{ ...valid, correlationid: 3 }, 'correlationid'],
      [{ ...valid, data_base64: 'not base64!' }, 'data_base64'],
      [
        { ...valid, data: { a: JSON.parse('{"__proto__":{"polluted":1}}') as unknown } },
        'data.a.__proto__',
      ],
      [{ ...valid, foundationdata: '1', data: { $t: 'nope' } }, 'data.$t'],
      [{ ...valid, data: [[{ constructor: 1 }]] }, 'data[0][0].constructor'],
      [{ ...valid, id: 'x'.repeat(500) }, 'id'],
      ['{"specversion":"1.0","__proto__":{}}', '__proto__'],
      ['not json', '$'],
      ['[1]', '$'],
    ];
    for (const [input, path] of cases) {
      const error = failure(() => fromCloudEvent(input));
      expect(error.code, path).toBe(3102);
      expect(error.context.path).toBe(path);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const cyclic: Record<string, unknown> = { ...valid };
    cyclic.self = cyclic;
    expect(failure(() => fromCloudEvent(cyclic)).code).toBe(3102);
    expect(failure(() => fromCloudEvent(undefined)).code).toBe(3102);
    const big = { ...valid, data: 'x'.repeat(2000) };
    expect(failure(() => fromCloudEvent(big, { maxBytes: 1000 })).code).toBe(2003);
    // A nonsense limit is refused, not silently treated as no limit at all.
    for (const maxBytes of [-1, 0, Number.NaN, '10' as unknown as number]) {
      const error = failure(() => fromCloudEvent(big, { maxBytes }));
      expect(error.codeName).toBe('invalid_input');
      expect(error.context.path).toBe('options.maxBytes');
    }
  });

  it('refuses to map data that cannot be serialized', () => {
    const event = createEvent('bad', { f: () => 1 }, { clock });
    const error = failure(() => toCloudEvent(event));
    expect(error.code).toBe(3101);
    expect(error.context.path).toBe('data.f');
  });
});
