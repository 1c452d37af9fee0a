// The quality gates of this repository (`pnpm quality`, and `pnpm quality:ci` for the quick
// ones CI runs after the tests). See packages/quality/README.md for every option.
import type { QualityConfig } from '@foundation/quality';

export default {
  packages: ['packages/*'],
  gates: {
    types: {},
    lint: {},
    docs: {},
    secrets: { allowList: 'quality/secrets-allowlist.txt' },
    api: { reportDir: 'quality/api' },
    // The floor every package enforces (tooling/vitest-config): 95 on lines, branches, functions
    // and statements, which every package measured on 2026-12-02.
    coverage: { threshold: 95 },
    dependencies: { severity: 'high' },
    performance: {
      // pnpm passes FOUNDATION_BENCH_JSON through to each package's bench (turbo would filter it).
      command:
        'pnpm -r --no-bail --workspace-concurrency=1 --filter ./packages/* run --if-present bench',
      baseline: 'quality/baseline.json',
      rounds: 10,
    },
  },
  levels: [
    {
      name: 'unit',
      command: 'pnpm turbo run test --filter=./packages/*',
      description: "each package's vitest suite with its coverage floor",
    },
    {
      name: 'integration',
      command: 'pnpm --filter @foundation/playground run test',
      description: 'the playground tests (every package wired together)',
    },
    {
      name: 'contract',
      // vitest's file filters: the *.test-d.ts type tests everywhere, devtools' compliance suite.
      command:
        'pnpm -r --no-bail --filter ./packages/* exec vitest run compliance .test-d --passWithNoTests',
      description: "the *.test-d.ts type tests of every package and devtools' compliance checks",
    },
    {
      name: 'performance',
      command: 'pnpm bench',
      description: 'the benchmarks with their targets',
    },
    {
      name: 'chaos',
      command:
        'pnpm --filter @foundation/resilience exec vitest run test/supervision/chaos.test.ts',
      description: 'the supervision chaos suite',
    },
  ],
} satisfies QualityConfig;
