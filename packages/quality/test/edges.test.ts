// The less travelled paths: gates with nothing to measure, broken tools and inputs, and
// renderers given minimal reports.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  renderConsole,
  renderHtml,
  renderLevelsConsole,
  recordBaseline,
  renderMarkdown,
  runCli,
  runGates,
  runLevels,
  type QualityReport,
} from '../src/index.js';
import { compareWithBaseline } from '../src/gates/performance.js';
import { toBaseline } from '../src/bench-results.js';
import { createFixture, type Fixture } from './fixture.js';
import { SAMPLE_REPORT } from './sample-report.js';

let fixture: Fixture | undefined;
afterEach(() => {
  fixture?.remove();
  fixture = undefined;
});

describe('gates with nothing to measure are skipped, never passed', () => {
  it.each(['coverage', 'lint', 'docs', 'api'])('%s', async (name) => {
    fixture = createFixture();
    const report = await runGates({
      rootDir: fixture.root,
      packages: ['none/*'],
      gates: { [name]: {} },
    });
    expect(report.gates[0]).toMatchObject({
      name,
      status: 'skipped',
      reason: expect.any(String) as unknown,
    });
    expect(report.verdict).toBe('passed');
    expect(report.summary.passed).toBe(0);
  });
});

describe('broken tools and inputs', () => {
  it('refuses a project ESLint without an ESLint class, and a TypeScript that fails to load', async () => {
    fixture = createFixture({
      'node_modules/eslint/package.json': JSON.stringify({ name: 'eslint', main: 'index.js' }),
      'node_modules/eslint/index.js': 'module.exports = {};\n',
      'node_modules/typescript/package.json': JSON.stringify({
        name: 'typescript',
        main: 'index.js',
      }),
      'node_modules/typescript/index.js': 'throw new Error("broken install");\n',
    });
    await expect(
      runGates({ gates: { lint: {} } }, { rootDir: fixture.root }),
    ).rejects.toMatchObject({
      code: 8102,
      message:
        "the installed 'eslint' has no ESLint class. Install ESLint 9 or later: pnpm add -D eslint",
    });
    await expect(
      runGates({ gates: { types: {} } }, { rootDir: fixture.root }),
    ).rejects.toMatchObject({
      code: 8102,
      message: expect.stringContaining("the gate needs 'typescript'") as unknown,
    });
  });

  it('refuses a TypeScript without the JavaScript compiler API (TypeScript 7 is native)', async () => {
    fixture = createFixture({
      'node_modules/typescript/package.json': JSON.stringify({
        name: 'typescript',
        version: '7.0.2',
        main: 'index.js',
      }),
      'node_modules/typescript/index.js': 'module.exports = { version: "7.0.2" };\n',
    });
    for (const gates of [{ types: {} }, { docs: {} }]) {
      await expect(runGates({ gates }, { rootDir: fixture.root })).rejects.toMatchObject({
        code: 8102,
        message:
          "the installed 'typescript' (7.0.2) has no compiler API. Install TypeScript 5 or 6: pnpm add -D typescript@5",
      });
    }
  });

  it('reports a command that cannot be started as a crashed gate', async () => {
    fixture = createFixture({ 'notes.txt': 'not a program' });
    await expect(
      runGates({ gates: { dependencies: { command: './notes.txt' } } }, { rootDir: fixture.root }),
    ).rejects.toMatchObject({ code: 8105 });
  });

  it('refuses a config path that is a directory, and resolves rootDir from the config', async () => {
    fixture = createFixture();
    mkdirSync(join(fixture.root, 'dir.json'));
    const result = await runCli(['gates', '--config', 'dir.json'], {
      stdout: () => undefined,
      stderr: () => undefined,
      cwd: fixture.root,
    });
    expect(result).toBe(2);
    const report = await runGates({ rootDir: fixture.root, gates: {} });
    expect(report.rootDir).toBe(fixture.root);
    expect(report.gates).toEqual([]);
    await expect(runGates({ rootDir: fixture.root }, { only: ['types'] })).rejects.toThrow(
      '(configured: none)',
    );
  });

  it('writes a raw failure as an unexpected error with exit 2', async () => {
    fixture = createFixture({
      'quality.config.json': '{"gates":{}}',
      taken: 'a file where the report directory should go',
    });
    const errors: string[] = [];
    const code = await runCli(['gates', '--report', 'json', '--out', 'taken'], {
      stdout: () => undefined,
      stderr: (t) => errors.push(t),
      cwd: fixture.root,
    });
    expect(code).toBe(2);
    expect(errors.join('')).toMatch(/foundation-quality: unexpected error: .*EEXIST|ENOTDIR/);
  });

  it('records a baseline in the config rootDir', async () => {
    fixture = createFixture({
      'bench.mjs': `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.FOUNDATION_BENCH_JSON + '/s.json', JSON.stringify({ suite: 's', reference: 'r', cases: [{ name: 'r', samplesNs: [1, 1, 1] }, { name: 'c', samplesNs: [2, 2, 2] }] }));\n`,
    });
    const { file } = await recordBaseline({
      rootDir: fixture.root,
      gates: { performance: { command: 'node bench.mjs', rounds: 3 } },
    });
    expect(file).toBe(join(fixture.root, 'quality/baseline.json'));
  });

  it('runs levels from the config rootDir', async () => {
    fixture = createFixture({ 'ok.mjs': '' });
    const report = await runLevels({
      rootDir: fixture.root,
      levels: [{ name: 'unit', command: 'node ok.mjs' }],
    });
    expect(report.levels[0]!.status).toBe('passed');
  });
});

