import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_MEDIA_RANGES,
  MAX_TRACEPARENT_LENGTH,
  negotiateMetricsFormat,
  normalizeMethod,
  parseAccept,
  parseRequestId,
  parseRequestTarget,
  parseTraceparent,
  resolveCorrelation,
} from '../src/index.js';

const hex = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdef'.split('')),
    minLength: length,
    maxLength: length,
  });
const nonZeroHex = (length: number) => hex(length).filter((value) => /[^0]/.test(value));
const version = hex(2).filter((value) => value !== 'ff');

describe('parseTraceparent', () => {
  it('parses every valid version-00 header into its parts', () => {
    fc.assert(
      fc.property(nonZeroHex(32), nonZeroHex(16), hex(2), (traceId, parentId, flags) => {
        const parsed = parseTraceparent(`00-${traceId}-${parentId}-${flags}`);
        expect(parsed).toEqual({
          version: '00',
          traceId,
          parentId,
          flags,
          sampled: (parseInt(flags, 16) & 1) === 1,
        });
      }),
    );
  });

  it('accepts later versions with appended fields, and refuses version 00 with any', () => {
    fc.assert(
      fc.property(
        version,
        nonZeroHex(32),
        nonZeroHex(16),
        hex(2),
        fc.string({ maxLength: 40 }),
        (v, t, p, f, tail) => {
          const base = `${v}-${t}-${p}-${f}`;
          const extended = parseTraceparent(`${base}-${tail}`);
          if (v === '00') expect(extended).toBeUndefined();
          else expect(extended?.traceId).toBe(t);
          // Anything other than '-' right after the flags is refused.
          expect(parseTraceparent(`${base}x${tail}`)).toBeUndefined();
        },
      ),
    );
  });

  it('never throws, and what it accepts is always well-formed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.anything()), (value) => {
        const parsed = parseTraceparent(value);
        if (parsed === undefined) return;
        expect(parsed.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(parsed.parentId).toMatch(/^[0-9a-f]{16}$/);
        expect(parsed.traceId).not.toBe('0'.repeat(32));
        expect(parsed.version).not.toBe('ff');
      }),
    );
  });

  it('refuses upper case, all-zero ids, version ff, wrong separators and oversized values', () => {
    const t = '4bf92f3577b34da6a3ce929d0e0e4736';
    const p = '00f067aa0ba902b7';
    expect(parseTraceparent(`00-${t.toUpperCase()}-${p}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-${p}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${t}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(`ff-${t}-${p}-01`)).toBeUndefined();
    expect(parseTraceparent(`00_${t}-${p}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${t}-${p}-0g`)).toBeUndefined();
    expect(parseTraceparent(`00-${t}-${p}-01, 00-${t}-${p}-01`)).toBeUndefined();
    expect(
      parseTraceparent(`01-${t}-${p}-01-${'x'.repeat(MAX_TRACEPARENT_LENGTH)}`),
    ).toBeUndefined();
    expect(parseTraceparent(`00-${t}-${p}-00`)?.sampled).toBe(false);
  });
});

describe('parseRequestId', () => {
  it('keeps exactly the ids within the length and character rules', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 150 }), (value, max) => {
        const parsed = parseRequestId(value, max);
        const valid =
          value.length >= 1 && value.length <= max && /^[A-Za-z0-9._~:/+=@-]+$/.test(value);
        expect(parsed).toBe(valid ? value : undefined);
      }),
    );
  });

  it('refuses non-strings and arrays', () => {
    expect(parseRequestId(['a', 'b'])).toBeUndefined();
    expect(parseRequestId(42)).toBeUndefined();
    expect(parseRequestId('')).toBeUndefined();
  });
});

describe('resolveCorrelation', () => {
  it('prefers traceparent, then x-request-id, then generates', () => {
    const t = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(
      resolveCorrelation({ traceparent: `00-${t}-00f067aa0ba902b7-01`, 'x-request-id': 'r' }, 128)
        .id,
    ).toBe(t);
    expect(resolveCorrelation({ traceparent: 'junk', 'x-request-id': 'r' }, 128)).toEqual({
      id: 'r',
      source: 'x-request-id',
      traceparent: undefined,
    });
    const generated = resolveCorrelation({ 'x-request-id': ['a', 'b'] }, 128);
    expect(generated.source).toBe('generated');
    expect(generated.id.length).toBeGreaterThan(0);
  });
});

const OM = 'application/openmetrics-text';
const qvalue = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);

describe('negotiateMetricsFormat', () => {
  it('never throws on any header', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.anything()), (header) => {
        expect(['prometheus', 'openmetrics']).toContain(negotiateMetricsFormat(header));
      }),
    );
  });

  it('answers OpenMetrics only when it is named', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (header) => {
        if (!header.toLowerCase().includes('openmetrics')) {
          expect(negotiateMetricsFormat(header)).toBe('prometheus');
        }
      }),
    );
  });

  it('picks the higher q, then the earlier range', () => {
    fc.assert(
      fc.property(qvalue, qvalue, fc.boolean(), (omQ, textQ, omFirst) => {
        const om = `${OM};version=1.0.0;q=${omQ}`;
        const text = `text/plain;version=0.0.4;q=${textQ}`;
        const header = omFirst ? `${om}, ${text}` : `${text}, ${om}`;
        const expected =
          omQ > textQ || (omQ === textQ && omQ > 0 && omFirst) ? 'openmetrics' : 'prometheus';
        expect(negotiateMetricsFormat(header)).toBe(expected);
      }),
    );
  });

  it('follows Prometheus and the usual clients', () => {
    expect(
      negotiateMetricsFormat(
        `${OM};version=1.0.0,${OM};version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`,
      ),
    ).toBe('openmetrics');
    expect(negotiateMetricsFormat(OM)).toBe('openmetrics');
    expect(negotiateMetricsFormat(`${OM};version=0.0.1`)).toBe('prometheus');
    expect(negotiateMetricsFormat('*/*')).toBe('prometheus');
    expect(negotiateMetricsFormat('application/*')).toBe('openmetrics');
    expect(negotiateMetricsFormat(`text/plain, ${OM};q=0`)).toBe('prometheus');
    expect(negotiateMetricsFormat(`*/*;q=0.5, ${OM};q=0.2`)).toBe('prometheus');
    expect(negotiateMetricsFormat('APPLICATION/OPENMETRICS-TEXT; Version="1.0.0"')).toBe(
      'openmetrics',
    );
    expect(negotiateMetricsFormat(undefined)).toBe('prometheus');
    expect(negotiateMetricsFormat('application/json')).toBe('prometheus');
  });
});

describe('parseAccept', () => {
  const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  it('round-trips generated ranges', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: token,
            subtype: token,
            q: qvalue,
            version: fc.option(token, { nil: undefined }),
          }),
          {
            maxLength: 10,
          },
        ),
        (ranges) => {
          const header = ranges
            .map(
              (r) =>
                `${r.type}/${r.subtype}${r.version === undefined ? '' : `;version="${r.version}"`};q=${r.q}`,
            )
            .join(', ');
          expect(parseAccept(header)).toEqual(
            ranges.map((r) => ({
              type: r.type,
              subtype: r.subtype,
              params: r.version === undefined ? {} : { version: r.version },
              q: r.q,
            })),
          );
        },
      ),
    );
  });

  it('skips malformed ranges, bounds the work and keeps __proto__ an ordinary key', () => {
    expect(
      parseAccept('text, /plain, */plain, text/plain;q=2, text/plain;q=0.0001, a/b;=x, text/html'),
    ).toEqual([{ type: 'text', subtype: 'html', params: {}, q: 1 }]);
    expect(parseAccept(Array.from({ length: 100 }, () => 'a/b').join(','))).toHaveLength(
      MAX_MEDIA_RANGES,
    );
    const [range] = parseAccept('a/b;__proto__=x;version="1,2;3"');
    expect(Object.getPrototypeOf(range!.params)).toBe(Object.prototype);
    expect(Object.keys(range!.params)).toEqual(['__proto__', 'version']);
    expect(range!.params.version).toBe('1,2;3');
    expect(parseAccept(42)).toEqual([]);
  });
});

