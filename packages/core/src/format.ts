function assertFiniteNumber(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

function trim(value: number, digits: number): string {
  return Number(value.toFixed(digits)).toString();
}

/**
 * Formats a duration given in nanoseconds for people: `850 ns`, `12.5 µs`, `3.2 ms`, `1.25 s`,
 * `2m 5s`, `1h 2m`. Negative durations keep their sign.
 *
 * @throws RangeError when `ns` is not a finite number.
 */
export function formatDuration(ns: number): string {
  assertFiniteNumber(ns, 'ns');
  if (ns < 0) return `-${formatDuration(-ns)}`;
  if (ns < 1e3) return `${trim(ns, 0)} ns`;
  if (ns < 1e6) return `${trim(ns / 1e3, 2)} µs`;
  if (ns < 1e9) return `${trim(ns / 1e6, 2)} ms`;
  const seconds = ns / 1e9;
  if (seconds < 60) return `${trim(seconds, 2)} s`;
  const totalSeconds = Math.round(seconds);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${totalSeconds % 60}s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Formats a byte count with binary units: `512 B`, `1.5 KiB`, `20.25 MiB`.
 *
 * @throws RangeError when `bytes` is negative or not a finite number.
 */
export function formatBytes(bytes: number): string {
  assertFiniteNumber(bytes, 'bytes');
  if (bytes < 0) throw new RangeError(`bytes must be >= 0, got ${bytes}`);
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? trim(value, 0) : trim(value, 2)} ${BYTE_UNITS[unit] as string}`;
}
