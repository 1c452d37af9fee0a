import { foundationTsup } from '@foundation/tsup-config';

// Three entries: the library; supervision, a unit of its own that can be imported alone; and
// the example settings behind their own subpath so the root entry carries no sample data.
export default foundationTsup({
  entry: {
    index: 'src/index.ts',
    supervision: 'src/supervision/index.ts',
    examples: 'src/examples/index.ts',
  },
});
