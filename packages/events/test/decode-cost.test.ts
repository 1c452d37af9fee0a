import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { createEvent, deserialize, serialize } from '../src/index.js';
import { failure } from './failure.js';

const clock = new ManualClock();

describe('costly input is refused on a cheap check first', () => {
  it('a JSON bigint longer than 10 000 digits is refused before it is parsed', () => {
    const json = JSON.parse(
      Buffer.from(serialize(createEvent('big', 5n, { clock }))).toString('utf8'),
    ) as { data: { v: string } };
    json.data.v = '9'.repeat(1024 * 1024 - 200);
    expect(
      failure(() => deserialize(JSON.stringify(json), { maxBytes: 2 * 1024 * 1024 })),
    ).toMatchObject({
      code: 3102,
      context: { path: 'data.v' },
    });
    json.data.v = '9'.repeat(10_000);
    expect(deserialize(JSON.stringify(json)).data).toBe(10n ** 10_000n - 1n);
    expect(failure(() => serialize(createEvent('big', 10n ** 10_001n, { clock })))).toMatchObject({
      code: 3101,
    });
  });

  it('text with more characters than maxBytes is too large without being measured', () => {
    const text = 'x'.repeat(2_000);
    expect(failure(() => deserialize(text, { maxBytes: 1_000 }))).toMatchObject({
      code: 2003,
      context: { sizeBytes: 2_000, maxBytes: 1_000 },
    });
  });
});
