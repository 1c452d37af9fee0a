import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SUGGEST_RULES } from '../src/suggest/rules.js';
import { suggest } from '../src/suggest/suggest.js';
import { fixtureDir } from './helpers.js';

const BAD = `import { readFile } from 'node:fs/promises';

export function a(): void {
  throw 'plain string';
}

export function b(x: number): void {
  if (x > 1) throw new Error('too big');
}

export function c(): void {
  try {
    a();
  } catch {}
}

export function d(): void {
  try {
    a();
  } catch (error) {
    console.error(error);
  }
}

export async function e(): Promise<number> {
  return 1;
}

export function f(): void {
  e();
}

export function g(input: string): unknown {
  return JSON.parse(input);
}

export async function h(path: string): Promise<string> {
  return await readFile(path, 'utf8');
}

export function i(): void {
  try {
    a();
  } catch (error) {
    throw new Error('i failed');
  }
}

export function j(): void {
  process.exit(1);
}
`;

const GOOD = `import { readFile } from 'node:fs/promises';

export function a(): void {
  try {
    throw new Error('converted below');
  } catch (error) {
    throw new TypeError('wrapped', { cause: error });
  }
}

export function c(): void {
  try {
    a();
  } catch {
    // Best effort: the caller does not need this.
  }
}

export async function e(): Promise<number> {
  return 1;
}

export function f(): void {
  void e();
  e().catch(() => undefined);
  e().then(() => undefined, () => undefined);
}

export function g(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch (error) {
    throw error;
  }
}

export async function h(path: string, signal: AbortSignal): Promise<string> {
  return await readFile(path, { encoding: 'utf8', signal });
}

export function exits(options: { exit?: (code: number) => void }, stop = () => process.exit(2)): void {
  const exit = options.exit ?? ((code: number) => {
    process.exit(code);
  });
  exit(1);
  stop();
}

export function k(): never {
  throw new RangeError('programmer mistake');
}
`;

// Each call builds a program with the type checker: slow on a loaded machine.
describe('suggest', { timeout: 180_000 }, () => {
  const { dir, remove } = fixtureDir();
  afterAll(remove);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/bad.ts'), BAD);
  writeFileSync(join(dir, 'src/good.ts'), GOOD);

  it('finds each rule with file:line, a severity and a fix using Foundation API', () => {
    const findings = suggest(['src/bad.ts'], dir);
    expect(findings.map((f) => [f.rule, f.line])).toEqual(
      [
        ['throw-non-error', 4],
        ['throw-plain-error', 8],
        ['swallowed-catch', 14],
        ['swallowed-catch', 20],
        ['floating-promise', 30],
        ['unguarded-json-parse', 34],
        ['async-without-signal', 37],
        ['rethrow-without-cause', 45],
        ['throw-plain-error', 45],
        ['process-exit-in-library', 50],
      ].sort((x, y) => (x[1] as number) - (y[1] as number)),
    );
    for (const finding of findings) {
      expect(finding.file).toBe(join('src', 'bad.ts'));
      expect(finding.severity).toBe(SUGGEST_RULES[finding.rule].severity);
      expect(finding.suggestion.length).toBeGreaterThan(10);
      expect(finding.column).toBeGreaterThan(0);
    }
    expect(findings.find((f) => f.rule === 'rethrow-without-cause')!.suggestion).toContain(
      'wrap(error',
    );
    expect(findings.find((f) => f.rule === 'unguarded-json-parse')!.suggestion).toContain(
      'tryCatch(',
    );
  });

  it('finds nothing in code that handles errors well, and allows process.exit in a CLI', () => {
    expect(suggest(['src/good.ts'], dir)).toEqual([]);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin/cli.ts'), 'process.exit(0);\n');
    writeFileSync(join(dir, 'bin/shebang.ts'), '#!/usr/bin/env node\nprocess.exit(0);\n');
    expect(suggest(['bin'], dir)).toEqual([]);
  });

  it('searches folders, skipping node_modules and declaration files', () => {
    mkdirSync(join(dir, 'tree/node_modules/x'), { recursive: true });
    writeFileSync(join(dir, 'tree/node_modules/x/index.ts'), "throw 'x';\n");
    writeFileSync(join(dir, 'tree/types.d.ts'), 'export declare const x: number;\n');
    writeFileSync(join(dir, 'tree/one.ts'), "export const one = (): never => { throw 'one'; };\n");
    expect(suggest(['tree'], dir).map((f) => f.file)).toEqual([join('tree', 'one.ts')]);
  });

  it('refuses a path that does not exist and a module with syntax errors', () => {
    expect(() => suggest(['nowhere'], dir)).toThrow('nowhere: does not exist');
    writeFileSync(join(dir, 'broken.ts'), 'export function (\n');
    expect(() => suggest(['broken.ts'], dir)).toThrow(/broken\.ts: has a syntax error/);
  });

  it("reports no false positives on this repository's own packages", () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const packages = ['core', 'errors', 'config', 'events', 'telemetry', 'resilience', 'devtools'];
    expect(
      suggest(
        packages.map((p) => `packages/${p}/src`),
        root,
      ),
    ).toEqual([]);
  }, 180_000);
});
