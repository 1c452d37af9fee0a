import { foundationTsup } from '@foundation/tsup-config';

// The library entry plus the `foundation-quality` CLI (a bin, so ESM only is enough for it,
// but the preset builds both formats for every entry).
export default foundationTsup({ entry: ['src/index.ts', 'src/cli.ts'] });
