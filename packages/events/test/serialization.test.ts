import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import {
  createEvent,
  DEFAULT_MAX_BYTES,
  deserialize,
  eventSerializer,
  serialize,
  serializedSize,
  truncateIfLarge,
  type FoundationEvent,
  type SerializationFormat,
} from '../src/index.js';
import { data, jsonData } from './arbitraries.js';
import { failure } from './failure.js';

const FORMATS: readonly SerializationFormat[] = ['json', 'binary'];
const clock = new ManualClock();

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

const everything = {
  big: 2n ** 70n,
  negativeBig: -(2n ** 65n),
  date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
  invalidDate: new Date(NaN),
  map: new Map<unknown, unknown>([
    [1, 'one'],
    [{ key: true }, new Set([1, 'a', null])],
  ]),
  set: new Set([1, 2n, 'x']),
  buffer: Buffer.from('héllo'),
  bytes: new Uint8Array([0, 1, 255]),
  clamped: new Uint8ClampedArray([7]),
  int8: new Int8Array([-1, 2]),
  int16: new Int16Array([-300, 300]),
  uint16: new Uint16Array([65535]),
  int32: new Int32Array([-(2 ** 31)]),
  uint32: new Uint32Array([2 ** 32 - 1]),
  float32: new Float32Array([1.5, -0]),
  float64: new Float64Array([Math.PI, NaN, -Infinity]),
  bigInt64: new BigInt64Array([-(2n ** 63n)]),
  bigUint64: new BigUint64Array([2n ** 64n - 1n]),
  view: new DataView(new Uint8Array([1, 2, 3]).buffer),
  arrayBuffer: new Uint8Array([9, 8]).buffer,
  numbers: [NaN, -0, 0, Infinity, -Infinity, 1e-300, 2 ** 53, -(2 ** 31), 2 ** 31],
  undefinedValue: undefined,
  sparse: [1, undefined, 3],
  text: 'unicode ✓ 😀 and a lone \ud800 surrogate',
  error: new FoundationError('data_not_found', 'missing', { context: { path: 'a.b', rule: 'x' } }),
  plainError: new TypeError('bad type'),
  tagLookalike: { $t: 'bigint', v: '12' },
  nullProto: Object.assign(Object.create(null) as object, { a: 1 }),
  nested: { deeper: [{ deepest: [1, [2, [3]]] }] },
};

