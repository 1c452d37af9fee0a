import { randomFillSync } from 'node:crypto';
import { processWide } from './process-wide.js';

// Lookup table so an id is built from 16 table reads instead of 16 toString(16) calls.
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

// Random bytes are drawn from the OS in blocks (as crypto.randomUUID does internally) because a
// syscall per id would cost more than building the id itself.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes(count: number): number {
  if (poolOffset + count > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += count;
  return at;
}

// 42-bit per-millisecond counter (RFC 9562 §6.2 method 1): 12 bits in rand_a, 30 in rand_b.
const COUNTER_MAX = 2 ** 42 - 1;

/** Where the id sequence stands; one per process, shared by every loaded copy of core. */
interface IdState {
  lastMs: number;
  counter: number;
  timePrefix: string;
  sequence: number;
}

const state = /* @__PURE__ */ processWide<IdState>('@foundation/core:ids', 1, () => ({
  lastMs: -1,
  counter: 0,
  timePrefix: '',
  sequence: 0,
}));

function seedCounter(): number {
  const at = randomBytes(6);
  // 41 random bits: the top bit stays clear so a burst has room to count before overflowing.
  return (
    (pool[at]! & 0x01) * 2 ** 40 +
    pool[at + 1]! * 2 ** 32 +
    pool[at + 2]! * 2 ** 24 +
    pool[at + 3]! * 2 ** 16 +
    pool[at + 4]! * 2 ** 8 +
    pool[at + 5]!
  );
}

function setTime(ms: number): void {
  state.lastMs = ms;
  const hi = Math.floor(ms / 2 ** 16);
  const lo = ms % 2 ** 16;
  state.timePrefix =
    HEX[(hi >>> 24) & 0xff]! +
    HEX[(hi >>> 16) & 0xff]! +
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    '-' +
    HEX[lo >>> 8]! +
    HEX[lo & 0xff]! +
    '-7';
}

/**
 * Generates a UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 42-bit counter, then 32
 * random bits. Ids from one process are strictly increasing, in string order too, even when
 * many are made in the same millisecond or the wall clock steps back, and even when core is
 * loaded twice (ESM and CJS): the sequence is kept once per process. Ids from different
 * processes collide with negligible probability.
 *
 * @returns a new id: 36 lowercase characters, `xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx`
 * @example
 * ```ts
 * const id = generateId(); // '0192f3c4-5b6a-7c01-8d2e-3f4a5b6c7d8e'
 * ```
 */
export function generateId(): string {
  const now = Date.now();
  let counter: number;
  if (now > state.lastMs) {
    setTime(now);
    counter = seedCounter();
  } else if (state.counter < COUNTER_MAX) {
    counter = state.counter + 1;
  } else {
    // Counter exhausted within one millisecond: borrow the next millisecond to stay ordered.
    setTime(state.lastMs + 1);
    counter = seedCounter();
  }
  state.counter = counter;
  const counterHi = Math.floor(counter / 2 ** 30); // 12 bits
  const counterLo = counter % 2 ** 30; // 30 bits
  const at = randomBytes(4);
  return (
    state.timePrefix +
    (counterHi >>> 8).toString(16) +
    HEX[counterHi & 0xff]! +
    '-' +
    HEX[0x80 | (counterLo >>> 24)]! +
    HEX[(counterLo >>> 16) & 0xff]! +
    '-' +
    HEX[(counterLo >>> 8) & 0xff]! +
    HEX[counterLo & 0xff]! +
    HEX[pool[at]!]! +
    HEX[pool[at + 1]!]! +
    HEX[pool[at + 2]!]! +
    HEX[pool[at + 3]!]!
  );
}

/**
 * Generates a correlation id: a UUIDv7, so correlation ids sort by the time their flow began.
 * Use it to tie together the events, logs and errors of one request or job.
 *
 * @returns a new correlation id, in the same 36-character format as {@link generateId}
 */
export function generateCorrelationId(): string {
  return generateId();
}

/**
 * Reads the Unix millisecond timestamp back out of an id made by {@link generateId}.
 *
 * @param id - an id made by {@link generateId} (or any UUIDv7); it is not validated, so other
 *   strings give a meaningless number or `NaN`
 * @returns the Unix epoch milliseconds encoded in the id's first 48 bits
 */
export function idTimestampMs(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/**
 * The next value of a process-wide sequence: 1, 2, 3, … Cheap, strictly increasing and never
 * repeated within one process (shared by every loaded copy of core); use it to order things
 * made in the same process.
 *
 * @returns the next value, starting at 1 for the first call in the process
 */
export function nextSequence(): number {
  state.sequence += 1;
  return state.sequence;
}
