import { defineConfig } from 'tsup';

/**
 * The one build every publishable Foundation package uses: ESM and CJS side by side, with
 * declaration files for both and sourcemaps, targeting the Node version in `engines`.
 *
 * The sourcemaps ship without `sourcesContent`: they still map stack traces (with
 * `node --enable-source-maps`) to `src/<file>.ts` and line, but do not carry a second copy of
 * the sources in every tarball (the sources are not published).
 * @param {Partial<import('tsup').Options>} [overrides]
 */
export function foundationTsup(overrides = {}) {
  const { esbuildOptions: extraEsbuildOptions, ...rest } = overrides;
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...rest,
    esbuildOptions(options, context) {
      options.sourcesContent = false;
      extraEsbuildOptions?.(options, context);
    },
  });
}
