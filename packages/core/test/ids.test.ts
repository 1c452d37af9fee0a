import { describe, expect, it } from 'vitest';
import { generateCorrelationId, generateId, idTimestampMs, nextSequence } from '../src/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function expectStrictlyIncreasing(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i - 1]! < ids[i]!)) {
      throw new Error(`ids[${i - 1}] = ${ids[i - 1]!} is not < ids[${i}] = ${ids[i]!}`);
    }
  }
}

describe('generateId', () => {
  it('is an RFC 9562 UUIDv7: version nibble 7, variant bits 10', () => {
    for (let i = 0; i < 1000; i++) {
      const id = generateId();
      expect(id).toMatch(UUID_V7);
      expect(id).toHaveLength(36);
      const hex = id.replaceAll('-', '');
      expect(Number.parseInt(hex[12]!, 16)).toBe(7);
      expect(Number.parseInt(hex[16]!, 16) >> 2).toBe(0b10);
    }
  });

  it('is unique and strictly increasing in string order across 100k calls', () => {
    const ids = Array.from({ length: 100_000 }, () => generateId());
    expect(new Set(ids).size).toBe(ids.length);
    expectStrictlyIncreasing(ids);
    // The property that makes string order meaningful: a sort changes nothing.
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays unique and ordered when many async callers interleave', async () => {
    const issued: string[] = [];
    const perCaller = await Promise.all(
      Array.from({ length: 200 }, async (_, caller) => {
        const mine: string[] = [];
        for (let i = 0; i < 50; i++) {
          const id = generateId();
          issued.push(id);
          mine.push(id);
          // Yield so the callers' calls interleave, some of them across a macrotask.
          if ((i + caller) % 7 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          else await Promise.resolve();
        }
        return mine;
      }),
    );
    expect(issued).toHaveLength(200 * 50);
    expect(new Set(issued).size).toBe(issued.length);
    expectStrictlyIncreasing(issued);
    for (const mine of perCaller) expectStrictlyIncreasing(mine);
  });

  it('embeds the current Unix millisecond timestamp, read back by idTimestampMs', () => {
    const before = Date.now();
    const id = generateId();
    const after = Date.now();
    const ms = idTimestampMs(id);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
    expect(new Date(ms).toISOString().slice(0, 4)).toBe(new Date(before).toISOString().slice(0, 4));
  });

  it('reads a known timestamp out of a hand-made id', () => {
    // 0x017F22E279B0 = 1645557742000 (the RFC 9562 appendix example).
    expect(idTimestampMs('017f22e2-79b0-7cc3-98c4-dc0c0c07398f')).toBe(1_645_557_742_000);
  });
});

describe('generateCorrelationId', () => {
  it('is a UUIDv7 ordered with the other ids of the process', () => {
    const first = generateId();
    const correlation = generateCorrelationId();
    const last = generateId();
    expect(correlation).toMatch(UUID_V7);
    expect(first < correlation).toBe(true);
    expect(correlation < last).toBe(true);
  });
});

describe('nextSequence', () => {
  it('counts up by one, as positive safe integers', () => {
    const first = nextSequence();
    expect(Number.isSafeInteger(first)).toBe(true);
    expect(first).toBeGreaterThan(0);
    const rest = Array.from({ length: 1000 }, () => nextSequence());
    rest.forEach((value, i) => {
      expect(value).toBe(first + i + 1);
    });
  });
});
