import { defineErrorCodes, FoundationError } from '@foundation/errors';

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 7501 */ http_malformed_request: true;
    /** 7502 */ http_method_not_allowed: true;
    /** 7503 */ http_route_not_found: true;
  }
}

/**
 * The HTTP package's own error codes (75xx), for what only an HTTP layer can refuse. Bad
 * options use the built-in `invalid_input` (3204) with `path` and `rule` in the context.
 */
export const HttpErrors = defineErrorCodes({
  http_malformed_request: {
    code: 7501,
    category: 'data',
    subcategory: 'http',
    severity: 'low',
    retry: 'none',
    description: 'The request target is malformed',
  },
  http_method_not_allowed: {
    code: 7502,
    category: 'data',
    subcategory: 'http',
    severity: 'low',
    retry: 'none',
    description: 'The method is not allowed on this route',
  },
  http_route_not_found: {
    code: 7503,
    category: 'data',
    subcategory: 'http',
    severity: 'low',
    retry: 'none',
    description: 'No route matches the request',
  },
});

/** Builds the error for a refused option: `invalid_input` naming the path and the rule. */
export function invalidOption(path: string, rule: string, received?: unknown): FoundationError {
  const context: Record<string, unknown> = { path, rule };
  if (received !== undefined) context.received = typeof received;
  return new FoundationError('invalid_input', `${path}: ${rule}`, { context });
}
