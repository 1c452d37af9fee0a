import { processWide } from '@foundation/core';
import { isForbiddenKey } from '@foundation/errors';
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

/** When a closed circuit breaker opens: one of the built-in rules. Plain data, so it can be logged and compared. */
export type TripRule = ConsecutiveRule | CountWindowRule | TimeWindowRule;

/**
 * A rule of a kind added with {@link defineTripRule}: plain data (primitive fields, so it can
 * be logged, compared and carried in a snapshot) with its kind's name.
 */
export interface CustomTripRule {
  /** The name its kind was defined under. */
  readonly kind: string;
  /** The rule's own parameters. */
  readonly [field: string]: unknown;
}

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

/**
 * The mutable counting state behind a trip rule, owned by one breaker (what a
 * {@link TripRuleKind} creates).
 */
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

/**
 * One kind of trip rule, as an entry of the one table of kinds every breaker reads: how a rule
 * given as data is checked, how its outcomes are counted, and whether counting reads the clock.
 * The built-in kinds (`consecutive`, `count_window`, `time_window`) are entries like any other;
 * add your own with {@link defineTripRule}.
 */
export interface TripRuleKind<R extends { readonly kind: string } = CustomTripRule> {
  /** The kind's name, the `kind` field of its rules. */
  readonly kind: R['kind'];
  /**
   * Checks a rule of this kind given as data (a caller's, or a snapshot's) and returns it
   * frozen; throws a FoundationError (3204) naming the field otherwise.
   */
  validate(rule: Readonly<Record<string, unknown>>): R;
  /** Creates the tracker that counts outcomes for `rule`, owned by one breaker. */
  createTracker(rule: R): Tracker;
  /**
   * Whether the tracker reads the time of each outcome (a time window does). A breaker reads its
   * clock per call only when its rule needs it, so the closed path of a count-based rule reads
   * no time at all; a time-based kind that says false would see time stand still.
   */
  readonly needsTime: boolean;
}

// The one table of kinds, per process (ESM and CJS copies of the package share it).
const KINDS = processWide(
  'foundation.resilience.trip-rule-kinds',
  1,
  () => new Map<string, TripRuleKind<{ readonly kind: string }>>(),
);

function builtIn<R extends TripRule>(kind: TripRuleKind<R>): void {
  if (!KINDS.has(kind.kind)) KINDS.set(kind.kind, kind);
}

builtIn<ConsecutiveRule>({
  kind: 'consecutive',
  validate: (rule) => consecutive(rule.failures as number),
  createTracker: (rule) => new ConsecutiveTracker(rule),
  needsTime: false,
});
builtIn<CountWindowRule>({
  kind: 'count_window',
  validate: (rule) =>
    countWindow(rule.size as number, rule.failureRate as number, rule.minCalls as number),
  createTracker: (rule) => new CountWindowTracker(rule),
  needsTime: false,
});
builtIn<TimeWindowRule>({
  kind: 'time_window',
  validate: (rule) =>
    timeWindow(rule.windowMs as number, rule.failureRate as number, rule.minCalls as number),
  createTracker: (rule) => new TimeWindowTracker(rule),
  needsTime: true,
});

/**
 * Adds a kind of trip rule to the table every breaker reads, so `circuitBreaker({ trip })`
 * (and `restore`) accept rules of that kind.
 *
 * @param kind - the kind's name (a non-empty string, not a built-in's nor `__proto__`,
 *   `constructor` or `prototype`), its `validate`, `createTracker` and `needsTime`
 * @returns the same descriptor, for reference
 * @throws FoundationError 3204 for a malformed descriptor, or a name already defined by another
 *   descriptor.
 * @example
 * ```ts
 * interface SlowStartRule { readonly kind: 'slow_start'; readonly failures: number }
 * defineTripRule<SlowStartRule>({
 *   kind: 'slow_start',
 *   needsTime: false,
 *   validate: (rule) => Object.freeze({ kind: 'slow_start', failures: Number(rule.failures) }),
 *   createTracker: (rule) => myTracker(rule),
 * });
 * const breaker = circuitBreaker({ trip: { kind: 'slow_start', failures: 3 } });
 * ```
 */
export function defineTripRule<R extends { readonly kind: string }>(
  kind: TripRuleKind<R>,
): TripRuleKind<R> {
  if (typeof kind !== 'object' || (kind as unknown) === null) {
    throw invalidOption('kind', 'must be a trip rule kind descriptor', kind);
  }
  const name: unknown = kind.kind;
  if (typeof name !== 'string' || name === '' || isForbiddenKey(name)) {
    throw invalidOption('kind.kind', 'must be a non-empty string, not a forbidden key', name);
  }
  if (typeof kind.validate !== 'function') {
    throw invalidOption('kind.validate', 'must be a function', typeof kind.validate);
  }
  if (typeof kind.createTracker !== 'function') {
    throw invalidOption('kind.createTracker', 'must be a function', typeof kind.createTracker);
  }
  if (typeof kind.needsTime !== 'boolean') {
    throw invalidOption('kind.needsTime', 'must be a boolean', kind.needsTime);
  }
  const existing = KINDS.get(name);
  if (existing !== undefined && existing !== (kind as unknown)) {
    throw invalidOption('kind.kind', 'is already defined', name);
  }
  KINDS.set(name, kind);
  return kind;
}

/** The kind of a rule already checked by {@link checkTripRule}. */
export function kindOf(rule: TripRule | CustomTripRule): TripRuleKind<{ readonly kind: string }> {
  return KINDS.get(rule.kind)!;
}

/** Creates the tracker that counts outcomes for `rule` (checked by {@link checkTripRule}). */
export function trackerFor(rule: TripRule | CustomTripRule): Tracker {
  return kindOf(rule).createTracker(rule);
}

/** Validates a trip rule given as data (a snapshot's or a caller's), by its kind's entry. */
export function checkTripRule(value: unknown, path: string): TripRule | CustomTripRule {
  const rule = value as Partial<Record<string, unknown>> | null;
  if (typeof rule !== 'object' || rule === null)
    throw invalidOption(path, 'must be a trip rule', value);
  const kind = typeof rule.kind === 'string' ? KINDS.get(rule.kind) : undefined;
  if (kind === undefined) {
    throw invalidOption(
      `${path}.kind`,
      `must be a defined kind (${[...KINDS.keys()].join(', ')})`,
      rule.kind,
    );
  }
  const checked = kind.validate(rule);
  if (checked.kind !== kind.kind) {
    throw invalidOption(`${path}.kind`, `must stay '${kind.kind}' after validation`, checked.kind);
  }
  return checked;
}

/** True when two rules are the same (the same fields, each equal). */
export function sameRule(a: TripRule | CustomTripRule, b: TripRule | CustomTripRule): boolean {
  const left = a as Readonly<Record<string, unknown>>;
  const right = b as Readonly<Record<string, unknown>>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => left[k] === right[k]);
}
