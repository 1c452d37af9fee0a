import { FoundationError } from '@foundation/errors';
import { HttpErrors } from './codes.js';

/** A request target, parsed and checked. */
export interface RequestTarget {
  /** The parsed URL (host `localhost`: the Host header is not trusted for this). */
  readonly url: URL;
  /** The path with percent-encoding decoded (for matching routes). */
  readonly path: string;
}

// A path made only of these characters is the same before and after URL parsing and decoding
// (no percent-encoding, dot segments or backslashes), so it needs no URL object up front.
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-_~!$&'()*+,;=:@/]*$/;

/** A target whose URL is built only when someone reads it. */
class PlainTarget implements RequestTarget {
  readonly path: string;
  readonly #target: string;
  #url: URL | undefined;

  constructor(target: string, path: string) {
    this.#target = target;
    this.path = path;
  }

  get url(): URL {
    this.#url ??= new URL(this.#target, 'http://localhost');
    return this.#url;
  }
}

/** Request targets longer than this are refused (Node's header limit bounds them anyway). */
export const MAX_TARGET_LENGTH = 16 * 1024;

function malformed(rule: string): FoundationError {
  return new FoundationError(HttpErrors.http_malformed_request, `request target: ${rule}`, {
    context: { path: 'url', rule },
  });
}

/**
 * Parses a request target (`request.url`): origin form (`/a?b`), absolute form, or `*`.
 * Throws 7501 `http_malformed_request` (a 400) for a target that is not a string, too long, does
 * not parse as a URL, or whose path has broken percent-encoding (`%zz`, `%ff` alone, which is
 * not UTF-8) — never a raw `URIError`.
 *
 * @param target - the request target as node:http gives it in `request.url`, at most
 *   {@link MAX_TARGET_LENGTH} characters
 * @returns the URL (resolved against `http://localhost`, built lazily for plain paths) and the
 *   decoded path for route matching
 * @throws FoundationError 7501 `http_malformed_request` (context `path` `url` and the `rule`
 *   broken) when the target is empty, not a string, too long, not a URL, or badly
 *   percent-encoded.
 */
export function parseRequestTarget(target: unknown): RequestTarget {
  if (typeof target !== 'string' || target === '') throw malformed('must be a non-empty string');
  if (target.length > MAX_TARGET_LENGTH) throw malformed(`at most ${MAX_TARGET_LENGTH} characters`);
  const end = target.search(/[?#]/);
  const rawPath = end === -1 ? target : target.slice(0, end);
  if (PLAIN_PATH.test(rawPath)) return new PlainTarget(target, rawPath);
  let url: URL;
  try {
    url = new URL(target === '*' ? '/*' : target, 'http://localhost');
  } catch {
    throw malformed('must be a valid URL');
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw malformed('path must use valid percent-encoding of UTF-8');
  }
  // An absolute target of another scheme (`a:`, `mailto:x`) has an opaque path, not a route.
  if (!path.startsWith('/')) throw malformed('must be a path or an http(s) URL');
  return { url, path };
}
