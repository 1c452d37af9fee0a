import { defineConfig, mergeConfig } from 'vitest/config';

/**
 * The shared vitest preset: tests under `test/`, type tests (`*.test-d.ts`) checked, and v8
 * coverage over `src/` with the project-wide 95% floor enforced on lines, branches, functions
 * and statements.
 * @param {import('vitest/config').ViteUserConfig} [overrides]
 */
export function foundationVitest(overrides = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        include: ['test/**/*.test.ts'],
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
        pool: 'forks',
        // Generous: CI runs every package's suite at once on two cores, and a property test or a
        // child-process test may wait its turn for a core. Speed is checked by benchmarks, not here.
        testTimeout: 60_000,
        restoreMocks: true,
        coverage: {
          provider: 'v8',
          include: ['src/**/*.ts'],
          exclude: ['src/**/*.d.ts'],
          reporter: ['text-summary', 'json-summary'],
          thresholds: { lines: 95, branches: 95, functions: 95, statements: 95 },
        },
      },
    }),
    overrides,
  );
}
