import { describe, expect, it } from 'vitest';
import { FoundationError, getErrorCode } from '@foundation/errors';
import { EventErrorCodes } from '../src/index.js';

describe('EventErrorCodes', () => {
  it('registers 2003 data_too_large with the errors package', () => {
    expect(EventErrorCodes.data_too_large).toMatchObject({
      code: 2003,
      name: 'data_too_large',
      category: 'system',
      subcategory: 'resources',
      severity: 'medium',
      retry: 'none',
    });
    expect(getErrorCode('data_too_large')).toBe(getErrorCode(2003));
    const error = new FoundationError('data_too_large', 'too big');
    expect([error.code, error.codeName, error.retryStrategy]).toEqual([
      2003,
      'data_too_large',
      'none',
    ]);
  });
});