describe('serialize / deserialize', () => {
  it.each(FORMATS)('round-trips every supported type losslessly (%s)', (format) => {
    const event = createEvent('everything.happened', everything, {
      clock,
      causationId: 'cause-1',
      parentId: 'parent-1',
    });
    const copy = deserialize(serialize(event, { format }));
    expect(copy).toStrictEqual({
      ...event,
      data: { ...everything, nullProto: { a: 1 } },
    });
    // node's deep equality calls two invalid dates different, so they are left out here.
    const { invalidDate: _left, ...comparable } = copy.data as typeof everything;
    const { invalidDate: _right, ...expected } = everything;
    expect(isDeepStrictEqual(comparable, { ...expected, nullProto: { a: 1 } })).toBe(true);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(copy.source)).toBe(true);
    const restored = (copy.data as typeof everything).error;
    expect(FoundationError.is(restored)).toBe(true);
    expect(restored.code).toBe(3401);
    expect(restored.context).toMatchObject({ path: 'a.b', rule: 'x' });
    expect(Buffer.isBuffer((copy.data as typeof everything).buffer)).toBe(true);
    expect(Buffer.isBuffer((copy.data as typeof everything).bytes)).toBe(false);
  });

  it.each(FORMATS)('round-trips arbitrary data of the supported types (%s)', (format) => {
    fc.assert(
      fc.property(data, fc.string({ minLength: 1, maxLength: 20 }), (value, type) => {
        const event = createEvent(type, value, { clock });
        expect(deserialize(serialize(event, { format }))).toStrictEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it('writes plain JSON data as it is, so it costs no tags', () => {
    fc.assert(
      fc.property(jsonData, (value) => {
        const event = createEvent('plain', value, { clock });
        const parsed = JSON.parse(text(serialize(event))) as { data: unknown };
        expect(parsed.data).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('escapes user objects that look like tags', () => {
    const event = createEvent('tricky', { $t: 'bigint', v: '1' }, { clock });
    const json = JSON.parse(text(serialize(event))) as { data: unknown };
    expect(json.data).toEqual({ $t: 'object', v: { $t: 'bigint', v: '1' } });
    expect(deserialize(serialize(event)).data).toStrictEqual({ $t: 'bigint', v: '1' });
  });

  it('carries a format version: a JSON "v" field and a binary version byte', () => {
    const event = createEvent('versioned', 1, { clock });
    expect(JSON.parse(text(serialize(event)))).toMatchObject({ v: 1 });
    const binary = serialize(event, { format: 'binary' });
    expect([binary[0], binary[1]]).toEqual([0xf5, 1]);
  });

  it('makes the binary format more compact than JSON', () => {
    const event = createEvent('compact', { values: Array.from({ length: 50 }, (_, i) => i) });
    expect(serializedSize(event, { format: 'binary' })).toBeLessThan(serializedSize(event));
  });

  it('accepts JSON text as well as bytes', () => {
    const event = createEvent('text', { ok: true }, { clock });
    expect(deserialize(text(serialize(event)))).toStrictEqual(event);
  });

  it('keeps non-UUID ids in the binary format', () => {
    const event = { ...createEvent('ids', null, { clock }), id: 'custom-id', correlationId: 'c' };
    expect(deserialize(serialize(event, { format: 'binary' }))).toStrictEqual(event);
  });

  it.each(FORMATS)('refuses unsupported values with their path (%s)', (format) => {
    const cases: [unknown, string, RegExp][] = [
      [{ f: () => 1 }, 'data.f', /unsupported type function/],
      [{ list: [1, Symbol('s')] }, 'data.list[1]', /unsupported type symbol/],
      [{ when: new (class Custom {})() }, 'data.when', /unsupported type Custom/],
      [
        { weird: Object.create(Object.create(null) as object) as object },
        'data.weird',
        /unsupported type object/,
      ],
      [{ map: new Map([[1, () => 1]]) }, 'data.map[0].value', /unsupported/],
      [{ map: new Map([[Symbol('k'), 1]]) }, 'data.map[0].key', /unsupported/],
      [{ view: float16Like() }, 'data.view', /unsupported binary view/],
      [JSON.parse('{"__proto__": 1}'), 'data.__proto__', /forbidden key/],
      [{ a: { constructor: 1 } }, 'data.a.constructor', /forbidden key/],
    ];
    for (const [value, path, rule] of cases) {
      const error = failure(() => serialize(createEvent('bad', value, { clock }), { format }));
      expect(error.codeName).toBe('serialization_failed');
      expect(error.context.path).toBe(path);
      expect(String(error.context.rule)).toMatch(rule);
    }
  });

  it.each(FORMATS)('refuses cycles and data nested past maxDepth (%s)', (format) => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = failure(() => serialize(createEvent('cycle', cyclic, { clock }), { format }));
    expect(error.code).toBe(3101);
    expect(String(error.context.rule)).toMatch(/nested deeper than 64 levels/);
    const deep = failure(() =>
      serialize(createEvent('deep', [[[1]]], { clock }), { format, maxDepth: 2 }),
    );
    expect(deep.context.path).toBe('data[0][0]');
    expect(() =>
      serialize(createEvent('ok', [[1]], { clock }), { format, maxDepth: 2 }),
    ).not.toThrow();
  });

  it('reports a getter that throws as a serialization failure at its path', () => {
    const value = {
      get broken(): never {
        throw new Error('boom');
      },
    };
    const error = failure(() => serialize(createEvent('getter', value, { clock })));
    expect(error.code).toBe(3101);
    expect(error.context).toMatchObject({ path: 'data.broken' });
    expect(String(error.context.rule)).toContain('boom');
  });

  it.each(FORMATS)(
    'enforces the size limit when writing, with 2003 data_too_large (%s)',
    (format) => {
      const event = createEvent('big', 'x'.repeat(2000), { clock });
      const error = failure(() => serialize(event, { format, maxBytes: 1000 }));
      expect(error.code).toBe(2003);
      expect(error.codeName).toBe('data_too_large');
      expect(error.context).toMatchObject({ path: '$', maxBytes: 1000 });
      expect(error.category).toBe('system');
      expect(error.subcategory).toBe('resources');
      expect(error.severity).toBe('medium');
      expect(error.retryStrategy).toBe('none');
      const huge = createEvent('huge', 'y'.repeat(DEFAULT_MAX_BYTES), { clock });
      expect(failure(() => serialize(huge, { format })).code).toBe(2003);
    },
  );

  it('grows the binary buffer past its first block, up to the limit', () => {
    const event = createEvent('large', { blob: Buffer.alloc(200_000, 7) }, { clock });
    const bytes = serialize(event, { format: 'binary' });
    expect(bytes.length).toBeGreaterThan(200_000);
    expect(deserialize(bytes)).toStrictEqual(event);
    const error = failure(() => serialize(event, { format: 'binary', maxBytes: 100_000 }));
    expect(error.code).toBe(2003);
  });

  it('bounds the walk over hugely shared data before writing anything', () => {
    let shared: unknown = [1];
    for (let level = 0; level < 40; level++) shared = [shared, shared];
    const error = failure(() => serialize(createEvent('shared', shared, { clock })));
    expect(error.code).toBe(2003);
  });

  it.each(FORMATS)('enforces the size limit when reading, with 2003 (%s)', (format) => {
    const event = createEvent('big', 'x'.repeat(2000), { clock });
    const bytes = serialize(event, { format });
    expect(failure(() => deserialize(bytes, { maxBytes: 1000 })).code).toBe(2003);
    expect(deserialize(bytes, { maxBytes: 4000 })).toStrictEqual(event);
  });

  it('counts UTF-8 bytes, not characters, for the limit on text', () => {
    const event = createEvent('wide', '€'.repeat(400), { clock });
    const json = text(serialize(event));
    expect(json.length).toBeLessThan(1000);
    expect(failure(() => deserialize(json, { maxBytes: 1000 })).code).toBe(2003);
    expect(failure(() => serialize(event, { maxBytes: 1000 })).code).toBe(2003);
    const wide = createEvent('wide', '€'.repeat(2000), { clock });
    expect(failure(() => deserialize(text(serialize(wide)), { maxBytes: 1000 })).code).toBe(2003);
  });

  it('refuses bad options and unknown formats', () => {
    const event = createEvent('opts', 1, { clock });
    expect(failure(() => serialize(event, { maxBytes: -1 })).codeName).toBe('invalid_input');
    expect(failure(() => serialize(event, { maxDepth: 1.5 })).context.path).toBe(
      'options.maxDepth',
    );
    const error = failure(() => serialize(event, { format: 'yaml' as SerializationFormat }));
    expect(error.code).toBe(3101);
    expect(String(error.context.rule)).toContain("unknown format 'yaml'");
  });

  it('refuses to serialize something that is not an event, naming the field', () => {
    const event = createEvent('shape', 1, { clock });
    const broken = { ...event, source: { ...event.source, pid: -1 } } as FoundationEvent;
    const error = failure(() => serialize(broken));
    expect(error.code).toBe(3101);
    expect(error.context.path).toBe('source.pid');
    expect(failure(() => serialize(null as unknown as FoundationEvent)).context.path).toBe('$');
  });

  it('serializedSize is the length of the serialized bytes', () => {
    const event = createEvent('sized', { a: [1, 2, 3] }, { clock });
    for (const format of FORMATS) {
      expect(serializedSize(event, { format })).toBe(serialize(event, { format }).length);
    }
  });

  it('does not keep a very large binary buffer around, and still works after it', () => {
    const event = createEvent('huge', { blob: Buffer.alloc(1_500_000, 1) }, { clock });
    const bytes = serialize(event, { format: 'binary', maxBytes: 2_000_000 });
    const back = deserialize(bytes, { maxBytes: 2_000_000 });
    // Buffer.equals instead of a deep equality: element-wise matching of 1.5 MB takes seconds.
    const blob = (back.data as { blob: unknown }).blob;
    expect(Buffer.isBuffer(blob) && blob.equals(Buffer.alloc(1_500_000, 1))).toBe(true);
    expect({ ...back, data: null }).toStrictEqual({ ...event, data: null });
    const small = createEvent('small', 1, { clock });
    expect(deserialize(serialize(small, { format: 'binary' }))).toStrictEqual(small);
  });

  it('reports anything unexpected as a 3101 failure, never a raw exception', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    ) as FoundationEvent;
    const error = failure(() => serialize(hostile));
    expect(error.code).toBe(3101);
    expect(String(error.context.rule)).toBe('unexpected failure (trap)');
    const stringThrower = new Proxy(
      {},
      {
        get() {
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'plain string';
        },
      },
    ) as FoundationEvent;
    expect(String(failure(() => serialize(stringThrower)).context.rule)).toBe(
      'unexpected failure (plain string)',
    );
    const value = {
      get odd(): never {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 42;
      },
    };
    expect(failure(() => serialize(createEvent('odd', value, { clock }))).context).toMatchObject({
      path: 'data.odd',
      rule: 'threw while being read (42)',
    });
  });

  it('survives a serialization started from inside another (shared buffer not clobbered)', () => {
    const inner = createEvent('inner', { n: 1 }, { clock });
    let innerBytes: Uint8Array | undefined;
    const value = {
      get first(): number {
        innerBytes = serialize(inner, { format: 'binary' });
        return 1;
      },
      second: 'after',
    };
    const outer = createEvent('outer', value, { clock });
    const bytes = serialize(outer, { format: 'binary' });
    expect(deserialize(bytes).data).toEqual({ first: 1, second: 'after' });
    expect(deserialize(innerBytes!)).toStrictEqual(inner);
  });
});

/** A binary view of a kind the codecs do not know (as a Float16Array would be on Node 20). */
function float16Like(): Uint8Array {
  const view = new Uint8Array(2);
  Object.defineProperty(view, Symbol.toStringTag, { value: 'Float16Array' });
  return view;
}

describe('eventSerializer', () => {
  it('is a core Serializer for each format', () => {
    const event = createEvent('via.serializer', { n: 1n }, { clock });
    for (const format of FORMATS) {
      const serializer = eventSerializer({ format });
      expect(serializer.format).toBe(format);
      expect(serializer.deserialize(serializer.serialize(event))).toStrictEqual(event);
    }
    expect(eventSerializer().contentType).toBe('application/json');
    expect(eventSerializer({ format: 'binary' }).contentType).toBe(
      'application/vnd.foundation.event',
    );
  });
});

describe('truncateIfLarge', () => {
  it('returns the same event when its data is small', () => {
    const event = createEvent('small', { a: 1 }, { clock });
    expect(truncateIfLarge(event)).toBe(event);
    const nearLimit = createEvent('near', 'x'.repeat(300), { clock });
    expect(truncateIfLarge(nearLimit, { maxBytes: 400 })).toBe(nearLimit);
  });

  it('replaces a large payload by a summary with a preview, keeping the event identity', () => {
    const event = createEvent(
      'large',
      { rows: Array.from({ length: 5000 }, (_, i) => ({ i })) },
      {
        clock,
        causationId: 'because',
      },
    );
    const small = truncateIfLarge(event, { maxBytes: 1000, previewChars: 20 });
    expect(small).not.toBe(event);
    expect(Object.isFrozen(small)).toBe(true);
    expect(small).toMatchObject({
      id: event.id,
      type: 'large',
      correlationId: event.correlationId,
      causationId: 'because',
      data: { truncated: true, originalKind: 'object', preview: '{"rows":[{"i":0},{"i' },
    });
    const summary = small.data as { originalSizeBytes: number };
    expect(summary.originalSizeBytes).toBe(Buffer.byteLength(JSON.stringify(event.data)));
    expect(serializedSize(small)).toBeLessThan(1000);
  });

  it('uses 64 KiB and 200 characters by default', () => {
    const event = createEvent('default', 'z'.repeat(70 * 1024), { clock });
    const small = truncateIfLarge(event);
    expect((small.data as { preview: string }).preview).toHaveLength(200);
    expect((small.data as { originalKind: string }).originalKind).toBe('string');
  });

  it('counts multi-byte characters as bytes', () => {
    const event = createEvent('wide', '€'.repeat(200), { clock });
    expect(truncateIfLarge(event, { maxBytes: 500 })).not.toBe(event);
  });

  it('refuses data that cannot be serialized and bad options', () => {
    const event = createEvent('fn', { f: () => 1 }, { clock });
    expect(failure(() => truncateIfLarge(event)).code).toBe(3101);
    // Not an event at all: a FoundationError naming the rule, not a TypeError on `.data`.
    for (const notEvent of [null, undefined, 'event', { data: 1 }]) {
      expect(failure(() => truncateIfLarge(notEvent as never)).code).toBe(3101);
    }
    const ok = createEvent('ok', 1, { clock });
    expect(failure(() => truncateIfLarge(ok, { previewChars: Infinity })).codeName).toBe(
      'invalid_input',
    );
  });
});
