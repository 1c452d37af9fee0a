import { CodecFailure } from './failure.js';

/**
 * The bound on what decoding may build: an estimate of the heap the decoded values retain, at
 * most {@link AMPLIFICATION} times the input plus {@link AMPLIFICATION_ALLOWANCE_BYTES}. Without
 * it, 1 MiB of empty typed arrays (3 bytes each on the wire, about 190 bytes each on the heap)
 * retains 64 MB. The costs below are what V8 (Node 20, x64) measurably retains per value,
 * rounded up; the walk charges them as it builds, and stops at the first value over budget.
 */
export const AMPLIFICATION = 8;
/** The constant part of the decode budget, for small events and fixed costs. */
export const AMPLIFICATION_ALLOWANCE_BYTES = 256 * 1024;

/** Estimated retained bytes per decoded value (see {@link AMPLIFICATION}). */
export const COST = {
  /** An array, before its slots. */
  array: 48,
  /** An object, before its properties. */
  object: 64,
  /** An array slot (a pointer; a double held unboxed is smaller). */
  slot: 8,
  /** A number that needs a heap box in a mixed array. */
  heapNumber: 16,
  /** An object property (its key string and its dictionary entry), before the key's length. */
  property: 96,
  /** A Map or Set, before its entries. */
  collection: 200,
  /** A Map or Set entry. */
  entry: 64,
  /** A typed array, Buffer or ArrayBuffer (view, buffer and backing store), before its bytes. */
  binary: 200,
  /** A Date. */
  date: 112,
  /** A string, before its characters. */
  string: 16,
  /** A bigint, before its digits. */
  bigint: 32,
  /** A restored Error (stack and message included). */
  error: 1024,
} as const;

let remaining = Infinity;

/** Runs a decode of `inputBytes` bytes under its budget (decoding is synchronous). */
export function withDecodeBudget<T>(inputBytes: number, decode: () => T): T {
  const outer = remaining;
  remaining = AMPLIFICATION * inputBytes + AMPLIFICATION_ALLOWANCE_BYTES;
  try {
    return decode();
  } finally {
    remaining = outer;
  }
}

/** Charges `bytes` to the decode in progress; refuses the input once its budget is spent. */
export function charge(bytes: number): void {
  remaining -= bytes;
  if (remaining < 0) {
    throw new CodecFailure(
      'too_large',
      `decoded values would retain more than ${AMPLIFICATION}x the input plus ${AMPLIFICATION_ALLOWANCE_BYTES} bytes`,
    );
  }
}
