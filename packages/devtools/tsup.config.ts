import { foundationTsup } from '@foundation/tsup-config';

// The library in ESM and CJS, plus the CLI (`foundation-dev`, run as dist/cli.js, shebang kept).
export default foundationTsup({
  entry: ['src/index.ts', 'src/cli.ts'],
  dts: { entry: 'src/index.ts' },
});
