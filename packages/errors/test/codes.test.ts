import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  defineErrorCodes,
  ErrorCodes,
  FoundationError,
  getErrorCode,
  listErrorCodes,
  type ErrorCodeSpec,
} from '../src/index.js';
import { thrownBy } from './support.js';

/** The seed's table, as the issue lists it: code, name, category, severity, retry. */
const SEED_TABLE: readonly [number, string, string, string, string][] = [
  [1101, 'invalid_config_structure', 'config', 'high', 'none'],
  [1102, 'missing_required_field', 'config', 'high', 'none'],
  [1201, 'invalid_config_value', 'config', 'medium', 'none'],
  [1202, 'constraint_violation', 'config', 'medium', 'none'],
  [1203, 'range_error', 'config', 'medium', 'none'],
  [1301, 'config_not_found', 'config', 'medium', 'none'],
  [1401, 'config_update_forbidden', 'config', 'medium', 'none'],
  [2101, 'initialization_failed', 'system', 'critical', 'fixed_delay'],
  [2102, 'service_unavailable', 'system', 'high', 'exponential_backoff'],
  [2201, 'resource_exhausted', 'system', 'high', 'exponential_backoff'],
  [2301, 'dependency_failed', 'system', 'high', 'exponential_backoff'],
  [2401, 'internal_error', 'system', 'critical', 'none'],
  [3101, 'serialization_failed', 'data', 'medium', 'none'],
  [3102, 'deserialization_failed', 'data', 'medium', 'none'],
  [3201, 'type_mismatch', 'data', 'low', 'none'],
  [3202, 'format_error', 'data', 'low', 'none'],
  [3203, 'validation_failed', 'data', 'medium', 'none'],
  [3204, 'invalid_input', 'data', 'low', 'none'],
  [3301, 'data_corruption', 'data', 'critical', 'none'],
  [3401, 'data_not_found', 'data', 'low', 'none'],
  [4101, 'network_error', 'external', 'medium', 'exponential_backoff'],
  [4201, 'external_service_error', 'external', 'medium', 'exponential_backoff'],
  [4301, 'timeout', 'external', 'medium', 'exponential_backoff'],
  [4401, 'authentication_failed', 'external', 'high', 'none'],
];

function spec(code: number, overrides: Partial<ErrorCodeSpec> = {}): ErrorCodeSpec {
  return {
    code,
    category: 'external',
    subcategory: 'payments',
    severity: 'medium',
    retry: 'none',
    description: 'Payment declined',
    ...overrides,
  };
}

describe('the built-in code table', () => {
  it.each(SEED_TABLE)(
    '%i %s is registered as the seed defines it',
    (code, name, cat, sev, retry) => {
      const byName = getErrorCode(name);
      expect(byName).toBe(getErrorCode(code));
      expect(byName).toMatchObject({ code, name, category: cat, severity: sev, retry });
      expect(byName?.description).toMatch(/\w/);
      expect(ErrorCodes[name as keyof typeof ErrorCodes]).toBe(byName);
    },
  );

  it('holds exactly the seed codes at start, in order, frozen', () => {
    const builtins = listErrorCodes().filter((c) => c.code < 5000);
    expect(builtins.map((c) => c.code)).toEqual(SEED_TABLE.map(([code]) => code));
    expect(Object.isFrozen(ErrorCodes)).toBe(true);
    expect(Object.isFrozen(ErrorCodes.timeout)).toBe(true);
  });

  it('returns undefined for unknown names and numbers', () => {
    expect(getErrorCode('no_such_code')).toBeUndefined();
    expect(getErrorCode(9999)).toBeUndefined();
    expect(getErrorCode('constructor')).toBeUndefined();
  });
});

