import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  all,
  andThen,
  err,
  isResult,
  map,
  mapErr,
  match,
  ok,
  unwrap,
  unwrapOr,
  type Result,
} from '../src/index.js';

function parse(text: string): Result<number, string> {
  const n = Number(text);
  return Number.isNaN(n) ? err(`not a number: ${text}`) : ok(n);
}

describe('ok and err', () => {
  it('make tagged values', () => {
    expect(ok(1)).toEqual({ ok: true, value: 1 });
    expect(err('bad')).toEqual({ ok: false, error: 'bad' });
    const result = parse('12');
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<number>();
    else expectTypeOf(result.error).toEqualTypeOf<string>();
  });
});

describe('isResult', () => {
  it('recognizes results and nothing else', () => {
    expect(isResult(ok(undefined))).toBe(true);
    expect(isResult(err(null))).toBe(true);
    for (const other of [
      null,
      undefined,
      0,
      'ok',
      [],
      { ok: true },
      { ok: false },
      { ok: 'yes', value: 1 },
      { ok: 1, error: 2 },
    ]) {
      expect(isResult(other)).toBe(false);
    }
  });
});

describe('combinators', () => {
  it('map transforms successes only', () => {
    expect(map(parse('2'), (n) => n * 10)).toEqual(ok(20));
    const failure = parse('x');
    expect(map(failure, () => 'never')).toBe(failure);
  });

  it('mapErr transforms failures only', () => {
    expect(mapErr(parse('x'), (e) => e.length)).toEqual(err(15));
    const success = parse('3');
    expect(mapErr(success, () => 'never')).toBe(success);
  });

  it('andThen chains operations that can fail, short-circuiting on failure', () => {
    const positive = (n: number): Result<number, RangeError> =>
      n > 0 ? ok(n) : err(new RangeError('not positive'));
    expect(andThen(parse('5'), positive)).toEqual(ok(5));
    const negative = andThen(parse('-5'), positive);
    expect(negative.ok).toBe(false);
    expect(!negative.ok && negative.error).toBeInstanceOf(RangeError);
    let called = false;
    const failure = parse('x');
    expect(
      andThen(failure, (n) => {
        called = true;
        return ok(n);
      }),
    ).toBe(failure);
    expect(called).toBe(false);
  });

  it('unwrapOr, unwrap and match read the outcome', () => {
    expect(unwrapOr(parse('4'), 0)).toBe(4);
    expect(unwrapOr(parse('x'), 'fallback')).toBe('fallback');
    expect(unwrap(parse('4'))).toBe(4);
    const cause = new Error('the error itself');
    expect(() => unwrap(err(cause))).toThrow(cause);
    expect(
      match(
        parse('4'),
        (n) => `ok ${n}`,
        (e) => `err ${e}`,
      ),
    ).toBe('ok 4');
    expect(
      match(
        parse('y'),
        (n) => `ok ${n}`,
        (e) => `err ${e}`,
      ),
    ).toBe('err not a number: y');
  });

  it('all collects values or returns the first failure', () => {
    expect(all([])).toEqual(ok([]));
    expect(all(['1', '2', '3'].map(parse))).toEqual(ok([1, 2, 3]));
    const results = ['1', 'a', 'b'].map(parse);
    expect(all(results)).toBe(results[1]);
  });

  it('obey the functor laws', () => {
    const result = fc.oneof(
      fc.integer().map((n) => ok(n)),
      fc.string().map((e) => err(e)),
    );
    fc.assert(
      fc.property(result, (r: Result<number, string>) => {
        expect(map(r, (x) => x)).toEqual(r);
        const f = (x: number): number => x + 1;
        const g = (x: number): number => x * 2;
        expect(map(map(r, f), g)).toEqual(map(r, (x) => g(f(x))));
        expect(andThen(r, ok)).toEqual(r);
      }),
    );
  });
});