describe('normalizeMethod and parseRequestTarget', () => {
  it('gives the same path and URL as full URL parsing, whichever way it takes', () => {
    const segment = fc.string({
      unit: fc.constantFrom(...'aZ09-_~.!$&()*+,;=:@%2F/\\ é?#'.split('')),
      maxLength: 12,
    });
    fc.assert(
      fc.property(segment, (tail) => {
        const target = `/${tail}`;
        let expected: { path: string; href: string } | undefined;
        try {
          const url = new URL(target, 'http://localhost');
          expected = { path: decodeURIComponent(url.pathname), href: url.href };
        } catch {
          expected = undefined;
        }
        let actual: { path: string; href: string } | undefined;
        try {
          const parsed = parseRequestTarget(target);
          actual = { path: parsed.path, href: parsed.url.href };
        } catch {
          actual = undefined;
        }
        expect(actual).toEqual(expected);
      }),
    );
  });

  it('keeps known methods and folds the rest into _OTHER', () => {
    expect(normalizeMethod('GET')).toBe('GET');
    expect(normalizeMethod('get')).toBe('_OTHER');
    expect(normalizeMethod('PROPFIND')).toBe('_OTHER');
    expect(normalizeMethod(undefined)).toBe('_OTHER');
  });

  it('never throws anything but a 7501 FoundationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.anything()), (target) => {
        try {
          const parsed = parseRequestTarget(target);
          expect(parsed.path.startsWith('/')).toBe(true);
        } catch (error) {
          expect((error as { code?: unknown }).code).toBe(7501);
        }
      }),
    );
    expect(() => parseRequestTarget('/' + 'a'.repeat(20_000))).toThrow(/at most/);
    expect(() => parseRequestTarget('')).toThrow(/non-empty/);
    expect(() => parseRequestTarget('http://[::1')).toThrow(/valid URL/);
    expect(() => parseRequestTarget('A:')).toThrow(/a path or an http\(s\) URL/);
  });
});