describe('defineErrorCodes', () => {
  it('registers typed codes that errors can be created from', () => {
    const codes = defineErrorCodes({
      payment_declined: spec(5101),
      card_expired: spec(5102, { severity: 'low', retry: 'immediate' }),
    });
    expect(codes.payment_declined).toEqual({ name: 'payment_declined', ...spec(5101) });
    expect(getErrorCode(5102)).toBe(codes.card_expired);
    expect(getErrorCode('card_expired')).toBe(codes.card_expired);
    const error = new FoundationError(codes.card_expired, 'expired in May');
    expect(error).toMatchObject({
      code: 5102,
      codeName: 'card_expired',
      category: 'external',
      subcategory: 'payments',
      severity: 'low',
      retryStrategy: 'immediate',
      message: 'expired in May',
    });
    expect(new FoundationError(codes.payment_declined).message).toBe('Payment declined');
    expect(listErrorCodes().map((c) => c.code)).toContain(5101);
  });

  it('keeps only the spec fields, whatever else the object carries', () => {
    const extra = { ...spec(5111), name: 'sneaky', extra: true };
    const codes = defineErrorCodes({ plain_name: extra });
    expect(codes.plain_name.name).toBe('plain_name');
    expect(Object.keys(codes.plain_name).sort()).toEqual(
      ['category', 'code', 'description', 'name', 'retry', 'severity', 'subcategory'].sort(),
    );
  });

  it('refuses a number already registered under another name, with path and rule', () => {
    const error = thrownBy(() => defineErrorCodes({ my_not_found: spec(1301) }));
    expect(error.code).toBe(3204);
    expect(error.context).toMatchObject({
      path: 'specs.my_not_found.code',
      rule: "code already registered as 'config_not_found'",
    });
    expect(getErrorCode('my_not_found')).toBeUndefined();
    expect(getErrorCode(1301)?.name).toBe('config_not_found');
  });

  it('refuses a name already registered with another definition', () => {
    const error = thrownBy(() => defineErrorCodes({ timeout: spec(5120) }));
    expect(error.context).toMatchObject({
      path: 'specs.timeout',
      rule: expect.stringMatching(/4301/),
    });
    expect(getErrorCode(5120)).toBeUndefined();
  });

  it('refuses the same number twice in one set, and registers nothing of the set', () => {
    const error = thrownBy(() =>
      defineErrorCodes({ first_of_two: spec(5130), second_of_two: spec(5130) }),
    );
    expect(error.context).toMatchObject({ path: 'specs.second_of_two.code' });
    expect(getErrorCode('first_of_two')).toBeUndefined();
  });

  it('is all or nothing: a bad spec late in the set leaves the registry unchanged', () => {
    const before = listErrorCodes();
    thrownBy(() => defineErrorCodes({ good_one: spec(5140), bad_one: spec(-1) }));
    expect(listErrorCodes()).toEqual(before);
  });

  it('accepts the identical definition again (a package loaded twice)', () => {
    const first = defineErrorCodes({ twice_loaded: spec(5150) });
    const second = defineErrorCodes({ twice_loaded: spec(5150) });
    expect(second.twice_loaded).toEqual(first.twice_loaded);
    expect(listErrorCodes().filter((c) => c.code === 5150)).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'a non-integer code',
      { x_code: spec(51.5) },
      'specs.x_code.code',
      'must be a positive integer',
    ],
    ['a zero code', { x_code: spec(0) }, 'specs.x_code.code', 'must be a positive integer'],
    [
      'a string code',
      { x_code: spec('5' as never) },
      'specs.x_code.code',
      'must be a positive integer',
    ],
    [
      'an empty category',
      { x_code: spec(5160, { category: '' }) },
      'specs.x_code.category',
      'must be a non-empty string',
    ],
    [
      'a missing subcategory',
      { x_code: spec(5160, { subcategory: undefined as never }) },
      'specs.x_code.subcategory',
      'must be a non-empty string',
    ],
    [
      'an unknown severity',
      { x_code: spec(5160, { severity: 'fatal' as never }) },
      'specs.x_code.severity',
      'must be one of low, medium, high, critical',
    ],
    [
      'an unknown retry',
      { x_code: spec(5160, { retry: 'later' as never }) },
      'specs.x_code.retry',
      'must be one of none, immediate, fixed_delay, exponential_backoff',
    ],
    [
      'a non-string description',
      { x_code: spec(5160, { description: 1 as never }) },
      'specs.x_code.description',
      'must be a string',
    ],
    ['a spec that is not an object', { x_code: 5 }, 'specs.x_code', 'must be an object'],
    ['a null spec', { x_code: null }, 'specs.x_code', 'must be an object'],
    [
      'a name in camelCase',
      { xCode: spec(5160) },
      'specs.xCode',
      'name must match /^[a-z][a-z0-9_]*$/',
    ],
    ['the name constructor', { constructor: spec(5160) }, 'specs.constructor', 'forbidden key'],
    ['the name prototype', { prototype: spec(5160) }, 'specs.prototype', 'forbidden key'],
    [
      'the name __proto__',
      JSON.parse('{"__proto__": {"code": 5160}}') as Record<string, unknown>,
      'specs.__proto__',
      'forbidden key',
    ],
  ])('refuses %s', (_label, specs, path, rule) => {
    const error = thrownBy(() => defineErrorCodes(specs as Record<string, ErrorCodeSpec>));
    expect(error.codeName).toBe('invalid_input');
    expect(error.context).toMatchObject({ path, rule });
    expect(getErrorCode(5160)).toBeUndefined();
  });

  it('refuses something that is not an object of specs', () => {
    for (const bad of [null, 'codes', [spec(5170)]]) {
      const error = thrownBy(() => defineErrorCodes(bad as never));
      expect(error.context).toMatchObject({
        path: 'specs',
        rule: 'must be an object of named specs',
      });
    }
    expect(({} as Record<string, unknown>).code).toBeUndefined();
  });

  it('announces registered codes on foundation:errors:codes-registered', () => {
    const seen: unknown[] = [];
    const listener = (message: unknown): void => {
      seen.push(message);
    };
    subscribe('foundation:errors:codes-registered', listener);
    try {
      defineErrorCodes({ announced_code: spec(5180) });
    } finally {
      unsubscribe('foundation:errors:codes-registered', listener);
    }
    expect(seen).toEqual([{ codes: [getErrorCode(5180)] }]);
  });
});
