import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { suggest } from '../src/suggest/suggest.js';
import { fixtureDir } from './helpers.js';

// Module-level code, guards written as callbacks, thenables that are not promises.
const EDGES = `declare function tryCatch<T>(fn: () => T, code: string): T;
declare function later(): PromiseLike<number>;

export const config: unknown = JSON.parse(process.env.CONFIG ?? '{}');
export const guarded: unknown = tryCatch(() => JSON.parse('{}'), 'deserialization_failed');

export function bare(): never {
  throw new Error();
}

export function spin(): void {
  later();
}

export function exits(options: { exit?: () => void }): () => void {
  return options.exit || (() => process.exit(1));
}

process.exit(3);
`;

describe('suggest at the edges of a module', { timeout: 180_000 }, () => {
  const { dir, remove } = fixtureDir();
  afterAll(remove);
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'lib/edges.ts'), EDGES);

  it('reports module-level code and custom thenables, and accepts guards and replaceable defaults', () => {
    const findings = suggest(['lib/edges.ts'], dir).map((f) => ({
      rule: f.rule,
      line: f.line,
      file: f.file,
      suggestion: f.suggestion,
    }));
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['unguarded-json-parse', 4],
      ['throw-plain-error', 8],
      ['floating-promise', 12],
      ['process-exit-in-library', 19],
    ]);
    expect(findings[0]!.file).toBe(join('lib', 'edges.ts'));
    // An Error without a message gets a placeholder message in the proposed rewrite.
    expect(findings[1]!.suggestion).toContain("'…'");
  });
});
