import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import { runCli, runGates, type QualityConfig, type QualityReport } from '../src/index.js';
import { coverageSummary, createFixture, PLANTED_TOKEN, type Fixture } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(() => {
  fixture?.remove();
  fixture = undefined;
});

function gate(report: QualityReport, name: string) {
  const found = report.gates.find((g) => g.name === name);
  if (found === undefined) throw new Error(`no gate ${name}`);
  return found;
}

async function run(config: QualityConfig): Promise<QualityReport> {
  return runGates(config, { rootDir: fixture!.root });
}

describe('types gate', () => {
  it('fails on a planted type error with file:line, and passes once it is fixed', async () => {
    fixture = createFixture({
      'packages/a/src/broken.ts': 'export const n: number = "not a number";\n',
    });
    const failed = await run({ gates: { types: {} } });
    const types = gate(failed, 'types');
    expect(types.status).toBe('failed');
    expect(types.value).toBe(1);
    expect(types.evidence[0]).toMatchObject({ file: 'packages/a/src/broken.ts', line: 1 });
    expect(types.evidence[0]!.message).toMatch(/^TS2322: Type 'string' is not assignable/);
    expect(failed.verdict).toBe('failed');

    fixture.write('packages/a/src/broken.ts', 'export const n: number = 1;\n');
    const passed = await run({ gates: { types: {} } });
    expect(gate(passed, 'types')).toMatchObject({ status: 'passed', value: 0 });
    expect(passed.verdict).toBe('passed');
  });

  it('reports a broken tsconfig as a type error and a missing project as bad input', async () => {
    fixture = createFixture({
      'packages/a/tsconfig.json': '{ "compilerOptions": { "target": "nope" } }',
    });
    const report = await run({ gates: { types: {} } });
    expect(gate(report, 'types').status).toBe('failed');
    expect(gate(report, 'types').evidence[0]!.file).toBe('packages/a/tsconfig.json');
    await expect(
      run({ gates: { types: { projects: ['missing/tsconfig.json'] } } }),
    ).rejects.toMatchObject({
      code: 8103,
    });
  });

  it('reports an unparsable tsconfig and a global error (no file) as type errors', async () => {
    fixture = createFixture({
      'broken/tsconfig.json': '{ "compilerOptions": ',
      'global/tsconfig.json': JSON.stringify({
        compilerOptions: { types: ['missing-types'], noEmit: true },
        files: ['a.ts'],
      }),
      'global/a.ts': 'export const a = 1;\n',
    });
    const report = await run({
      gates: { types: { projects: ['broken/tsconfig.json', 'global/tsconfig.json'] } },
    });
    const evidence = gate(report, 'types').evidence;
    expect(evidence.map((e) => e.file)).toEqual(['broken/tsconfig.json', 'global/tsconfig.json']);
    expect(evidence[1]!.message).toMatch(
      /^TS2688: Cannot find type definition file for 'missing-types'/,
    );
  });

  it('is skipped (not passed) when there is no project to check', async () => {
    fixture = createFixture();
    const report = await run({ packages: ['nothing/*'], gates: { types: {} } });
    expect(gate(report, 'types')).toMatchObject({
      status: 'skipped',
      reason: 'no tsconfig.json found',
    });
    expect(report.summary).toEqual({ passed: 0, failed: 0, skipped: 1 });
  });
});

