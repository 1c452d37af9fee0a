import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateId, idTimestampMs } from '../src/index.js';

// A separate file (and so a fresh module instance) because these tests move the id generator's
// notion of "last millisecond" into the future.
describe('generateId when the wall clock misbehaves', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps ids increasing within one millisecond and when the clock steps back', () => {
    const base = Date.UTC(2030, 0, 1);
    const now = vi.spyOn(Date, 'now').mockReturnValue(base);
    const sameMs = Array.from({ length: 5000 }, () => generateId());
    expect(new Set(sameMs).size).toBe(sameMs.length);
    expect([...sameMs].sort()).toEqual(sameMs);
    expect(sameMs.every((id) => idTimestampMs(id) === base)).toBe(true);

    // The system clock is set back by ten seconds: ids keep the last millisecond and count on.
    now.mockReturnValue(base - 10_000);
    const afterStep = generateId();
    expect(afterStep > sameMs.at(-1)!).toBe(true);
    expect(idTimestampMs(afterStep)).toBe(base);

    // Once the clock passes the last millisecond again, ids carry the new time.
    now.mockReturnValue(base + 1);
    const later = generateId();
    expect(later > afterStep).toBe(true);
    expect(idTimestampMs(later)).toBe(base + 1);
  });

  it('orders ids by their millisecond first', () => {
    const base = Date.UTC(2031, 5, 1);
    const now = vi.spyOn(Date, 'now');
    const ids: string[] = [];
    for (let ms = 0; ms < 300; ms++) {
      now.mockReturnValue(base + ms * 37);
      ids.push(generateId(), generateId());
    }
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(idTimestampMs)).toEqual(
      Array.from({ length: 300 }, (_, ms) => [base + ms * 37, base + ms * 37]).flat(),
    );
  });
});
