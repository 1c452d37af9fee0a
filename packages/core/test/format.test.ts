import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, InvalidInputError } from '../src/index.js';

const SUB_MINUTE = /^(-?)(\d+(?:\.\d{1,2})?) (ns|µs|ms|s)$/;
const MINUTES = /^(-?)(\d+)m (\d+)s$/;
const HOURS = /^(-?)(\d+)h (\d+)m$/;
const UNIT_NS: Record<string, number> = { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 };
const BYTES = /^(\d+(?:\.\d{1,2})?) (B|KiB|MiB|GiB|TiB|PiB)$/;
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

const finite = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });

describe('formatDuration', () => {
  it.each([
    [0, '0 ns'],
    [850, '850 ns'],
    [999.4, '999 ns'],
    [999.6, '1 µs'],
    [12_500, '12.5 µs'],
    [999_996, '1 ms'],
    [3_200_000, '3.2 ms'],
    [1_250_000_000, '1.25 s'],
    [59_994_000_000, '59.99 s'],
    [59_996_000_000, '1m 0s'],
    [125e9, '2m 5s'],
    [3599.6e9, '1h 0m'],
    [3720e9, '1h 2m'],
    [90_000e9, '25h 0m'],
    [-0, '0 ns'],
  ])('formats %d ns as %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  it('refuses NaN and infinities with a RangeError', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => formatDuration(bad)).toThrow(RangeError);
    }
    expect(() => formatDuration('5' as unknown as number)).toThrow(/ns must be a finite number/);
  });

  it('accepts a bigint of nanoseconds, as process.hrtime.bigint() differences are', () => {
    expect(formatDuration(10n)).toBe('10 ns');
    expect(formatDuration(1_250_000_000n)).toBe('1.25 s');
    const start = process.hrtime.bigint();
    expect(formatDuration(process.hrtime.bigint() - start)).toMatch(/ (ns|µs|ms|s)$/);
  });

  it('formats a bigint exactly as the same number of nanoseconds', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n }), (ns) => {
        expect(formatDuration(ns)).toBe(formatDuration(Number(ns)));
      }),
    );
  });

  it('refuses a negative duration with an error that says a duration cannot be negative', () => {
    for (const bad of [-1, -1500, -0.2, -1n]) {
      const error = (() => {
        try {
          formatDuration(bad);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ code: 3204, path: 'ns', rule: 'must be >= 0 (a duration)' });
    }
    expect(() => formatDuration(-10n)).toThrow(
      'formatDuration: ns must be >= 0 (a duration), got -10n',
    );
  });

  it('refuses every negative number', () => {
    fc.assert(
      fc.property(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), (ns) => {
        expect(() => formatDuration(ns)).toThrow(InvalidInputError);
      }),
    );
  });

  it('never throws for a finite number and always names a unit', () => {
    fc.assert(
      fc.property(finite, (ns) => {
        expect(formatDuration(ns)).toMatch(/ (ns|µs|ms|s)$|\d+m \d+s$|m$/);
      }),
    );
  });

  it('picks the right unit and stays within rounding of the input', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), (ns) => {
        const text = formatDuration(ns);
        const abs = Math.abs(ns);
        const sub = SUB_MINUTE.exec(text);
        const minutes = MINUTES.exec(text);
        const hours = HOURS.exec(text);
        if (sub) {
          const [, sign, digits, unit] = sub;
          const size = UNIT_NS[unit!]!;
          const value = Number(digits);
          // The unit is the largest one the value reaches, and the next one is not reached.
          expect(value).toBeLessThan(unit === 's' ? 60 : 1000);
          if (unit !== 'ns') expect(value).toBeGreaterThanOrEqual(0.995);
          expect(Math.abs(value * size - abs)).toBeLessThanOrEqual(
            (unit === 'ns' ? 0.5 : 0.005) * size + 1e-6 * abs,
          );
          expect(sign).toBe(ns < 0 && value !== 0 ? '-' : '');
        } else if (minutes) {
          const [, sign, m, s] = minutes;
          expect(Number(s)).toBeLessThan(60);
          expect(Number(m)).toBeGreaterThanOrEqual(1);
          expect(Number(m)).toBeLessThan(60);
          expect(Math.abs((Number(m) * 60 + Number(s)) * 1e9 - abs)).toBeLessThanOrEqual(0.5e9);
          expect(sign).toBe(ns < 0 ? '-' : '');
        } else if (hours) {
          const [, sign, h, m] = hours;
          expect(Number(h)).toBeGreaterThanOrEqual(1);
          expect(Number(m)).toBeLessThan(60);
          expect(Math.abs((Number(h) * 3600 + Number(m) * 60) * 1e9 - abs)).toBeLessThan(60.5e9);
          expect(sign).toBe(ns < 0 ? '-' : '');
        } else {
          throw new Error(`unexpected format: ${text}`);
        }
      }),
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1023.6, '1 KiB'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [1_048_575, '1 MiB'],
    [20.25 * 1024 ** 2, '20.25 MiB'],
    [5 * 1024 ** 3, '5 GiB'],
    [1.75 * 1024 ** 4, '1.75 TiB'],
    [3 * 1024 ** 5, '3 PiB'],
    [1024 ** 6, '1024 PiB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('refuses negative and non-finite counts with a RangeError', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => formatBytes(bad)).toThrow(RangeError);
    }
    expect(() => formatBytes(-1)).toThrow(/bytes must be >= 0, got -1/);
  });

  it('never throws for a finite count >= 0 and always names a unit', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), (bytes) => {
        expect(formatBytes(bytes)).toMatch(/ (B|KiB|MiB|GiB|TiB|PiB)$/);
      }),
    );
  });

  it('picks the largest unit below 1024 and stays within rounding of the input', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 60, noNaN: true }), (bytes) => {
        const text = formatBytes(bytes);
        const match = BYTES.exec(text);
        expect(match, text).not.toBeNull();
        const value = Number(match![1]);
        const power = BYTE_UNITS.indexOf(match![2]!);
        const size = 1024 ** power;
        if (power < BYTE_UNITS.length - 1) expect(value).toBeLessThan(1024);
        if (power > 0) expect(value).toBeGreaterThanOrEqual(0.995);
        const tolerance = power === 0 ? 0.5 : 0.005 * size;
        expect(Math.abs(value * size - bytes)).toBeLessThanOrEqual(tolerance + 1e-9 * bytes);
      }),
    );
  });
});
