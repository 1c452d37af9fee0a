import { defineConfig } from 'tsup';

/**
 * The one build every publishable Foundation package uses: ESM and CJS side by side, with
 * declaration files for both and sourcemaps, targeting the Node version in `engines`.
 * @param {Partial<import('tsup').Options>} [overrides]
 */
export function foundationTsup(overrides = {}) {
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
    ...overrides,
  });
}
