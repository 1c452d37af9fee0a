import { foundationTsup } from '@foundation/tsup-config';

// One entry per public subpath. The adapters use the core only through the `HttpFoundation`
// object they are given (type-only imports), so no code is duplicated between the entries.
export default foundationTsup({
  entry: ['src/index.ts', 'src/express.ts', 'src/fastify.ts'],
});
