import { foundationTsup } from '@foundation/tsup-config';

// Two builds into dist/, each cleaning only its own files (they run side by side):
// - the library, ESM and CJS with declarations (index.*);
// - the CLI `foundation-dev`, ESM only (cli.js, shebang kept): the bin runs it with `node`
//   as a module, so a CommonJS copy would only add weight to the tarball.
export default [
  foundationTsup({ entry: ['src/index.ts'], clean: ['!cli.*'] }),
  foundationTsup({ entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: ['!index.*'] }),
];
