import { foundationTsup } from '@foundation/tsup-config';

// Two entries: the library, and the example settings behind their own subpath so the root
// entry carries no sample data.
export default foundationTsup({
  entry: { index: 'src/index.ts', examples: 'src/examples/index.ts' },
});
