import { InvalidInputError } from './invalid-input-error.js';

function assertFiniteNumber(value: number, where: string, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInputError(where, name, 'must be a finite number', value);
  }
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

// Each sub-minute unit: its size in ns, the decimals shown, and the rounded value at which the
// next unit takes over (so 999.7 ns reads `1 µs`, never `1000 ns`).
const DURATION_UNITS = [
  { sizeNs: 1, unit: 'ns', digits: 0, limit: 1000 },
  { sizeNs: 1e3, unit: 'µs', digits: 2, limit: 1000 },
  { sizeNs: 1e6, unit: 'ms', digits: 2, limit: 1000 },
  { sizeNs: 1e9, unit: 's', digits: 2, limit: 60 },
] as const;

/**
 * Formats a duration given in nanoseconds for people: `850 ns`, `12.5 µs`, `3.2 ms`, `1.25 s`,
 * `2m 5s`, `1h 2m`. Values are rounded (whole ns, two decimals for µs, ms and s, whole seconds
 * from one minute up) and a value that rounds up to the next unit is shown in that unit. A
 * bigint (such as the difference of two `process.hrtime.bigint()` readings) is accepted.
 *
 * @param ns - the duration in nanoseconds, a number or a bigint; must be >= 0
 * @returns the duration with its unit, such as `12.5 µs` or `2m 5s`
 * @throws InvalidInputError (3204, a RangeError) when `ns` is negative, or neither a bigint nor
 *   a finite number.
 */
export function formatDuration(ns: number | bigint): string {
  const value = typeof ns === 'bigint' ? Number(ns) : ns;
  assertFiniteNumber(value, 'formatDuration', 'ns');
  // A duration is how long something took: a negative one is a mistake (clocks subtracted the
  // wrong way round, or a wall clock that stepped back), so it is refused rather than printed.
  if (value < 0) {
    throw new InvalidInputError('formatDuration', 'ns', 'must be >= 0 (a duration)', ns);
  }
  for (const { sizeNs, unit, digits, limit } of DURATION_UNITS) {
    const shown = round(value / sizeNs, digits);
    if (shown < limit) return `${shown} ${unit}`;
  }
  const totalSeconds = Math.round(value / 1e9);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${totalSeconds % 60}s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Formats a byte count with binary units: `512 B`, `1.5 KiB`, `20.25 MiB`. Bytes are shown
 * whole, larger units with up to two decimals; a value that rounds up to 1024 is shown in the
 * next unit (`1 MiB`, never `1024 KiB`). PiB is the largest unit.
 *
 * @param bytes - the size in bytes; must be >= 0 (fractions are rounded to whole bytes)
 * @returns the size with its binary unit, such as `512 B` or `1.5 KiB`
 * @throws InvalidInputError (3204, a RangeError) when `bytes` is negative or not a finite number.
 */
export function formatBytes(bytes: number): string {
  assertFiniteNumber(bytes, 'formatBytes', 'bytes');
  if (bytes < 0) throw new InvalidInputError('formatBytes', 'bytes', 'must be >= 0', bytes);
  let unit = 0;
  let value = round(bytes, 0);
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    unit += 1;
    value = round(bytes / 1024 ** unit, 2);
  }
  return `${value} ${BYTE_UNITS[unit]!}`;
}
