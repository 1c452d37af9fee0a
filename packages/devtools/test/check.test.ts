import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import { afterAll, describe, expect, it } from 'vitest';
import { changedSinceMergeBase } from '../src/check/changed.js';
import { planPhases, type PlannedPhase } from '../src/check/phases.js';
import { expandWorkspaces, readProject, workspaceGlobs } from '../src/check/project.js';
import { runCommand, type CommandRunner } from '../src/check/run-command.js';
import { firstLines, parseOnly, runCheck } from '../src/check/run-check.js';
import { tempDir } from './helpers.js';

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const BIN = '#!/bin/sh\nexit 0\n';

describe('planning phases', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('skips every phase a bare project lacks, with the reason', () => {
    const bare = join(dir, 'bare');
    write(bare, { 'package.json': '{"name":"bare"}' });
    const phases = planPhases(readProject(bare));
    expect(phases.map((p) => [p.id, p.skipReason])).toEqual([
      ['format', 'no prettier configuration'],
      ['lint', 'no eslint.config.* file'],
      ['typecheck', 'no tsconfig.json'],
      ['smoke', 'no package has a `smoke` script'],
      ['test', 'no test:unit script and no vitest config'],
    ]);
  });

  it('says when a configured tool is not installed', () => {
    const noTools = join(dir, 'no-tools');
    write(noTools, {
      'package.json': '{"name":"x","prettier":{}}',
      'eslint.config.js': '',
      'tsconfig.json': '{}',
      'vitest.config.ts': '',
    });
    expect(planPhases(readProject(noTools)).map((p) => p.skipReason)).toEqual([
      'prettier is not installed',
      'eslint is not installed',
      'typescript is not installed',
      'no package has a `smoke` script',
      'vitest is not installed',
    ]);
  });

  it('plans every phase of a pnpm workspace: one tsc per project, smoke scripts, test:unit', () => {
    const ws = join(dir, 'ws');
    write(ws, {
      'package.json': JSON.stringify({
        name: 'ws',
        scripts: { 'test:unit': 'vitest run', smoke: 'node smoke.js' },
      }),
      'pnpm-workspace.yaml':
        "packages:\n  - 'packages/*'\n  - apps/web\n  - '!packages/skip'\nallowBuilds:\n  esbuild: true\n",
      '.prettierrc.json': '{}',
      'eslint.config.mjs': '',
      'tsconfig.json': '{}',
      'packages/a/package.json': '{"name":"a"}',
      'packages/a/tsconfig.json': '{}',
      'packages/b/package.json': '{"name":"b","scripts":{"smoke":"node s.js"}}',
      'packages/skip/package.json': '{"name":"skip"}',
      'packages/not-a-package/readme.md': '',
      'apps/web/package.json': '{"name":"web"}',
      'node_modules/.bin/prettier': BIN,
      'node_modules/.bin/eslint': BIN,
      'node_modules/.bin/tsc': BIN,
    });
    const project = readProject(ws);
    expect(project.packageManager).toBe('pnpm');
    expect(project.workspaces.map((w) => w.slice(ws.length + 1))).toEqual([
      'apps/web',
      'packages/a',
      'packages/b',
    ]);
    const phases = planPhases(project);
    expect(phases.every((p) => p.skipReason === undefined)).toBe(true);
    const typecheck = phases.find((p) => p.id === 'typecheck')!;
    expect(typecheck.commands.map((c) => c.args)).toEqual([
      ['--noEmit', '-p', 'tsconfig.json'],
      ['--noEmit', '-p', 'packages/a/tsconfig.json'],
    ]);
    expect(
      phases.find((p) => p.id === 'smoke')!.commands.map((c) => c.cwd.slice(ws.length)),
    ).toEqual(['', '/packages/b']);
    expect(phases.find((p) => p.id === 'test')!.commands[0]!.args).toEqual(['run', 'test:unit']);
  });

  it('limits lint to changed files and runs the vitest test:unit script with --changed', () => {
    const ws = join(dir, 'ws');
    write(ws, { 'src/a.ts': '', 'vitest.config.ts': '', 'node_modules/.bin/vitest': BIN });
    const phases = planPhases(readProject(ws), {
      changed: { files: ['src/a.ts', 'README.md', 'gone.ts'], mergeBase: 'abc' },
    });
    expect(phases.find((p) => p.id === 'lint')!.commands[0]!.args).toEqual([
      '--max-warnings=0',
      '--no-warn-ignored',
      'src/a.ts',
    ]);
    const test = phases.find((p) => p.id === 'test')!;
    expect(test.commands.map((c) => [c.command.slice(ws.length), c.args])).toEqual([
      ['/node_modules/.bin/vitest', ['run', '--changed', 'abc']],
    ]);
    expect(test.note).toBe('--changed: vitest ran the tests related to files changed since abc');
    const none = planPhases(readProject(ws), {
      changed: { files: ['README.md'], mergeBase: 'abc' },
    });
    expect(none.find((p) => p.id === 'lint')!.skipReason).toBe('no changed files to lint');
  });

  it('runs vitest itself when there is no test:unit script but a vitest config', () => {
    const plain = join(dir, 'plain');
    write(plain, {
      'package.json': '{"name":"plain"}',
      'vitest.config.mts': '',
      'node_modules/.bin/vitest': BIN,
    });
    const test = planPhases(readProject(plain)).find((p) => p.id === 'test')!;
    expect(test.commands).toEqual([
      { command: join(plain, 'node_modules/.bin/vitest'), args: ['run'], cwd: plain },
    ]);
    expect(test.note).toBeUndefined();
  });

  it('runs vitest with --changed when there is no test:unit script', () => {
    const npm = join(dir, 'npm');
    write(npm, {
      'package.json': JSON.stringify({ name: 'npm', workspaces: ['libs/*'] }),
      'vitest.config.ts': '',
      'node_modules/.bin/vitest': BIN,
      'libs/one/package.json': '{}',
    });
    const project = readProject(npm);
    expect(project.packageManager).toBe('npm');
    expect(project.workspaces).toHaveLength(1);
    const test = planPhases(project, { changed: { files: [], mergeBase: 'abc123' } }).find(
      (p) => p.id === 'test',
    )!;
    expect(test.commands[0]!.args).toEqual(['run', '--changed', 'abc123']);
    expect(test.note).toContain('changed since abc123');
  });

  it('reads workspace globs defensively', () => {
    expect(workspaceGlobs(join(dir, 'missing'), undefined)).toEqual([]);
    expect(workspaceGlobs(join(dir, 'missing'), { workspaces: ['a', 1] })).toEqual(['a']);
    expect(expandWorkspaces(dir, ['nowhere/*', 'nothing-here'])).toEqual([]);
    write(dir, {
      'odd/package.json': '[1]',
      'bad/package.json': '{',
      'null/package.json': 'null',
    });
    expect(readProject(join(dir, 'null')).scripts).toEqual({});
    expect(readProject(join(dir, 'odd')).scripts).toEqual({});
    expect(readProject(join(dir, 'bad')).scripts).toEqual({});
  });
});

