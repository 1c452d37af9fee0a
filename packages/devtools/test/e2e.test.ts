/**
 * End to end: the built `foundation-dev` runs in a temporary project, and what it generates
 * passes the repository's strict tsconfig, its ESLint configuration, prettier, and vitest.
 * Run after `pnpm build` (turbo's test task depends on it).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir } from './helpers.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);

async function cli(
  cwd: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const API = `/** A key-value store. */
export interface Store<V = string> {
  /** How many entries it holds. */
  readonly size: number;
  /** Reads one entry. */
  get(key: string): Promise<V | undefined>;
  /** Reads several. */
  get(keys: readonly string[]): Promise<(V | undefined)[]>;
  /** Writes one entry. */
  set(key: string, value: V, ttlMs?: number): void;
  /** Visits every entry. */
  forEach<C>(visit: (value: V, key: string, context: C) => void, context: C): void;
  /** Called on eviction. */
  onEvict?: (key: string) => void;
}

/** Counts the keys of a record. */
export function countKeys(record: Readonly<Record<string, unknown>>): number {
  return Object.keys(record).length;
}
`;

describe.runIf(existsSync(CLI))(
  'the built foundation-dev CLI in a temporary project',
  { timeout: 180_000 },
  () => {
    const { dir, remove } = fixtureDir();
    afterAll(remove);

    beforeAll(() => {
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: '@foundation/tsconfig/base.json', include: ['.'] }),
      );
      writeFileSync(
        join(dir, 'vitest.config.mjs'),
        "export default { test: { include: ['**/*.test.ts'] } };\n",
      );
      writeFileSync(join(dir, 'api.ts'), API);
    });

    it('generates a service, a contract, an implementation and tests', async () => {
      for (const args of [
        ['generate', 'service', 'Payments'],
        ['generate', 'contract', 'Store', '--from', 'api.ts#Store'],
        ['generate', 'impl', 'MemoryStore', '--from', 'api.ts#Store'],
        ['generate', 'tests', '--from', 'api.ts'],
      ]) {
        const result = await cli(dir, ...args);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      }
      expect(readdirSync(dir).sort()).toEqual([
        'api.test.ts',
        'api.ts',
        'memory-store.ts',
        'payments.README.md',
        'payments.test.ts',
        'payments.ts',
        'store.contract.ts',
        'tsconfig.json',
        'vitest.config.mjs',
      ]);
    });

    it('what it generated passes tsc --noEmit under the strict tsconfig', async () => {
      const tsc = require.resolve('typescript/bin/tsc');
      const result = await run(process.execPath, [
        tsc,
        '--noEmit',
        '-p',
        join(dir, 'tsconfig.json'),
      ]).catch((e: unknown) => e as { stdout: string });
      expect(result.stdout).toBe('');
    });

    it("passes the repository's ESLint configuration (strict-type-checked, zero warnings) and prettier", async () => {
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f));
      const eslint = new ESLint({ cwd: REPO });
      const results = await eslint.lintFiles(files);
      const messages = results.flatMap((r) =>
        r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId ?? ''} ${m.message}`),
      );
      expect(messages).toEqual([]);
      for (const file of [...files, join(dir, 'payments.README.md')]) {
        const options = (await prettier.resolveConfig(file)) ?? {};
        expect(
          await prettier.check(readFileSync(file, 'utf8'), { ...options, filepath: file }),
          file,
        ).toBe(true);
      }
    });

    it('its tests run under vitest: the service tests pass and the skeletons are todos', async () => {
      const vitest = join(REPO, 'node_modules/vitest/vitest.mjs');
      const { stdout } = await run(
        process.execPath,
        [vitest, 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs')],
        {
          cwd: dir,
          env: { ...process.env, NO_COLOR: '1', CI: '1' },
        },
      );
      expect(stdout).toMatch(/Tests\s+\d+ passed \| \d+ todo/);
      expect(stdout).toContain('2 passed');
    });

    it('refuses bad input with exit 2 and writes nothing', async () => {
      writeFileSync(join(dir, 'broken.ts'), 'export interface Broken {\n  a(: void;\n');
      const before = readdirSync(dir).sort();
      for (const [args, message] of [
        [['generate', 'impl', 'X', '--from', 'broken.ts#Broken'], 'broken.ts: has a syntax error'],
        [['generate', 'impl', 'X', '--from', 'api.ts#Missing'], "declares no interface 'Missing'"],
        [['generate', 'service', 'not-valid'], "'not-valid' is not a valid TypeScript identifier"],
        [['generate', 'gadget', 'X'], "unknown kind 'gadget'"],
        [['generate', 'service', 'Payments'], 'exists (pass --force to overwrite)'],
        [
          ['generate', 'service', 'Other', '--out', '../../escape'],
          'outside the working directory',
        ],
      ] as const) {
        const result = await cli(dir, ...args);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr).toContain(message);
      }
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  },
);
