import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { createEvent, deserialize, serialize } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/retained.ts', import.meta.url));

function retained(
  shape: string,
  format: string,
): Promise<{ inputBytes: number; retained: number; outcome: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fixture, shape, format],
      { timeout: 60_000, cwd: fileURLToPath(new URL('..', import.meta.url)) },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else
          resolve(JSON.parse(stdout) as { inputBytes: number; retained: number; outcome: string });
      },
    );
  });
}

// The documented bound: decoded values retain at most 8x the input plus 256 KiB. Measured on a
// settled heap in a fresh process; 256 KiB more are allowed for the measurement's own noise.
const BOUND = (inputBytes: number): number => 8 * inputBytes + 512 * 1024;

describe('decoding retains at most 8x its input plus a constant (measured, child processes)', () => {
  const cases: [string, string][] = [
    ['empty typed arrays', 'binary'],
    ['empty typed arrays', 'json'],
    ['empty objects', 'binary'],
    ['empty objects', 'json'],
    ['empty arrays', 'binary'],
    ['empty arrays', 'json'],
    ['nulls', 'binary'],
    ['nulls', 'json'],
    ['empty maps', 'binary'],
    ['wide object', 'binary'],
    ['wide object', 'json'],
  ];
  for (const [shape, format] of cases) {
    it(`${shape} (${format}, about 1 MiB)`, async () => {
      const result = await retained(shape, format);
      expect(result.outcome === 'accepted' || result.outcome === 'refused 2003').toBe(true);
      expect(result.retained).toBeLessThanOrEqual(BOUND(result.inputBytes));
    }, 90_000);
  }
});

describe('decode budget (property)', () => {
  const clock = new ManualClock();
  it('refuses over-budget data with 2003, and only that; small events always decode', () => {
    const leaf = fc.oneof(
      fc.constant(null),
      fc.constant({}),
      fc.constant([]),
      fc.constant(new Uint8Array(0)),
      fc.constant(new Map()),
      fc.integer(),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        leaf,
        fc.integer({ min: 0, max: 40_000 }),
        fc.constantFrom('json' as const, 'binary' as const),
        (item, count, format) => {
          const event = createEvent(
            'shape',
            Array.from({ length: count }, () => item),
            { clock },
          );
          const bytes = serialize(event, { format, maxBytes: 8 * 1024 * 1024 });
          try {
            deserialize(bytes, { maxBytes: 8 * 1024 * 1024 });
          } catch (error) {
            expect(FoundationError.is(error) && error.code === 2003).toBe(true);
            expect(bytes.length).toBeGreaterThan(1_000); // a small event is never refused
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
