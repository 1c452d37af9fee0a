/**
 * `@foundation/http/express`: the HTTP foundation as Express middleware (Express 4.21+ and 5).
 *
 * ```ts
 * const foundation = expressFoundation(createHttpFoundation());
 * app.use(foundation.middleware);   // first: correlation, built-in routes, rate limit, metrics
 * app.get('/users/:id', handler);   // your routes; `http.route` is the matched template
 * app.use(foundation.notFound);     // a problem+json 404 for what nothing matched
 * app.use(foundation.errorHandler); // last: errors become problem+json
 * ```
 *
 * @packageDocumentation
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { HttpFoundation } from './http-foundation.js';

/** The Express middleware of an {@link HttpFoundation}. */
export interface ExpressFoundation {
  /**
   * Mount first: correlation, built-in routes, rate limit and metrics; the rest of the chain
   * runs in the request's error context.
   */
  readonly middleware: RequestHandler;
  /** Mount after your routes: a problem+json 404 (7503 `http_route_not_found`). */
  readonly notFound: RequestHandler;
  /** Mount last: turns errors into problem+json responses. */
  readonly errorHandler: ErrorRequestHandler;
}

/** The route template Express matched (`/users/:id` under its router's mount path), if any. */
function matchedRoute(request: Request): string | undefined {
  const route = (request as { route?: { path?: unknown } }).route;
  if (route === undefined || typeof route.path !== 'string') return undefined;
  return `${request.baseUrl}${route.path}`;
}

/**
 * Adapts an {@link HttpFoundation} to Express: requests get the same correlation, metrics
 * (`http.route` is the matched route template), built-in routes, rate limit and problem
 * responses as with the node:http handler.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createHttpFoundation } from '@foundation/http';
 * import { expressFoundation } from '@foundation/http/express';
 *
 * const foundation = expressFoundation(createHttpFoundation());
 * const app = express();
 * app.use(foundation.middleware);
 * app.get('/users/:id', (request, response) => {
 *   response.json({ id: request.params.id });
 * });
 * app.use(foundation.notFound);
 * app.use(foundation.errorHandler);
 * ```
 */
export function expressFoundation(http: HttpFoundation): ExpressFoundation {
  const middleware: RequestHandler = (request, response, next) => {
    const scope = http.begin(request, response, { route: () => matchedRoute(request) });
    scope.run(() => {
      if (http.admit(request, response) !== undefined) next();
    });
  };

  const notFound: RequestHandler = (request, _response, next) => {
    next(http.notFound(request));
  };

  const errorHandler: ErrorRequestHandler = (error: unknown, request, response, next) => {
    if (response.headersSent) {
      // Express closes the connection of a response cut short.
      next(error);
      return;
    }
    http.send(response, http.problem(error, http.scope(request)?.correlationId), request.method);
  };

  return { middleware, notFound, errorHandler };
}
