import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// The built package, as users load it (the test task builds it first, see turbo.json).
import * as root from '../dist/index.js';
import * as examples from '../dist/examples.js';

const dist = (file: string): string =>
  readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');

describe('entry points', () => {
  it('the root entry builds no example schema at import (sideEffects: false holds)', () => {
    expect(Object.keys(root)).not.toContain('elixirScopeExampleSchema');
    for (const file of ['index.js', 'index.cjs']) {
      expect(dist(file), file).not.toContain('elixirScope');
      expect(dist(file), file).not.toContain('ringBuffer');
    }
  });

  it('the example schema lives behind @foundation/config/examples, in both builds', () => {
    const required = createRequire(import.meta.url)('../dist/examples.cjs') as typeof examples;
    for (const entry of [examples, required]) {
      const config = root.createConfig({
        schema: entry.elixirScopeExampleSchema,
        updatable: entry.elixirScopeUpdatablePaths,
      });
      expect(config.get('ai.planning.samplingRate')).toBe(1);
    }
    const manifest = JSON.parse(dist('../package.json')) as { exports: Record<string, unknown> };
    expect(Object.keys(manifest.exports)).toEqual(['.', './examples', './package.json']);
  });
});
