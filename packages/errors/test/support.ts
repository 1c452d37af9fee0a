import { expect } from 'vitest';
import { FoundationError } from '../src/index.js';

/** Asserts that `value` is a FoundationError and returns it, typed. */
export function asFoundation(value: unknown): FoundationError {
  expect(FoundationError.is(value)).toBe(true);
  if (!FoundationError.is(value)) throw new Error('expected a FoundationError');
  return value;
}

/** Runs `fn` and returns the FoundationError it throws; fails when it throws nothing. */
export function thrownBy(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    return asFoundation(error);
  }
  throw new Error('expected a throw');
}

/** Throws any value: tests throw non-errors on purpose. */
export function raise(value: unknown): never {
  throw value;
}
