import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away project in the OS temp directory, removed by `remove()`. */
export interface Fixture {
  readonly root: string;
  write(path: string, text: string): void;
  remove(): void;
  git(...args: string[]): void;
}

/** A GitHub token built at run time, so this file itself holds no credential. */
export const PLANTED_TOKEN = ['ghp', '_', 'x1Y2z3W4v5U6t7S8r9Q0p1O2n3M4l5K6j7I8'].join('');

/** One package `packages/a` (`@fixture/a`) with a documented, typed, linted entry point. */
export function createFixture(files: Record<string, string> = {}): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'foundation-quality-fixture-'));
  const fixture: Fixture = {
    root,
    write(path, text) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
    git(...args) {
      execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    },
  };
  const defaults: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'fixture-root', private: true, type: 'module' }),
    'eslint.config.mjs': `export default [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error', 'no-undef': 'error' }, languageOptions: { sourceType: 'module', globals: { console: 'readonly' } } }];\n`,
    'packages/a/package.json': JSON.stringify({
      name: '@fixture/a',
      version: '1.0.0',
      type: 'module',
      types: 'dist/index.d.ts',
    }),
    'packages/a/tsconfig.json': JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        noEmit: true,
        types: [],
      },
      include: ['src'],
    }),
    'packages/a/src/index.ts': [
      '/** Adds two numbers.',
      ' * @param a - the first',
      ' * @param b - the second',
      ' * @returns their sum',
      ' */',
      'export function add(a: number, b: number): number {',
      '  return a + b;',
      '}',
      '',
    ].join('\n'),
    'packages/a/src/helper.js': 'export const double = (x) => x * 2;\n',
    'packages/a/dist/index.d.ts': [
      '/** Adds two numbers. */',
      'export declare function add(a: number, b: number): number;',
      '',
    ].join('\n'),
    'packages/a/coverage/coverage-summary.json': coverageSummary(98),
  };
  for (const [path, text] of Object.entries({ ...defaults, ...files })) fixture.write(path, text);
  fixture.git('init', '-q');
  fixture.git('add', '-A');
  return fixture;
}

/** An istanbul coverage-summary.json with every metric at `pct`, for one file. */
export function coverageSummary(pct: number, file = '/src/index.ts'): string {
  const figure = { total: 100, covered: pct, skipped: 0, pct };
  const entry = { lines: figure, statements: figure, functions: figure, branches: figure };
  return JSON.stringify({ total: entry, [file]: entry });
}
