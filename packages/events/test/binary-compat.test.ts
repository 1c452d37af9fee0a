import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize, type FoundationEvent } from '../src/index.js';

// Written by the encoder as it was before the short-string fast paths (version byte 1): the
// wire format did not change, so this must keep decoding, and encode back to the same bytes.
const OLD_PAYLOAD_HEX =
  'f5010101890a5dac96774bbcceb302099a8057186f726465722e706c616365640000000000000000000080aa6db77942000c636f72722d310006737663026801090a0a6f726465720902046964040700000010637573746f6d657209030469640606632d3708746965720608676f6c64087461677308040606766970060465750604c3a906a00178787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878780a746f74616c050000000000205f4006626967072061623534613938636562316630616432087768656e0a0000000000000000066d61700b0106026b0401000000067365740c02040100000004020000000a62797465730d0103010203086c6f6e65060500d80e6e6f7468696e6700086e6f6e6501';

describe('binary format compatibility', () => {
  it('decodes a payload written by the earlier encoder, and writes the same bytes back', () => {
    const bytes = Buffer.from(OLD_PAYLOAD_HEX, 'hex');
    expect(bytes[0]).toBe(0xf5);
    expect(bytes[1]).toBe(1);
    const event = deserialize(bytes) as FoundationEvent<string, Record<string, unknown>>;
    expect(event.id).toBe('01890a5d-ac96-774b-bcce-b302099a8057');
    expect(event.type).toBe('order.placed');
    expect(event.correlationId).toBe('corr-1');
    expect(event.source).toEqual({ service: 'svc', host: 'h', pid: 1 });
    const data = event.data;
    expect(data.order).toEqual({
      id: 7,
      customer: { id: 'c-7', tier: 'gold', tags: ['vip', 'eu', 'é', 'x'.repeat(80)] },
    });
    expect(data.total).toBe(124.5);
    expect(data.big).toBe(12345678901234567890n);
    expect(data.when).toEqual(new Date(0));
    expect(data.map).toEqual(new Map([['k', 1]]));
    expect(data.set).toEqual(new Set([1, 2]));
    expect(data.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(data.lone).toBe('\ud800');
    expect(data.nothing).toBeNull();
    expect('none' in data && data.none === undefined).toBe(true);
    expect(Buffer.from(serialize(event, { format: 'binary' })).toString('hex')).toBe(
      OLD_PAYLOAD_HEX,
    );
  });

  it('round-trips any strings as keys and values, short or long, ASCII or not', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.string({ unit: 'grapheme', maxLength: 70 }),
      fc.string({ unit: 'binary', maxLength: 70 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'A', '~', '\u007f', '\u0080'), maxLength: 66 }),
    );
    const key = text.filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
    fc.assert(
      fc.property(fc.dictionary(key, fc.array(text, { maxLength: 4 }), { maxKeys: 12 }), (data) => {
        const event = {
          id: '01890a5d-ac96-774b-bcce-b302099a8057',
          type: 't',
          timestampNs: 1,
          wallTime: 2,
          correlationId: 'c',
          source: { service: 's', host: 'h', pid: 1 },
          data,
        };
        const decoded = deserialize(serialize(event, { format: 'binary' }));
        expect(decoded.data).toEqual(data);
        // Twice, so that the second decoding reads strings back from the decoder's cache.
        expect(deserialize(serialize(event, { format: 'binary' })).data).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });
});
