import { describe, expect, it } from 'vitest';
import { countKeys } from './api.js';

describe('countKeys', () => {
  it('is exported as a function', () => {
    expect(typeof countKeys).toBe('function');
  });
  it.todo('countKeys: does what its documentation says');
});
