import { foundationVitest } from '@foundation/vitest-config';

export default foundationVitest({
  // The CLI entry only wires commander to the tested modules; the end-to-end tests run it built.
  test: { coverage: { exclude: ['src/**/*.d.ts', 'src/cli.ts'] } },
});