describe('running phases', () => {
  const phase = (id: PlannedPhase['id'], commands = 1): PlannedPhase => ({
    id,
    title: id,
    commands: Array.from({ length: commands }, (_, i) => ({
      command: `/bin/${id}`,
      args: [String(i)],
      cwd: '/',
    })),
  });

  it('times each phase, fails fast and reports the rest as not run', async () => {
    const clock = new ManualClock();
    const runner: CommandRunner = async (command) => {
      await clock.advanceAsync(command.command === '/bin/typecheck' ? 31_000 : 1_000);
      return command.command === '/bin/lint'
        ? { exitCode: 1, output: 'src/a.ts\n  1:1 error no-unused-vars\n\n' }
        : { exitCode: 0, output: '' };
    };
    const ends: string[] = [];
    const report = await runCheck(
      [
        phase('format'),
        phase('lint'),
        phase('typecheck'),
        { ...phase('smoke'), commands: [], skipReason: 'no smoke' },
      ],
      {
        runner,
        clock,
        onPhaseEnd: (r) => ends.push(r.id),
      },
    );
    expect(report.ok).toBe(false);
    expect(report.phases.map((p) => [p.id, p.status, p.durationMs])).toEqual([
      ['format', 'passed', 1_000],
      ['lint', 'failed', 1_000],
      ['typecheck', 'skipped', 0],
      ['smoke', 'skipped', 0],
    ]);
    expect(report.phases[1]!.failure).toBe('$ lint 0\nsrc/a.ts\n  1:1 error no-unused-vars');
    expect(report.phases[2]!.reason).toContain('an earlier phase failed');
    expect(report.phases[3]!.reason).toBe('no smoke');
    expect(ends).toEqual(['format', 'lint', 'typecheck', 'smoke']);
    expect(report.totalMs).toBe(2_000);
  });

  it('runs every phase with bail off, reports budgets, and runs only the phases asked for', async () => {
    const clock = new ManualClock();
    const runner: CommandRunner = async (command) => {
      await clock.advanceAsync(command.command === '/bin/typecheck' ? 31_000 : 10);
      return { exitCode: command.command === '/bin/format' ? 2 : 0, output: 'x' };
    };
    const report = await runCheck([phase('format'), phase('typecheck', 3), phase('smoke')], {
      runner,
      clock,
      bail: false,
      concurrency: 3,
    });
    expect(report.phases.map((p) => p.status)).toEqual(['failed', 'passed', 'passed']);
    expect(report.phases[1]).toMatchObject({ budgetMs: 30_000, overBudget: true });
    expect(report.phases[2]).toMatchObject({ budgetMs: 60_000, overBudget: false });
    const only = await runCheck([phase('format'), phase('smoke')], {
      runner,
      clock,
      only: ['smoke'],
    });
    expect(only.phases.map((p) => p.id)).toEqual(['smoke']);
    expect(only.ok).toBe(true);
  });

  it('keeps the note of a phase and cuts long failures', async () => {
    const output = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const report = await runCheck([{ ...phase('test'), note: 'a note' }], {
      runner: () => Promise.resolve({ exitCode: 1, output }),
    });
    expect(report.phases[0]!.reason).toBe('a note');
    expect(report.phases[0]!.failure!.split('\n')).toHaveLength(14);
    expect(firstLines({ command: 'x', args: [], cwd: '/' }, 'a\nb', 1)).toBe(
      '$ x\na\n… 1 more lines',
    );
  });

  it('parses --only and refuses unknown phases', () => {
    expect(parseOnly('lint, test')).toEqual(['lint', 'test']);
    const error = (() => {
      try {
        parseOnly('lint,deploy');
      } catch (e) {
        return e as FoundationError;
      }
      return undefined;
    })();
    expect(error?.message).toContain("--only: unknown phase 'deploy'");
    expect(() => parseOnly(' , ')).toThrow('--only: names no phase');
  });

  it('runs real commands, capturing output and exit codes, and reports one that cannot start', async () => {
    const ok = await runCommand({
      command: process.execPath,
      args: ['-e', 'console.log("out"); console.error("err")'],
      cwd: process.cwd(),
    });
    expect(ok.exitCode).toBe(0);
    expect(ok.output).toContain('out');
    expect(ok.output).toContain('err');
    const failing = await runCommand({
      command: process.execPath,
      args: ['-e', 'process.exitCode = 3'],
      cwd: process.cwd(),
    });
    expect(failing.exitCode).toBe(3);
    const missing = await runCommand({
      command: '/nonexistent/tool',
      args: [],
      cwd: process.cwd(),
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.output).toContain('ENOENT');
  });
});

describe('runCommand', () => {
  it("sets the command's variables on top of the environment, with colours off", async () => {
    const result = await runCommand({
      command: process.execPath,
      args: [
        '-e',
        'console.log([process.env.FOO, process.env.NO_COLOR, process.env.FORCE_COLOR].join(","))',
      ],
      cwd: process.cwd(),
      env: { FOO: 'bar', NO_COLOR: '' },
    });
    expect(result).toEqual({ exitCode: 0, output: 'bar,1,0\n' });
  });

  it('keeps at most 200 000 characters of output', async () => {
    const result = await runCommand({
      command: process.execPath,
      args: ['-e', 'for (let i = 0; i < 40; i++) process.stdout.write("x".repeat(10000))'],
      cwd: process.cwd(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.output.length).toBeGreaterThanOrEqual(200_000);
    expect(result.output.length).toBeLessThan(400_000);
  });

  it('reports a command killed by a signal as exit code 1', async () => {
    const result = await runCommand({
      command: process.execPath,
      args: ['-e', 'process.kill(process.pid, "SIGTERM")'],
      cwd: process.cwd(),
    });
    expect(result.exitCode).toBe(1);
  });

  it('kills the command when the signal aborts, reporting exit code 1', async () => {
    const controller = new AbortController();
    const running = runCommand(
      {
        command: process.execPath,
        args: ['-e', 'console.log("started"); setInterval(() => {}, 1000)'],
        cwd: process.cwd(),
      },
      controller.signal,
    );
    controller.abort();
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('aborted');
  });
});

describe('--changed', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('finds the merge base with main and the files changed since, untracked included', () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    write(dir, { 'a.ts': 'a' });
    git('add', 'a.ts');
    git('commit', '-q', '-m', 'a');
    git('checkout', '-q', '-b', 'feature');
    write(dir, { 'b.ts': 'b', 'a.ts': 'changed' });
    write(dir, { 'app/src/c.ts': 'c' });
    const { mergeBase, files } = changedSinceMergeBase(dir);
    expect(mergeBase).toMatch(/^[0-9a-f]{40}$/);
    expect(files.sort()).toEqual(['a.ts', 'app/src/c.ts', 'b.ts']);
    // A project in a folder of the checkout sees its own files, relative to itself.
    expect(changedSinceMergeBase(join(dir, 'app')).files).toEqual(['src/c.ts']);
  });

  it('refuses a folder that is not a git checkout', () => {
    const { dir: plain, remove: removePlain } = tempDir();
    try {
      expect(() => changedSinceMergeBase(plain)).toThrow('--changed: needs a git checkout');
    } finally {
      removePlain();
    }
  });
});
