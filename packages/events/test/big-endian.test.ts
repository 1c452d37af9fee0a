import type * as os from 'node:os';
import { describe, expect, it, vi } from 'vitest';

// Pretend to run on a big-endian host: the wire format stays little-endian, so values must
// be byte-swapped on the way out and back in.
vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof os>()),
  endianness: () => 'BE',
}));

const { createEvent, deserialize, serialize } = await import('../src/index.js');

describe('typed arrays on a big-endian host', () => {
  it('writes elements in little-endian order and reads them back', () => {
    // On this (really little-endian) machine, "swapping" turns memory order into big-endian,
    // which is what a real big-endian host would hold in memory.
    const event = createEvent('be', {
      words: new Uint16Array([0x0102]),
      bytes: new Uint8Array([1, 2]),
    });
    const json = JSON.parse(Buffer.from(serialize(event)).toString('utf8')) as {
      data: { words: { v: string } };
    };
    expect([...Buffer.from(json.data.words.v, 'base64')]).toEqual([0x01, 0x02]);
    for (const format of ['json', 'binary'] as const) {
      expect(deserialize(serialize(event, { format }))).toStrictEqual(event);
    }
  });
});
