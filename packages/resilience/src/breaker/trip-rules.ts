import { invalidOption } from '../errors.js';
import { integer, positive, rate01 } from '../validate.js';

/** Trips after `failures` failures in a row. */
export interface ConsecutiveRule {
  /** The rule's kind. */
  readonly kind: 'consecutive';
  /** Failures in a row that trip it. */
  readonly failures: number;
}

/** Trips when, of the last `size` calls (and at least `minCalls`), the failure share reaches `failureRate`. */
export interface CountWindowRule {
  /** The rule's kind. */
  readonly kind: 'count_window';
  /** Calls in the window. */
  readonly size: number;
  /** The failure share (0..1] that trips it. */
  readonly failureRate: number;
  /** Calls needed in the window before it can trip. */
  readonly minCalls: number;
}

/** Trips when, of the calls in the last `windowMs` (at least `minCalls`), the failure share reaches `failureRate`. */
export interface TimeWindowRule {
  /** The rule's kind. */
  readonly kind: 'time_window';
  /** The window's length in ms. */
  readonly windowMs: number;
  /** The failure share (0..1] that trips it. */
  readonly failureRate: number;
  /** Calls needed in the window before it can trip. */
  readonly minCalls: number;
}

/** When a closed circuit breaker opens. Plain data, so it can be logged and compared. */
export type TripRule = ConsecutiveRule | CountWindowRule | TimeWindowRule;

/**
 * Trips after `failures` consecutive failures; any success starts the count again.
 *
 * @param failures - how many failures in a row open the breaker, an integer >= 1
 * @returns a frozen `consecutive` rule to pass as a breaker's `trip`
 * @throws FoundationError 3204 unless `failures` is an integer >= 1.
 */
export function consecutive(failures: number): ConsecutiveRule {
  return Object.freeze({ kind: 'consecutive', failures: integer('failures', failures, 1) });
}

/**
 * Trips when at least `failureRate` (0..1] of the last `size` calls failed, once at least
 * `minCalls` (default `size`) calls are in the window.
 *
 * @param size - how many of the latest calls the window holds, an integer >= 1
 * @param failureRate - the share of failed calls in the window that trips it, in (0, 1]
 *   (0.5 is half)
 * @param minCalls - the calls needed in the window before it can trip, 1 to `size`. Default
 *   `size`
 * @returns a frozen `count_window` rule to pass as a breaker's `trip`
 * @throws FoundationError 3204 for a size < 1, a rate outside (0, 1], or `minCalls` outside 1..size.
 */
export function countWindow(size: number, failureRate: number, minCalls = size): CountWindowRule {
  integer('size', size, 1);
  rate01('failureRate', failureRate);
  integer('minCalls', minCalls, 1);
  if (minCalls > size) throw invalidOption('minCalls', 'must be <= size', minCalls);
  return Object.freeze({ kind: 'count_window', size, failureRate, minCalls });
}

/**
 * Trips when at least `failureRate` (0..1] of the calls in the last `windowMs` failed, once
 * at least `minCalls` (default 10) calls are in the window. The window slides in tenths.
 *
 * @param windowMs - the window's length in milliseconds, > 0
 * @param failureRate - the share of failed calls in the window that trips it, in (0, 1]
 *   (0.5 is half)
 * @param minCalls - the calls needed in the window before it can trip, an integer >= 1.
 *   Default 10
 * @returns a frozen `time_window` rule to pass as a breaker's `trip`
 * @throws FoundationError 3204 for a non-positive window, a rate outside (0, 1] or `minCalls` < 1.
 */
export function timeWindow(windowMs: number, failureRate: number, minCalls = 10): TimeWindowRule {
  positive('windowMs', windowMs);
  rate01('failureRate', failureRate);
  integer('minCalls', minCalls, 1);
  return Object.freeze({ kind: 'time_window', windowMs, failureRate, minCalls });
}

/** What a tracker's window holds now. */
export interface WindowStats {
  /** Calls in the window. */
  readonly calls: number;
  /** Failures among them. */
  readonly failures: number;
}