describe('baseline mismatches', () => {
  const result = (suite: string, reference: string) => ({
    suite,
    reference,
    cases: [
      { name: reference, samplesNs: [1, 1] },
      { name: 'c', samplesNs: [2, 2] },
    ],
  });
  const options = { maxRegression: 0.05, confidence: 0.95 };

  it('names the difference: suite count, missing suite, reference', () => {
    const baseline = toBaseline([result('s', 'r')], 'then');
    expect(() =>
      compareWithBaseline(baseline, [result('s', 'r'), result('t', 'r')], options),
    ).toThrow('it has 1 suites, the run has 2');
    expect(() => compareWithBaseline(baseline, [result('t', 'r')], options)).toThrow(
      "suite 't' is not in it",
    );
    expect(() => compareWithBaseline(baseline, [result('s', 'q')], options)).toThrow(
      "suite 's' used reference 'r', now 'q'",
    );
    expect(compareWithBaseline(baseline, [result('s', 'r')], options)).toEqual([
      { suite: 's', name: 'c', delta: 0, low: 0, high: 0, regression: false },
    ]);
  });
});

describe('renderers on minimal reports', () => {
  const minimal: QualityReport = {
    ...SAMPLE_REPORT,
    verdict: 'passed',
    summary: { passed: 0, failed: 0, skipped: 1 },
    gates: [
      {
        name: 'x',
        status: 'skipped',
        threshold: 't',
        measured: 'm',
        durationMs: 1,
        evidence: [{ message: 'e', excerpt: 'plain text' }],
      },
    ],
  };

  it('falls back to the status when a gate gives no reason, and leaves charts out when there are none', () => {
    expect(renderConsole(minimal)).toContain('\nx: skipped\n');
    const md = renderMarkdown(minimal);
    expect(md.startsWith('## Quality gates: ✅ passed')).toBe(true);
    expect(md).toContain('<details><summary>x: skipped</summary>');
    expect(md).toContain('```\nplain text\n```');
    expect(renderHtml(minimal)).not.toContain('<section class="charts">');
    expect(renderLevelsConsole({ verdict: 'passed', durationMs: 0, levels: [] })).toContain(
      'PASSED: 0 passed',
    );
  });
});
