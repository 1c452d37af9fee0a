import { foundationTsup } from '@foundation/tsup-config';

// Two entries: the library, and the example schema behind its own subpath so that importing
// the library builds no schema (`sideEffects: false` holds).
export default foundationTsup({
  entry: { index: 'src/index.ts', examples: 'src/examples/index.ts' },
});
