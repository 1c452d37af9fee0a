import { defineConfig } from 'tsup';

// The playground is an application: one ESM bundle per entry, dependencies left external.
export default defineConfig({
  entry: ['src/workflow.ts', 'src/server.ts', 'src/load.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
});
