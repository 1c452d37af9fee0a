import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runLevels, USAGE, QUALITY_CHANNELS, type LevelResult } from '../src/index.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { coverageSummary, createFixture, type Fixture } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(() => {
  fixture?.remove();
  fixture = undefined;
});

async function cli(args: string[], cwd: string, isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd,
    isTTY,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('foundation-quality gates', () => {
  it('exits 1 with the reports written when a gate fails, and 0 once it passes', async () => {
    fixture = createFixture({
      'quality.config.json': JSON.stringify({ gates: { coverage: {}, secrets: {} } }),
      'packages/a/coverage/coverage-summary.json': coverageSummary(90),
    });
    const failed = await cli(
      ['gates', '--report', 'console,json,md,html', '--out', 'reports'],
      fixture.root,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[1/2] secrets ...');
    expect(failed.stderr).toMatch(/\[2\/2\] coverage failed \(\d+ ms\)/);
    expect(failed.stdout).toMatch(/coverage\s+FAIL\s+lowest 90%/);
    for (const file of ['quality-report.json', 'quality-report.md', 'quality-report.html']) {
      expect(existsSync(join(fixture.root, 'reports', file))).toBe(true);
    }
    const json = JSON.parse(
      readFileSync(join(fixture.root, 'reports/quality-report.json'), 'utf8'),
    ) as { verdict: string };
    expect(json.verdict).toBe('failed');

    fixture.write('packages/a/coverage/coverage-summary.json', coverageSummary(99));
    const passed = await cli(['gates', '--only', 'coverage'], fixture.root, true);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('\u001b[32mPASS\u001b[0m');
    expect(existsSync(join(fixture.root, 'quality-report'))).toBe(false);
  });

  it('exits 2 with a FoundationError and writes no report for bad input', async () => {
    fixture = createFixture({
      'quality.config.json': JSON.stringify({
        gates: { coverage: { summaryFile: 'missing.json' } },
      }),
    });
    const result = await cli(['gates', '--report', 'json', '--out', 'reports'], fixture.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^foundation-quality: quality_input_unreadable \(8103\): packages\/a\/missing\.json does not exist\./m,
    );
    expect(existsSync(join(fixture.root, 'reports'))).toBe(false);
  });

  it.each([
    [['gates', '--report', 'pdf'], /--report: unknown format 'pdf'/],
    [['gates', '--nope'], /bad arguments: Unknown option '--nope'/],
    [['deploy'], /unknown command 'deploy'/],
    [['gates', 'extra'], /unexpected arguments: extra/],
    [['gates', '--config', 'absent.json'], /absent\.json does not exist/],
    [['api-report'], /gates\.api is not configured/],
  ])('refuses %j with exit 2', async (args, message) => {
    fixture = createFixture({ 'quality.config.json': '{}' });
    const result = await cli(args, fixture.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('prints the usage for --help (exit 0) and without a command (exit 2)', async () => {
    fixture = createFixture();
    expect(await cli(['--help'], fixture.root)).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect((await cli([], fixture.root)).code).toBe(2);
  });
});

describe('foundation-quality levels', () => {
  const levels = [
    { name: 'unit', command: 'node pass.mjs', description: 'unit tests' },
    { name: 'integration', command: 'node fail.mjs' },
    { name: 'chaos', command: 'node pass.mjs', cwd: 'sub' },
  ];
  const files = {
    'pass.mjs': 'console.log("ok");\n',
    'sub/pass.mjs': 'console.log("sub ok");\n',
    'fail.mjs': 'console.error("integration broke"); process.exit(4);\n',
    'quality.config.json': JSON.stringify({ levels }),
  };

  it('runs every level in order, reports a failing one and still runs the rest', async () => {
    fixture = createFixture(files);
    const result = await cli(['levels'], fixture.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/unit\s+PASS/);
    expect(result.stdout).toMatch(/integration\s+FAIL/);
    expect(result.stdout).toMatch(/chaos\s+PASS/);
    expect(result.stdout).toContain('integration failed (exit 4):\n  integration broke');
    expect(result.stderr).toContain('[3/3] chaos passed');
  });

  it('stops at the first failure with --bail and runs only the chosen levels with --only', async () => {
    fixture = createFixture(files);
    const seen: string[] = [];
    const listener = (message: unknown) =>
      seen.push((message as { result: LevelResult }).result.status);
    subscribe(QUALITY_CHANNELS.levelFinished, listener);
    try {
      const report = await runLevels({ levels }, { rootDir: fixture.root, bail: true });
      expect(report.levels.map((l) => [l.name, l.status, l.exitCode])).toEqual([
        ['unit', 'passed', 0],
        ['integration', 'failed', 4],
        ['chaos', 'skipped', null],
      ]);
      expect(report.levels[0]!.description).toBe('unit tests');
    } finally {
      unsubscribe(QUALITY_CHANNELS.levelFinished, listener);
    }
    expect(seen).toEqual(['passed', 'failed', 'skipped']);
    const only = await cli(['levels', '--only', 'unit,chaos'], fixture.root);
    expect(only.code).toBe(0);
    expect(only.stdout).not.toContain('integration');
  });
});