/** The mutable counting state behind a trip rule, owned by one breaker. */
export interface Tracker {
  /** Records an outcome; true when the rule trips. */
  record(failure: boolean, nowMs: number): boolean;
  /** Empties the window. */
  reset(): void;
  /** The window's counts now. */
  window(nowMs: number): WindowStats;
  /** The window as JSON data (for snapshots), relative to `nowMs`. */
  save(nowMs: number): unknown;
  /** Loads what `save` wrote; false (changing nothing) when the data does not fit. */
  load(data: unknown, nowMs: number): boolean;
}

class ConsecutiveTracker implements Tracker {
  #failures = 0;
  constructor(private readonly rule: ConsecutiveRule) {}

  record(failure: boolean): boolean {
    if (!failure) {
      this.#failures = 0;
      return false;
    }
    return ++this.#failures >= this.rule.failures;
  }

  reset(): void {
    this.#failures = 0;
  }

  window(): WindowStats {
    return { calls: this.#failures, failures: this.#failures };
  }

  save(): unknown {
    return { failures: this.#failures };
  }

  load(data: unknown): boolean {
    const failures = (data as { failures?: unknown } | null)?.failures;
    if (!isCount(failures) || failures >= this.rule.failures) return false;
    this.#failures = failures;
    return true;
  }
}

/** The window rules' test: enough calls in the window, and a large enough share failed. */
function windowTrips(
  rule: CountWindowRule | TimeWindowRule,
  failures: number,
  calls: number,
): boolean {
  return calls >= rule.minCalls && failures >= rule.failureRate * calls;
}

class CountWindowTracker implements Tracker {
  readonly #ring: Uint8Array;
  #next = 0;
  #filled = 0;
  #failures = 0;
  constructor(private readonly rule: CountWindowRule) {
    this.#ring = new Uint8Array(rule.size);
  }

  record(failure: boolean): boolean {
    const value = failure ? 1 : 0;
    if (this.#filled === this.rule.size) this.#failures -= this.#ring[this.#next]!;
    else this.#filled++;
    this.#ring[this.#next] = value;
    this.#failures += value;
    this.#next = this.#next + 1 === this.rule.size ? 0 : this.#next + 1;
    return failure && windowTrips(this.rule, this.#failures, this.#filled);
  }

  reset(): void {
    this.#ring.fill(0);
    this.#next = this.#filled = this.#failures = 0;
  }

  window(): WindowStats {
    return { calls: this.#filled, failures: this.#failures };
  }

  save(): unknown {
    const outcomes: number[] = [];
    const start = this.#filled === this.rule.size ? this.#next : 0;
    for (let i = 0; i < this.#filled; i++) outcomes.push(this.#ring[(start + i) % this.rule.size]!);
    return { outcomes };
  }

  load(data: unknown): boolean {
    const outcomes = (data as { outcomes?: unknown } | null)?.outcomes;
    if (!Array.isArray(outcomes) || outcomes.length > this.rule.size) return false;
    if (!outcomes.every((o) => o === 0 || o === 1)) return false;
    this.reset();
    for (const outcome of outcomes as number[]) this.record(outcome === 1);
    return true;
  }
}

const TIME_BUCKETS = 10;

class TimeWindowTracker implements Tracker {
  readonly #bucketMs: number;
  readonly #calls = new Float64Array(TIME_BUCKETS);
  readonly #fails = new Float64Array(TIME_BUCKETS);
  // The absolute bucket number each slot holds; -Infinity for none.
  readonly #stamps = new Float64Array(TIME_BUCKETS).fill(-Infinity);
  #current = -Infinity;
  #totalCalls = 0;
  #totalFails = 0;

  constructor(private readonly rule: TimeWindowRule) {
    this.#bucketMs = rule.windowMs / TIME_BUCKETS;
  }

  record(failure: boolean, nowMs: number): boolean {
    const slot = this.#advance(nowMs);
    this.#calls[slot]! += 1;
    this.#totalCalls += 1;
    if (failure) {
      this.#fails[slot]! += 1;
      this.#totalFails += 1;
    }
    return failure && windowTrips(this.rule, this.#totalFails, this.#totalCalls);
  }

  reset(): void {
    this.#calls.fill(0);
    this.#fails.fill(0);
    this.#stamps.fill(-Infinity);
    this.#current = -Infinity;
    this.#totalCalls = this.#totalFails = 0;
  }

  window(nowMs: number): WindowStats {
    this.#advance(nowMs);
    return { calls: this.#totalCalls, failures: this.#totalFails };
  }

  save(nowMs: number): unknown {
    this.#advance(nowMs);
    const buckets: { ageMs: number; calls: number; failures: number }[] = [];
    for (let slot = 0; slot < TIME_BUCKETS; slot++) {
      if (this.#calls[slot]! > 0) {
        buckets.push({
          ageMs: nowMs - this.#stamps[slot]! * this.#bucketMs,
          calls: this.#calls[slot]!,
          failures: this.#fails[slot]!,
        });
      }
    }
    return { buckets };
  }

  load(data: unknown, nowMs: number): boolean {
    const buckets = (data as { buckets?: unknown } | null)?.buckets;
    if (!Array.isArray(buckets) || buckets.length > TIME_BUCKETS) return false;
    const valid = buckets.every((b: unknown) => {
      const { ageMs, calls, failures } = (b ?? {}) as Record<string, unknown>;
      return (
        typeof ageMs === 'number' &&
        ageMs >= 0 &&
        ageMs < this.rule.windowMs &&
        isCount(calls) &&
        isCount(failures) &&
        failures <= calls
      );
    });
    if (!valid) return false;
    this.reset();
    this.#advance(nowMs);
    for (const b of buckets as { ageMs: number; calls: number; failures: number }[]) {
      const bucket = Math.floor((nowMs - b.ageMs) / this.#bucketMs);
      if (bucket <= this.#current - TIME_BUCKETS) continue;
      const slot = ((bucket % TIME_BUCKETS) + TIME_BUCKETS) % TIME_BUCKETS;
      this.#stamps[slot] = bucket;
      this.#calls[slot]! += b.calls;
      this.#fails[slot]! += b.failures;
      this.#totalCalls += b.calls;
      this.#totalFails += b.failures;
    }
    return true;
  }

  /** Moves the window to `nowMs`, dropping buckets that slid out; returns the current slot. */
  #advance(nowMs: number): number {
    const bucket = Math.floor(nowMs / this.#bucketMs);
    const slot = ((bucket % TIME_BUCKETS) + TIME_BUCKETS) % TIME_BUCKETS;
    if (bucket === this.#current) return slot;
    this.#current = bucket;
    for (let s = 0; s < TIME_BUCKETS; s++) {
      if (this.#stamps[s]! <= bucket - TIME_BUCKETS && this.#calls[s]! > 0) {
        this.#totalCalls -= this.#calls[s]!;
        this.#totalFails -= this.#fails[s]!;
        this.#calls[s] = 0;
        this.#fails[s] = 0;
      }
    }
    if (this.#stamps[slot] !== bucket) {
      this.#totalCalls -= this.#calls[slot]!;
      this.#totalFails -= this.#fails[slot]!;
      this.#calls[slot] = 0;
      this.#fails[slot] = 0;
      this.#stamps[slot] = bucket;
    }
    return slot;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Creates the tracker that counts outcomes for `rule`. */
export function trackerFor(rule: TripRule): Tracker {
  switch (rule.kind) {
    case 'consecutive':
      return new ConsecutiveTracker(rule);
    case 'count_window':
      return new CountWindowTracker(rule);
    case 'time_window':
      return new TimeWindowTracker(rule);
  }
}

/** Validates a trip rule given as data (a snapshot's or a caller's). */
export function checkTripRule(value: unknown, path: string): TripRule {
  const rule = value as Partial<Record<string, unknown>> | null;
  if (typeof rule !== 'object' || rule === null)
    throw invalidOption(path, 'must be a trip rule', value);
  switch (rule.kind) {
    case 'consecutive':
      return consecutive(rule.failures as number);
    case 'count_window':
      return countWindow(rule.size as number, rule.failureRate as number, rule.minCalls as number);
    case 'time_window':
      return timeWindow(
        rule.windowMs as number,
        rule.failureRate as number,
        rule.minCalls as number,
      );
    default:
      throw invalidOption(
        `${path}.kind`,
        'must be consecutive, count_window or time_window',
        rule.kind,
      );
  }
}

/** True when two rules are the same. */
export function sameRule(a: TripRule, b: TripRule): boolean {
  const keys = Object.keys(a) as (keyof TripRule)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
