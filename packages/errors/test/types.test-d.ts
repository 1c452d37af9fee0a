import { LifecycleError, type Result } from '@foundation/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  defineErrorCodes,
  ErrorCodes,
  findCause,
  FoundationError,
  fromPromise,
  tryCatch,
  wrap,
  type ErrorCode,
  type ErrorCodeName,
} from '../src/index.js';

// The augmentation pattern an application uses to make its own code names type-check as strings.
declare module '../src/index.js' {
  interface ErrorCodeRegistry {
    payment_declined: true;
  }
}

const AppErrors = defineErrorCodes({
  payment_declined: {
    code: 5101,
    category: 'external',
    subcategory: 'payments',
    severity: 'medium',
    retry: 'none',
    description: 'Payment declined',
  },
  card_expired: {
    code: 5102,
    category: 'external',
    subcategory: 'payments',
    severity: 'low',
    retry: 'none',
    description: 'Card expired',
  },
});

describe('defineErrorCodes', () => {
  it('returns one typed code per name, with literal name and code', () => {
    expectTypeOf(AppErrors).toHaveProperty('payment_declined');
    expectTypeOf(AppErrors.card_expired.name).toEqualTypeOf<'card_expired'>();
    expectTypeOf(AppErrors.card_expired.code).toEqualTypeOf<5102>();
    expectTypeOf(AppErrors.payment_declined).toExtend<ErrorCode>();
    // @ts-expect-error: a name that was not defined
    expectTypeOf(AppErrors.not_defined).toBeUnknown();
  });

  it('checks the specs it is given', () => {
    const base = {
      code: 1,
      category: 'a',
      subcategory: 'b',
      retry: 'none',
      description: '',
    } as const;
    // @ts-expect-error: severity must be low, medium, high or critical
    defineErrorCodes({ x: { ...base, severity: 'fatal' } });
    const { retry: _retry, ...withoutRetry } = { ...base, severity: 'low' as const };
    // @ts-expect-error: retry is required
    defineErrorCodes({ x: withoutRetry });
  });

  it('types the built-in table with literal codes', () => {
    expectTypeOf(ErrorCodes.config_not_found.code).toEqualTypeOf<1301>();
    expectTypeOf(ErrorCodes.timeout.name).toEqualTypeOf<'timeout'>();
    // The augmentation adds a name for strings, not a runtime entry in the built-in table.
    // @ts-expect-error: payment_declined is not built in
    expectTypeOf(ErrorCodes.payment_declined).toBeUnknown();
  });
});

describe('ErrorCodeRegistry augmentation', () => {
  it('makes registered names usable as strings', () => {
    expectTypeOf<'payment_declined'>().toExtend<ErrorCodeName>();
    expectTypeOf<'config_not_found'>().toExtend<ErrorCodeName>();
    new FoundationError('payment_declined', 'card declined');
    new FoundationError(AppErrors.card_expired);
    wrap(new Error('x'), 'payment_declined');
    // @ts-expect-error: card_expired was defined but not added to the registry
    new FoundationError('card_expired');
    // @ts-expect-error: unknown names do not type-check
    new FoundationError('no_such_code');
  });
});

describe('findCause', () => {
  it('returns the class instance for a class', () => {
    const error: unknown = new Error('x');
    expectTypeOf(findCause(error, LifecycleError)).toEqualTypeOf<LifecycleError | undefined>();
    expectTypeOf(findCause(error, TypeError)).toEqualTypeOf<TypeError | undefined>();
    expectTypeOf(findCause(error, FoundationError)).toEqualTypeOf<FoundationError | undefined>();
  });

  it('returns a FoundationError for a code name or number', () => {
    expectTypeOf(findCause(null, 'timeout')).toEqualTypeOf<FoundationError | undefined>();
    expectTypeOf(findCause(null, 'payment_declined')).toEqualTypeOf<FoundationError | undefined>();
    expectTypeOf(findCause(null, 4301)).toEqualTypeOf<FoundationError | undefined>();
    // @ts-expect-error: not a registered name
    findCause(null, 'nope');
    // @ts-expect-error: not a class, name or number
    findCause(null, { code: 1 });
  });
});

describe('Result bridges', () => {
  it('type their results', () => {
    expectTypeOf(tryCatch(() => 1)).toEqualTypeOf<Result<number, FoundationError>>();
    expectTypeOf(fromPromise(Promise.resolve('s'))).toEqualTypeOf<
      Promise<Result<string, FoundationError>>
    >();
  });
});