describe('lint gate', () => {
  it('fails on a planted lint error with its rule, and passes once it is fixed', async () => {
    fixture = createFixture({
      'packages/a/src/helper.js': 'const unused = 1;\nexport const double = (x) => x * 2;\n',
    });
    const failed = gate(await run({ gates: { lint: {} } }), 'lint');
    expect(failed.status).toBe('failed');
    expect(failed.evidence[0]!.message).toBe('top rule: no-unused-vars (1 findings)');
    expect(failed.evidence[1]).toMatchObject({
      file: 'packages/a/src/helper.js',
      line: 1,
      symbol: 'no-unused-vars',
    });
    // One error (weight 5) in 3 lines: 100 - 5 * 1000 / 3, floored at 0.
    expect(failed.value).toBe(0);

    fixture.write('packages/a/src/helper.js', 'export const double = (x) => x * 2;\n');
    const passed = gate(await run({ gates: { lint: {} } }), 'lint');
    expect(passed).toMatchObject({ status: 'passed', value: 100 });
  });

  it('applies the minimum score and counts warnings and parse errors', async () => {
    fixture = createFixture({
      'eslint.config.mjs': `export default [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'warn' } }];\n`,
      'packages/a/src/helper.js': 'const unused = 1;\n' + '// filler\n'.repeat(998),
      'packages/a/src/bad.js': 'export const = ;\n',
    });
    const result = gate(
      await run({ gates: { lint: { maxWarnings: 5, maxErrors: 1, minScore: 99 } } }),
      'lint',
    );
    // 1 parse error (10) + 1 warning (1) in 1002 lines: 100 - 11 * 1000 / 1002 = 89.0.
    expect(result.measured).toMatch(/^1 errors, 1 warnings in 2 files/);
    expect(result.value).toBe(89);
    expect(result.status).toBe('failed');
    expect(result.threshold).toBe('<= 1 errors, <= 5 warnings, score >= 99');
  });
});

describe('docs gate', () => {
  it('fails on an undocumented export and on missing @param/@returns/@throws, and passes once documented', async () => {
    fixture = createFixture({
      'packages/a/src/index.ts': [
        "import { fail } from './fail.js';",
        'export function bare(x: number): number { return x; }',
        '/** Doubles. */',
        'export const twice = (n: number): number => n * 2;',
        '/** Throws.',
        ' * @param why - the reason',
        ' */',
        'export function boom(why: string): void { throw fail(why); }',
        '/** Internal. @internal */',
        'export function hidden(): number { return 1; }',
        '/** Nothing back.',
        ' * @param done - called',
        ' */',
        'export async function later(done: () => void): Promise<void> { done(); }',
        '',
      ].join('\n'),
      'packages/a/src/fail.ts': [
        'export class FoundationError extends Error {}',
        'export function fail(why: string): FoundationError { return new FoundationError(why); }',
        '',
      ].join('\n'),
    });
    const failed = gate(await run({ gates: { docs: {} } }), 'docs');
    expect(failed.status).toBe('failed');
    expect(failed.evidence.map((e) => e.message)).toEqual([
      '@fixture/a: bare has no TSDoc summary',
      "@fixture/a: twice has no @param for 'n'",
      '@fixture/a: twice returns a value but has no @returns',
      '@fixture/a: boom throws a FoundationError but has no @throws',
    ]);
    expect(failed.evidence[0]).toMatchObject({ file: 'packages/a/src/index.ts', line: 2 });

    fixture.write(
      'packages/a/src/index.ts',
      [
        "import { fail } from './fail.js';",
        '/** Identity.',
        ' * @param x - a number',
        ' * @returns x',
        ' */',
        'export function bare(x: number): number { return x; }',
        '/** Doubles.',
        ' * @param n - a number',
        ' * @returns twice n',
        ' */',
        'export const twice = (n: number): number => n * 2;',
        '/** Throws.',
        ' * @param why - the reason',
        ' * @throws FoundationError always',
        ' */',
        'export function boom(why: string): void { throw fail(why); }',
        '/** A limit. */',
        'export const limit = 3;',
        '/** A box. */',
        'export class Box {}',
        "export type { Stats } from 'node:fs';",
        '',
      ].join('\n'),
    );
    expect(gate(await run({ gates: { docs: {} } }), 'docs')).toMatchObject({
      status: 'passed',
      value: 0,
    });
    const relaxed = gate(
      await run({
        gates: { docs: { requireParams: false, requireReturns: false, requireThrows: false } },
      }),
      'docs',
    );
    expect(relaxed.threshold).toBe('<= 0 undocumented (summary)');
  });

  it('refuses a missing entry point as bad input', async () => {
    fixture = createFixture();
    await expect(run({ gates: { docs: { entry: 'src/main.ts' } } })).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining('packages/a/src/main.ts does not exist') as unknown,
    });
  });
});

