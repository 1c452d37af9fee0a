import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { createEvent, deserialize, serialize, type FoundationEvent } from '../src/index.js';
import { data } from './arbitraries.js';

const clock = new ManualClock();
const sample = createEvent(
  'sample.event',
  { n: 1, big: 5n, when: new Date(0), tags: new Set(['a']), nested: { list: [1, 2] } },
  { clock, causationId: 'cause', parentId: 'parent' },
);
const sampleJson = JSON.parse(Buffer.from(serialize(sample)).toString('utf8')) as Record<
  string,
  unknown
>;

/** Decodes `input` and returns the FoundationError it was refused with (or undefined). */
function outcome(input: Uint8Array | string): FoundationError | undefined {
  try {
    deserialize(input);
    return undefined;
  } catch (error) {
    if (!FoundationError.is(error)) throw new Error(`not a FoundationError: ${String(error)}`);
    return error;
  }
}

function refusal(input: Uint8Array | string | object): FoundationError {
  const text =
    typeof input === 'object' && !(input instanceof Uint8Array) ? JSON.stringify(input) : input;
  const error = outcome(text);
  if (!error) throw new Error('expected the input to be refused');
  return error;
}

function withJson(patch: (json: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(sampleJson);
  patch(copy);
  return copy;
}

function assertPrototypesClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Array.prototype).not.toHaveProperty('polluted');
}

afterEach(assertPrototypesClean);

