import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import {
  createEvent,
  deserialize,
  MAX_DEPTH_LIMIT,
  serialize,
  type FoundationEvent,
} from '../src/index.js';

const clock = new ManualClock();
const MARK = 'ZZZZ-data-ZZZZ';
const TAG_ERROR = 16;
const TAG_NULL = 0;
const TAG_ARRAY = 8;

/** A binary event whose data bytes are replaced by `dataBytes` (the value encoding). */
function binaryWithData(dataBytes: readonly number[]): Uint8Array {
  const bytes = serialize(createEvent('depth.probe', MARK, { clock }), { format: 'binary' });
  const mark = Buffer.from(MARK, 'utf8');
  const at = Buffer.from(bytes).indexOf(mark);
  // The string value is its tag, a one-byte length, then the text.
  const start = at - 2;
  return Uint8Array.from([
    ...bytes.subarray(0, start),
    ...dataBytes,
    ...bytes.subarray(at + mark.length),
  ]);
}

function refusal(input: Uint8Array | string, options?: { maxDepth?: number }): FoundationError {
  try {
    deserialize(input, options);
  } catch (error) {
    if (!FoundationError.is(error)) throw new Error(`not a FoundationError: ${String(error)}`);
    return error;
  }
  throw new Error('expected a refusal');
}

describe('decoding depth counts through every tag', () => {
  it('the probe splices data in where the event keeps it', () => {
    expect(deserialize(binaryWithData([TAG_NULL])).data).toBeNull();
  });

  it('refuses errors nested in errors (about 5 KB) with 3102, not a stack overflow as 3101', () => {
    const error = refusal(binaryWithData([...Array<number>(5_000).fill(TAG_ERROR), TAG_NULL]));
    expect(error.code).toBe(3102);
    expect(String(error.context.rule)).toMatch(/tagged error|nested deeper/);
  });

  it('refuses nesting past maxDepth whatever mix of containers and error tags makes it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('array', 'error'), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        (layers, maxDepth) => {
          const bytes: number[] = [];
          for (const layer of layers)
            bytes.push(...(layer === 'array' ? [TAG_ARRAY, 1] : [TAG_ERROR]));
          bytes.push(TAG_NULL);
          try {
            deserialize(binaryWithData(bytes), { maxDepth });
          } catch (error) {
            expect(FoundationError.is(error) && error.code === 3102).toBe(true);
            return;
          }
          // Accepted only when shallow enough: no error tags inside (errors hold plain data).
          expect(layers.filter((l) => l === 'array').length).toBeLessThanOrEqual(maxDepth);
        },
      ),
    );
  });

  it('caps maxDepth at what the decoder holds, and decodes data that deep in both formats', () => {
    expect(refusal('{}', { maxDepth: MAX_DEPTH_LIMIT + 1 })).toMatchObject({
      code: 3204,
      context: { path: 'options.maxDepth' },
    });
    expect(refusal('{}', { maxDepth: Infinity }).code).toBe(3204);
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_DEPTH_LIMIT - 1; i++) deep = [deep];
    const event = createEvent('deep', deep, { clock });
    for (const format of ['json', 'binary'] as const) {
      const bytes = serialize(event, { format, maxDepth: MAX_DEPTH_LIMIT });
      const copy: FoundationEvent = deserialize(bytes, { maxDepth: MAX_DEPTH_LIMIT });
      expect(copy.data).toEqual(deep);
    }
  });

  it('still round-trips errors with causes in event data', () => {
    const inner = new Error('inner');
    const outer = new Error('outer', { cause: inner });
    const event = createEvent('with.error', { outer, list: [outer] }, { clock });
    const copy = deserialize(serialize(event, { format: 'binary' }));
    const data = copy.data as { outer: Error; list: Error[] };
    expect(data.outer.message).toBe('outer');
    expect((data.outer.cause as Error).message).toBe('inner');
    expect(data.list[0]!.message).toBe('outer');
  });
});
