/** The two exposition formats `/metrics` serves. */
export type MetricsFormat = 'prometheus' | 'openmetrics';

/** One media range of an `Accept` header. */
export interface MediaRange {
  /** The type, lower case (`*` for any). */
  readonly type: string;
  /** The subtype, lower case (`*` for any). */
  readonly subtype: string;
  /** The parameters other than `q`, names lower case, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
  /** The quality, 0 to 1. */
  readonly q: number;
}

/** Ranges past this many are ignored, so a hostile header costs bounded work. */
export const MAX_MEDIA_RANGES = 64;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on `sep` outside double quotes (a quoted parameter value may hold `,` or `;`). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

function parseRange(text: string): MediaRange | undefined {
  const [mediaType = '', ...rawParams] = splitOutsideQuotes(text, ';');
  const slash = mediaType.indexOf('/');
  const type = mediaType.slice(0, slash).trim().toLowerCase();
  const subtype = mediaType
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (slash < 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  if (type === '*' && subtype !== '*') return undefined;
  const params: Record<string, string> = {};
  let q = 1;
  for (const raw of rawParams) {
    const eq = raw.indexOf('=');
    const name = raw.slice(0, eq).trim().toLowerCase();
    const value = unquote(raw.slice(eq + 1).trim());
    if (eq < 0 || !TOKEN.test(name)) return undefined;
    if (name === 'q') {
      if (!QVALUE.test(value)) return undefined;
      q = Number(value);
    } else if (!Object.hasOwn(params, name)) {
      // Object.defineProperty keeps a `__proto__` parameter an ordinary key.
      Object.defineProperty(params, name, { value, enumerable: true });
    }
  }
  return { type, subtype, params, q };
}

/**
 * Parses an `Accept` header (RFC 9110 §12.5.1) into media ranges, in header order. Malformed
 * ranges (no `/`, bad tokens, a `q` outside 0..1 or with more than three decimals) are
 * skipped; at most {@link MAX_MEDIA_RANGES} are read. Never throws.
 *
 * @param header - the `Accept` header value as node:http gives it; anything but a string
 *   (absent, or several headers as an array) reads as no ranges
 * @returns the well-formed media ranges in header order (empty when none parse)
 */
export function parseAccept(header: unknown): MediaRange[] {
  if (typeof header !== 'string') return [];
  const ranges: MediaRange[] = [];
  for (const part of splitOutsideQuotes(header, ',')) {
    if (ranges.length === MAX_MEDIA_RANGES) break;
    if (part.trim() === '') continue;
    const range = parseRange(part);
    if (range) ranges.push(range);
  }
  return ranges;
}

interface Offer {
  readonly format: MetricsFormat;
  readonly type: string;
  readonly subtype: string;
  readonly version: string;
}

// Prometheus text first: on a tie it is the answer, as with prom-client and client_golang.
const OFFERS: readonly Offer[] = [
  { format: 'prometheus', type: 'text', subtype: 'plain', version: '0.0.4' },
  { format: 'openmetrics', type: 'application', subtype: 'openmetrics-text', version: '1.0.0' },
];

/** How specifically `range` names `offer` (-1: not at all); and its position breaks ties. */
function specificity(range: MediaRange, offer: Offer): number {
  if (range.type === '*') return 0;
  if (range.type !== offer.type) return -1;
  if (range.subtype === '*') return 1;
  if (range.subtype !== offer.subtype) return -1;
  const version = range.params.version;
  if (version === undefined) return 2;
  return version === offer.version ? 3 : -1;
}

/**
 * Chooses the `/metrics` format from an `Accept` header: OpenMetrics 1.0.0 when the client
 * prefers `application/openmetrics-text` (without a version, or `version=1.0.0`), else the
 * Prometheus text format 0.0.4. Each format takes the `q` of the most specific range that
 * names it; the higher `q` wins, then the range that comes first in the header, then the
 * Prometheus format. A header that accepts neither still gets the Prometheus format (as
 * Prometheus' own clients do) rather than a 406. Never throws.
 *
 * @param accept - the request's `Accept` header value; absent or not a string means the
 *   Prometheus format
 * @returns `'openmetrics'` when the client prefers OpenMetrics 1.0.0, else `'prometheus'`
 * @example
 * ```ts
 * negotiateMetricsFormat('application/openmetrics-text;version=1.0.0,text/plain;q=0.5'); // 'openmetrics'
 * negotiateMetricsFormat('*\/*'); // 'prometheus'
 * ```
 */
export function negotiateMetricsFormat(accept: unknown): MetricsFormat {
  const ranges = parseAccept(accept);
  let best: MetricsFormat = 'prometheus';
  let bestQ = 0;
  let bestIndex = Infinity;
  for (const offer of OFFERS) {
    let q = 0;
    let index = Infinity;
    let level = -1;
    ranges.forEach((range, i) => {
      const s = specificity(range, offer);
      if (s > level) {
        level = s;
        q = range.q;
        index = i;
      }
    });
    if (q > bestQ || (q === bestQ && q > 0 && index < bestIndex)) {
      best = offer.format;
      bestQ = q;
      bestIndex = index;
    }
  }
  return best;
}