describe('secrets gate', () => {
  it('fails on a planted key in a tracked file, allows it in an allow-listed fixture, and passes once removed', async () => {
    fixture = createFixture({
      'packages/a/src/token.ts': `export const token = '${PLANTED_TOKEN}';\n`,
    });
    const failed = gate(await run({ gates: { secrets: {} } }), 'secrets');
    expect(failed.status).toBe('failed');
    expect(failed.evidence[0]).toMatchObject({
      file: 'packages/a/src/token.ts',
      line: 1,
      symbol: '@secretlint/secretlint-rule-github',
    });
    // Findings are masked: the evidence never repeats the credential.
    expect(JSON.stringify(failed)).not.toContain(PLANTED_TOKEN);

    fixture.write('allow.txt', '# test fixtures\npackages/a/src/token.ts\n');
    const allowed = gate(await run({ gates: { secrets: { allowList: 'allow.txt' } } }), 'secrets');
    expect(allowed.status).toBe('passed');
    expect(allowed.measured).toMatch(/\(1 allowed by the allow-list\)$/);

    // A tracked file deleted since, and a binary file, are passed over.
    fixture.write('gone.ts', `export const t = '${PLANTED_TOKEN}';\n`);
    fixture.write('blob.bin', `\0${PLANTED_TOKEN}`);
    fixture.git('add', '-A');
    rmSync(join(fixture.root, 'gone.ts'));
    fixture.write('packages/a/src/token.ts', 'export const token = process.env.TOKEN;\n');
    expect(gate(await run({ gates: { secrets: {} } }), 'secrets').status).toBe('passed');
  });

  it('refuses a missing allow-list and a directory that is not a git work tree', async () => {
    fixture = createFixture();
    await expect(run({ gates: { secrets: { allowList: 'nope.txt' } } })).rejects.toMatchObject({
      code: 8103,
    });
    fixture.remove();
    fixture = createFixture();
    fixture.write('.git/HEAD', 'garbage');
    await expect(run({ gates: { secrets: {} } })).rejects.toMatchObject({ code: 8103 });
  });
});

