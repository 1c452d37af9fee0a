/**
 * `@foundation/http/fastify`: the HTTP foundation as a Fastify plugin (Fastify 5).
 *
 * ```ts
 * const http = createHttpFoundation();
 * const app = Fastify({ frameworkErrors: fastifyFrameworkErrors(http) });
 * await app.register(fastifyFoundation(http));
 * app.get('/users/:id', handler); // `http.route` is the route's URL template
 * ```
 *
 * @packageDocumentation
 */
import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpFoundation } from './http-foundation.js';

/**
 * Adapts an {@link HttpFoundation} to Fastify. The plugin is not encapsulated (like
 * `fastify-plugin`), so it covers every route: an `onRequest` hook resolves the correlation,
 * answers the built-in routes and applies the rate limit, and runs the rest of the request in
 * its error context; the error handler and the not-found handler answer with problem+json.
 * `http.route` is the matched route's URL template.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createHttpFoundation } from '@foundation/http';
 * import { fastifyFoundation } from '@foundation/http/fastify';
 *
 * const app = Fastify();
 * await app.register(fastifyFoundation(createHttpFoundation()));
 * app.get('/users/:id', async (request) => ({ id: (request.params as { id: string }).id }));
 * await app.listen({ port: 3000 });
 * ```
 */
export function fastifyFoundation(http: HttpFoundation): FastifyPluginCallback {
  const plugin: FastifyPluginCallback = (fastify, _options, done) => {
    fastify.addHook('onRequest', (request, reply, next) => {
      const scope = http.begin(request.raw, reply.raw, { route: () => request.routeOptions.url });
      scope.run(() => {
        if (http.admit(request.raw, reply.raw) === undefined) {
          // The foundation answered on the raw response: Fastify must not answer too.
          reply.hijack();
          return;
        }
        next();
      });
    });
    fastify.setErrorHandler((error, request, reply) => {
      const problem = http.problem(error, http.scope(request.raw)?.correlationId);
      void reply.code(problem.status).headers(problem.headers).send(problem.body);
    });
    fastify.setNotFoundHandler((request, reply) => {
      const problem = http.problem(
        http.notFound(request.raw),
        http.scope(request.raw)?.correlationId,
      );
      void reply.code(problem.status).headers(problem.headers).send(problem.body);
    });
    done();
  };
  // What fastify-plugin sets: the hooks and handlers apply to the whole application.
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@foundation/http',
  });
}

/**
 * A Fastify `frameworkErrors` option: Fastify answers some malformed requests (bad
 * percent-encoding in a route parameter, an over-long parameter) before any hook runs; with
 * this they get the foundation's correlation, metrics and a problem+json answer too (400 with
 * 7501 `http_malformed_request` for a bad target). Pass it when creating the instance.
 *
 * @example
 * ```ts
 * const http = createHttpFoundation();
 * const app = Fastify({ frameworkErrors: fastifyFrameworkErrors(http) });
 * await app.register(fastifyFoundation(http));
 * ```
 */
export function fastifyFrameworkErrors(
  http: HttpFoundation,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const scope = http.scope(request.raw) ?? http.begin(request.raw, reply.raw);
    scope.run(() => {
      // A target the foundation also finds malformed is answered by it, like any other.
      if (error.code === 'FST_ERR_BAD_URL' && http.admit(request.raw, reply.raw) === undefined) {
        reply.hijack();
        return;
      }
      const problem = http.problem(error, scope.correlationId);
      void reply.code(problem.status).headers(problem.headers).send(problem.body);
    });
  };
}
