import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorCodeName } from '@foundation/errors';
import { EventErrorCodes } from '../src/index.js';

describe('error code registration', () => {
  it('adds data_too_large to the typed code names', () => {
    expectTypeOf<'data_too_large'>().toExtend<ErrorCodeName>();
    expectTypeOf(EventErrorCodes.data_too_large.code).toEqualTypeOf<2003>();
  });
});