describe('deserialize on hostile input', () => {
  it('refuses wrongly typed fields, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [withJson((j) => (j.id = 42)), 'id'],
      [withJson((j) => (j.id = '')), 'id'],
      [withJson((j) => (j.id = 'x'.repeat(200))), 'id'],
      [withJson((j) => (j.type = null)), 'type'],
      [withJson((j) => (j.timestampNs = '1')), 'timestampNs'],
      [withJson((j) => (j.wallTime = null)), 'wallTime'],
      [withJson((j) => delete j.correlationId), 'correlationId'],
      [withJson((j) => (j.causationId = 7)), 'causationId'],
      [withJson((j) => (j.parentId = [])), 'parentId'],
      [withJson((j) => (j.source = 'me')), 'source'],
      [withJson((j) => ((j.source as Record<string, unknown>).service = 1)), 'source.service'],
      [withJson((j) => ((j.source as Record<string, unknown>).host = {})), 'source.host'],
      [withJson((j) => ((j.source as Record<string, unknown>).pid = 1.5)), 'source.pid'],
      [withJson((j) => delete j.data), 'data'],
      [withJson((j) => (j.v = 2)), 'v'],
      [withJson((j) => delete j.v), 'v'],
    ];
    for (const [input, path] of cases) {
      const error = refusal(input);
      expect(error.code, path).toBe(3102);
      expect(error.codeName).toBe('deserialization_failed');
      expect(error.context.path).toBe(path);
      expect(typeof error.context.rule).toBe('string');
    }
  });

  it('refuses malformed tags inside data, naming the path', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ $t: 'bigint', v: '12x' }, 'data.v', /decimal integer/],
      [{ $t: 'bigint', v: 12 }, 'data.v', /decimal integer/],
      [{ $t: 'number', v: 'toString' }, 'data.v', /NaN/],
      [{ $t: 'date', v: 'yesterday' }, 'data.v', /number/],
      [{ $t: 'map', v: {} }, 'data.v', /array/],
      [{ $t: 'map', v: [[1]] }, 'data[0]', /key, value/],
      [{ $t: 'set', v: 'abc' }, 'data.v', /array/],
      [{ $t: 'buffer', v: 'not base64!' }, 'data.v', /base64/],
      [{ $t: 'buffer', v: 'abc' }, 'data.v', /base64/],
      [{ $t: 'arraybuffer', v: null }, 'data.v', /base64/],
      [{ $t: 'typedarray', k: 'Evil', v: '' }, 'data.k', /typed array kind/],
      [{ $t: 'typedarray', k: 'toString', v: '' }, 'data.k', /typed array kind/],
      [{ $t: 'typedarray', k: 5, v: '' }, 'data.k', /typed array kind/],
      [{ $t: 'typedarray', k: 'Float64Array', v: 'AAAA' }, 'data.v', /multiple of 8/],
      [{ $t: 'error', v: { kind: 'nope' } }, 'data', /serialized error/],
      [{ $t: 'error', v: 'oops' }, 'data', /serialized error/],
      [{ $t: 'object', v: [] }, 'data.v', /object/],
      [{ $t: 'whatever' }, 'data.$t', /unknown tag/],
      [{ $t: null }, 'data.$t', /unknown tag/],
      [{ list: [{ $t: 'undefined' }, { $t: 'bigint' }] }, 'data.list[1].v', /decimal/],
      [{ m: { $t: 'map', v: [[1, { $t: 'bad' }]] } }, 'data.m[0].value.$t', /unknown tag/],
      [{ s: { $t: 'set', v: [1, { $t: 'bad' }] } }, 'data.s[1].$t', /unknown tag/],
      [{ o: { $t: 'object', v: { $t: 'x', bad: { $t: 'bad' } } } }, 'data.o.bad.$t', /unknown/],
    ];
    for (const [value, path, rule] of cases) {
      const error = refusal(withJson((j) => (j.data = value)));
      expect(error.code, path).toBe(3102);
      expect(error.context.path, JSON.stringify(value)).toBe(path);
      expect(String(error.context.rule)).toMatch(rule);
    }
  });

  it('accepts a genuinely serialized deserialization_failed error as data', () => {
    const inner = new FoundationError('deserialization_failed', 'inner failure');
    const event = createEvent('carrying', { inner }, { clock });
    const copy = deserialize(serialize(event));
    expect((copy.data as { inner: FoundationError }).inner.message).toBe('inner failure');
  });

  it('refuses prototype-polluting keys anywhere, and pollutes nothing', () => {
    const inputs = [
      `{"v":1,"__proto__":{"polluted":true}}`,
      JSON.stringify(sampleJson).replace(
        '"data":',
        '"constructor":{"prototype":{"polluted":1}},"data":',
      ),
      JSON.stringify(sampleJson).replace('"service":', '"__proto__":{"polluted":1},"service":'),
      JSON.stringify(withJson((j) => (j.data = { a: 1 }))).replace(
        '"a":1',
        '"__proto__":{"polluted":1}',
      ),
      JSON.stringify(withJson((j) => (j.data = { a: { b: 1 } }))).replace(
        '"b":1',
        '"constructor":{"prototype":{"polluted":1}}',
      ),
      JSON.stringify(withJson((j) => (j.data = { $t: 'object', v: { a: 1 } }))).replace(
        '"a":1',
        '"prototype":{"polluted":1}',
      ),
      JSON.stringify(withJson((j) => (j.data = { $t: 'map', v: [[1, { a: 1 }]] }))).replace(
        '"a":1',
        '"__proto__":{"polluted":1}',
      ),
    ];
    for (const input of inputs) {
      const error = refusal(input);
      expect(error.code).toBe(3102);
      expect(String(error.context.rule)).toBe('forbidden key');
      expect(String(error.context.path)).toMatch(/__proto__|constructor|prototype/);
    }
    const binaryPolluter = serialize(createEvent('x', { __safe__: { polluted: 1 } }, { clock }), {
      format: 'binary',
    });
    // Swap the 8-byte key for '__proto__' (9 bytes): its length header is byteLength × 2.
    const bytes = Buffer.from(binaryPolluter);
    const at = bytes.indexOf('__safe__');
    expect(bytes[at - 1]).toBe(8 * 2);
    const patched = Buffer.concat([
      bytes.subarray(0, at - 1),
      Buffer.from([9 * 2]),
      Buffer.from('__proto__'),
      bytes.subarray(at + 8),
    ]);
    const error = refusal(patched);
    expect(error.code).toBe(3102);
    expect(error.context.rule).toBe('forbidden key');
  });

  it('refuses data nested past the depth limit, in both formats', () => {
    const deepJson = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const error = refusal(JSON.stringify(sampleJson).replace('"data":', `"data":${deepJson},"x":`));
    expect(error.code).toBe(3102);
    expect(String(error.context.rule)).toMatch(/nested deeper than 64/);
    const deepValue = JSON.parse(`${'['.repeat(100)}1${']'.repeat(100)}`) as unknown;
    const shallowLimit = serialize(createEvent('deep', [[[1]]], { clock }), { format: 'binary' });
    expect(outcome(shallowLimit)).toBeUndefined();
    expect(
      (() => {
        try {
          deserialize(shallowLimit, { maxDepth: 2 });
        } catch (caught) {
          return (caught as FoundationError).context.path;
        }
        return undefined;
      })(),
    ).toBe('data[0][0]');
    expect(refusal(withJson((j) => (j.data = deepValue))).code).toBe(3102);
  });

  it('refuses truncated, empty, garbage and wrongly framed input', () => {
    const binary = serialize(sample, { format: 'binary' });
    for (let length = 0; length < binary.length; length++) {
      const error = outcome(binary.subarray(0, length));
      expect(error?.code, `binary cut at ${length}`).toBe(3102);
    }
    const json = Buffer.from(serialize(sample));
    for (let length = 0; length < json.length; length += 7) {
      expect(outcome(json.subarray(0, length))?.code).toBe(3102);
    }
    expect(refusal('').code).toBe(3102);
    expect(refusal('null').context.rule).toMatch(/expected an object, got null/);
    expect(refusal('[1]').context.rule).toMatch(/got array/);
    expect(refusal('{').context.rule).toMatch(/not valid JSON/);
    expect(refusal(Buffer.concat([binary, Buffer.from([0])])).context.rule).toMatch(/trailing/);
    expect(outcome(42 as unknown as string)?.code).toBe(3102);
    const wrongVersion = Buffer.from(binary);
    wrongVersion[1] = 9;
    expect(refusal(wrongVersion).context.path).toBe('version');
  });

  it('refuses binary input whose counts and lengths lie', () => {
    const event = createEvent('lies', [1, 2, 3], { clock });
    const bytes = Buffer.from(serialize(event, { format: 'binary' }));
    const at = bytes.length - 16; // the array's count sits just before its three 5-byte items
    expect(bytes[at - 1]).toBe(8);
    const lying = Buffer.from(bytes);
    lying[at] = 0x7f; // 127 items claimed, 15 bytes left
    expect(refusal(lying).context.rule).toMatch(/count exceeds/);
    const badVarint = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(9, 0xff)]);
    expect(refusal(badVarint).context.rule).toMatch(/malformed varint|truncated/);
  });

  it('refuses malformed binary values', () => {
    const base = Buffer.from(serialize(createEvent('v', null, { clock }), { format: 'binary' }));
    const head = base.subarray(0, base.length - 1); // everything up to the data's tag byte
    const cases: [number[], RegExp][] = [
      [[99], /unknown value tag 99/],
      [[7, 4, ...Buffer.from('zz')], /malformed bigint/],
      [[13, 42, 0], /unknown typed array kind/],
      [[13, 8, 3, 1, 2, 3], /multiple of 8/],
      [[6, 3, 0x41, 0x00], /odd UTF-16 byte length/],
      [[9, 1, 2, ...Buffer.from('a'), 99], /unknown value tag/],
      [[16, 0], /serialized error/],
    ];
    for (const [tail, rule] of cases) {
      const error = refusal(Buffer.concat([head, Buffer.from(tail)]));
      expect(error.code).toBe(3102);
      expect(String(error.context.rule)).toMatch(rule);
    }
    // A varint of eight bytes whose value passes 2^53.
    const huge = Buffer.concat([head, Buffer.from([8, ...Array<number>(7).fill(0xff), 0x7f])]);
    expect(refusal(huge).context.rule).toBe('malformed varint');
    // magic, version, id (kind + 16), type (header + 'v'), two float64 times, correlation id
    const flagsAt = 1 + 1 + 17 + 2 + 8 + 8 + 17;
    const withFlags = Buffer.from(base);
    expect(withFlags[flagsAt]).toBe(0);
    withFlags[flagsAt] = 4;
    expect(refusal(withFlags).context).toMatchObject({ path: 'flags', rule: 'unknown flags' });
    const idKind = Buffer.from(base);
    idKind[2] = 7;
    expect(refusal(idKind).context).toMatchObject({ path: 'id', rule: 'unknown id encoding 7' });
    expect(outcome(base)).toBeUndefined();
  });

  it('reads negative bigints from the binary format', () => {
    const event = createEvent('neg', -255n, { clock });
    expect(deserialize(serialize(event, { format: 'binary' })).data).toBe(-255n);
  });

  it('never throws anything but a FoundationError on random bytes or text (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from([0xf5, 1, ...bytes])),
          fc.string({ maxLength: 200 }),
          fc.json().map((json) => `{"v":1,"data":${json}}`),
        ),
        (input) => {
          const error = outcome(input);
          if (error) expect([3102, 2003]).toContain(error.code);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but a FoundationError on mutated valid input (fuzz)', () => {
    fc.assert(
      fc.property(
        data,
        fc.constantFrom('json' as const, 'binary' as const),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (value, format, flips, cut) => {
          const bytes = Buffer.from(serialize(createEvent('fuzz', value, { clock }), { format }));
          for (const [position, byte] of flips) bytes[position % bytes.length] = byte;
          const input = bytes.subarray(0, bytes.length - (cut % 3));
          let decoded: FoundationEvent | undefined;
          try {
            decoded = deserialize(input);
          } catch (error) {
            expect(FoundationError.is(error)).toBe(true);
            expect([3102, 2003]).toContain((error as FoundationError).code);
          }
          if (decoded) expect(Object.isFrozen(decoded)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never returns an object carrying prototype keys (fuzz over JSON with them)', () => {
    const poison = fc.constantFrom('__proto__', 'constructor', 'prototype');
    fc.assert(
      fc.property(fc.jsonValue(), poison, (value, key) => {
        const text = JSON.stringify(withJson((j) => (j.data = { wrap: value }))).replace(
          '"wrap":',
          `"${key}":{"polluted":true},"wrap":`,
        );
        const error = outcome(text);
        expect(error?.code).toBe(3102);
      }),
      { numRuns: 300 },
    );
  });
});
