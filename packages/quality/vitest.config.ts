import { foundationVitest } from '@foundation/vitest-config';

// The gates run real tools (the TypeScript compiler, ESLint, api-extractor) on fixture
// projects, which takes longer than the preset's default timeout on a loaded machine.
export default foundationVitest({
  test: {
    testTimeout: 120_000,
    coverage: {
      exclude: ['src/**/*.d.ts', 'src/cli.ts'],
    },
  },
});