describe('coverage gate', () => {
  it('fails on a coverage drop, lists the least-covered files, and passes once covered', async () => {
    fixture = createFixture({
      'packages/a/coverage/coverage-summary.json': coverageSummary(80, '/r/src/weak.ts'),
    });
    const failed = gate(await run({ gates: { coverage: { threshold: 95 } } }), 'coverage');
    expect(failed.status).toBe('failed');
    expect(failed.value).toBe(80);
    expect(failed.evidence.map((e) => e.message)).toContain(
      '@fixture/a: branches 80% is below 95%',
    );
    expect(failed.evidence.at(-1)!.message).toBe('least covered: 80% lines');
    expect(failed.charts![0]!.bars).toEqual([{ label: '@fixture/a', value: 80, ok: false }]);

    fixture.write('packages/a/coverage/coverage-summary.json', coverageSummary(97));
    expect(gate(await run({ gates: { coverage: {} } }), 'coverage')).toMatchObject({
      status: 'passed',
      value: 97,
    });
  });

  it('runs the configured coverage command first and fails when it fails', async () => {
    fixture = createFixture({ 'packages/a/fail.mjs': 'process.exit(3);\n' });
    const result = gate(
      await run({ gates: { coverage: { command: 'node fail.mjs' } } }),
      'coverage',
    );
    expect(result.status).toBe('failed');
    expect(result.evidence[0]!.message).toBe('@fixture/a: `node fail.mjs` exited with 3');
  });

  it('treats "Unknown" (nothing to cover) as full coverage', async () => {
    const unknown = { total: 0, covered: 0, skipped: 0, pct: 'Unknown' };
    const entry = { lines: unknown, statements: unknown, functions: unknown, branches: unknown };
    fixture = createFixture({
      'packages/a/coverage/coverage-summary.json': JSON.stringify({ total: entry }),
    });
    expect(gate(await run({ gates: { coverage: {} } }), 'coverage')).toMatchObject({
      status: 'passed',
      value: 100,
    });
  });

  it.each([
    ['missing', undefined, /does not exist/],
    ['not JSON', '{ nope', /is not valid JSON/],
    ['no total', '{"x":{}}', /has no "total" entry/],
    [
      'a bad figure',
      '{"total":{"lines":{"pct":"x"}}}',
      /total\.lines\.pct is missing or not a number/,
    ],
    [
      'a file entry that is not an object',
      JSON.stringify({ ...(JSON.parse(coverageSummary(98)) as object), '/src/a.ts': 7 }),
      /\/src\/a\.ts\.lines\.pct is missing/,
    ],
  ])('refuses a %s summary with 8103 and writes no report', async (_label, text, message) => {
    fixture = createFixture();
    const path = 'packages/a/coverage/coverage-summary.json';
    if (text === undefined) rmSync(join(fixture.root, path));
    else fixture.write(path, text);
    const error: unknown = await run({ gates: { coverage: {} } }).catch((e: unknown) => e);
    expect(FoundationError.is(error)).toBe(true);
    expect((error as FoundationError).code).toBe(8103);
    expect((error as FoundationError).message).toMatch(message);
  });
});

describe('coverage gate: least-covered files', () => {
  it('names each file by the metric it is lowest in, lowest first', async () => {
    const figure = (pct: number) => ({ total: 100, covered: pct, skipped: 0, pct });
    const entry = (lines: number, branches: number) => ({
      lines: figure(lines),
      statements: figure(lines),
      functions: figure(100),
      branches: figure(branches),
    });
    fixture = createFixture({
      'packages/a/coverage/coverage-summary.json': JSON.stringify({
        total: entry(99, 96),
        '/r/src/a.ts': entry(99, 97),
        '/r/src/b.ts': entry(96, 100),
      }),
    });
    const result = gate(await run({ gates: { coverage: { leastCovered: 2 } } }), 'coverage');
    expect(result).toMatchObject({ status: 'passed', value: 96 });
    expect(result.measured).toBe('lowest 96% (branches in @fixture/a)');
    expect(result.evidence.map((e) => e.message)).toEqual([
      'least covered: 96% lines',
      'least covered: 97% branches',
    ]);
  });
});

