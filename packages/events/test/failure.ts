import { expect } from 'vitest';
import { FoundationError } from '@foundation/errors';

/** Runs `fn`, checks that it threw a FoundationError and returns it. */
export function failure(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    expect(FoundationError.is(error)).toBe(true);
    return error as FoundationError;
  }
  throw new Error('expected a FoundationError');
}
