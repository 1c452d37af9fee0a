import { FoundationError } from '@foundation/errors';
import { HttpErrors } from './codes.js';

/** A request target, parsed and checked. */
export interface RequestTarget {
  /** The parsed URL (host `localhost`: the Host header is not trusted for this). */
  readonly url: URL;
  /** The path with percent-encoding decoded (for matching routes). */
  readonly path: string;
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
 */
export function parseRequestTarget(target: unknown): RequestTarget {
  if (typeof target !== 'string' || target === '') throw malformed('must be a non-empty string');
  if (target.length > MAX_TARGET_LENGTH) throw malformed(`at most ${MAX_TARGET_LENGTH} characters`);
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
  return { url, path };
}