describe('api gate', () => {
  it('fails on an API change without a changeset (showing the diff) and passes once a changeset names the package', async () => {
    fixture = createFixture({ 'quality.config.json': JSON.stringify({ gates: { api: {} } }) });
    const missing = gate(await run({ gates: { api: {} } }), 'api');
    expect(missing.status).toBe('failed');
    expect(missing.evidence[0]!.message).toMatch(/has no committed API report/);

    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: () => undefined, cwd: fixture.root };
    expect(await runCli(['api-report'], io)).toBe(0);
    expect(lines.join('')).toContain('wrote quality/api/a.api.md');
    // Wrapped so the repository's prettier leaves the generated report alone.
    const committed = readFileSync(join(fixture.root, 'quality/api/a.api.md'), 'utf8');
    expect(committed.startsWith('<!-- prettier-ignore-start -->\n')).toBe(true);
    expect(committed.endsWith('<!-- prettier-ignore-end -->\n')).toBe(true);
    expect(gate(await run({ gates: { api: {} } }), 'api')).toMatchObject({
      status: 'passed',
      value: 0,
    });

    fixture.write(
      'packages/a/dist/index.d.ts',
      '/** Adds two numbers. */\nexport declare function add(a: number, b: number, c?: number): number;\n',
    );
    const changed = gate(await run({ gates: { api: {} } }), 'api');
    expect(changed.status).toBe('failed');
    expect(changed.evidence[0]!.message).toBe(
      '@fixture/a: the public API changed and no changeset names the package',
    );
    expect(changed.evidence[0]!.excerpt).toContain(
      '+export function add(a: number, b: number, c?: number): number;',
    );

    fixture.write('.changeset/other.md', "---\n'@fixture/b': patch\n---\n\nOther.\n");
    expect(gate(await run({ gates: { api: {} } }), 'api').status).toBe('failed');
    fixture.write('.changeset/add-c.md', '---\n"@fixture/a": minor\n---\n\nadd takes c.\n');
    const covered = gate(await run({ gates: { api: {} } }), 'api');
    expect(covered.status).toBe('passed');
    expect(covered.evidence[0]!.message).toMatch(/covered by add-c\.md/);
  });

  it('refuses a package that has not been built', async () => {
    fixture = createFixture();
    await expect(run({ gates: { api: { entry: 'dist/missing.d.ts' } } })).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining('Build the package first') as unknown,
    });
  });
});

describe('dependencies gate', () => {
  const audit = (body: unknown) => `console.log(${JSON.stringify(JSON.stringify(body))});\n`;

  it('fails on an advisory at the threshold and passes below it (pnpm and npm formats)', async () => {
    fixture = createFixture({
      'audit.mjs': audit({
        advisories: {
          1: {
            module_name: 'lodash',
            severity: 'high',
            title: 'Prototype pollution',
            url: 'https://x/1',
          },
        },
      }),
      'npm-audit.mjs': audit({
        vulnerabilities: {
          minimist: { severity: 'moderate', via: [{ title: 'Prototype pollution' }] },
          other: { severity: 'low', via: ['minimist'] },
        },
      }),
    });
    const failed = gate(
      await run({ gates: { dependencies: { command: 'node audit.mjs' } } }),
      'dependencies',
    );
    expect(failed).toMatchObject({ status: 'failed', value: 1 });
    expect(failed.evidence[0]).toMatchObject({
      message: 'high: lodash: Prototype pollution',
      excerpt: 'https://x/1',
    });
    const passed = gate(
      await run({ gates: { dependencies: { command: 'node audit.mjs', severity: 'critical' } } }),
      'dependencies',
    );
    expect(passed.status).toBe('passed');
    const npm = gate(
      await run({
        gates: { dependencies: { command: 'node npm-audit.mjs', severity: 'moderate' } },
      }),
      'dependencies',
    );
    expect(npm.status).toBe('failed');
    expect(npm.evidence.map((e) => e.message)).toEqual([
      'moderate: minimist: Prototype pollution',
      'low: other: via minimist',
    ]);
  });

  it('is skipped with the reason when the registry does not answer', async () => {
    fixture = createFixture({
      'offline.mjs': 'console.log("ERR_PNPM_AUDIT_BAD_RESPONSE"); process.exit(1);\n',
    });
    const skipped = gate(
      await run({ gates: { dependencies: { command: 'node offline.mjs' } } }),
      'dependencies',
    );
    expect(skipped.status).toBe('skipped');
    expect(skipped.reason).toMatch(/gave no audit result/);
    const report = await run({ gates: { dependencies: { command: 'node offline.mjs' } } });
    expect(report.summary.skipped).toBe(1);
    expect(report.summary.passed).toBe(0);
  });

  it('refuses a tool that is not installed', async () => {
    fixture = createFixture();
    await expect(
      run({ gates: { dependencies: { command: 'no-such-audit-tool --json' } } }),
    ).rejects.toMatchObject({
      code: 8102,
    });
  });
});
