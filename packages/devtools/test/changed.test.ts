import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { changedPackages, planChangedTests } from '../src/check/changed-tests.js';
import { planPhases } from '../src/check/phases.js';
import { readProject } from '../src/check/project.js';
import { runCommand } from '../src/check/run-command.js';
import { parsePlainCall } from '../src/check/script.js';
import { runCli } from '../src/cli/main.js';
import { captureIo, tempDir } from './helpers.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = '#!/bin/sh\nexit 0\n';

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

function manifest(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name, version: '0.0.0', ...extra });
}

describe('reading a script as one plain tool call', () => {
  it('takes the variables, the tool and its arguments apart', () => {
    expect(parsePlainCall('TURBO_TELEMETRY_DISABLED=1 turbo run test --concurrency=4')).toEqual({
      env: { TURBO_TELEMETRY_DISABLED: '1' },
      tool: 'turbo',
      args: ['run', 'test', '--concurrency=4'],
    });
    expect(parsePlainCall('  vitest  ')).toEqual({ env: {}, tool: 'vitest', args: [] });
    expect(parsePlainCall('A= B=2 vitest run')).toEqual({
      env: { A: '', B: '2' },
      tool: 'vitest',
      args: ['run'],
    });
  });

  it('refuses scripts that need a shell, and scripts with no tool', () => {
    for (const script of [
      'pnpm -r test && echo done',
      'vitest run | tee log',
      'vitest run "src/a b.ts"',
      'turbo run test --filter=./packages/*',
      'vitest run $ARGS',
      'CI=1',
      '',
    ]) {
      expect(parsePlainCall(script), script).toBeUndefined();
    }
  });

  it('keeps a variable named __proto__ an own property, polluting nothing', () => {
    const call = parsePlainCall('__proto__=x constructor=y vitest run')!;
    expect(Object.keys(call.env)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(call.env)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('property: a script of plain words reads back as the words it was made of', () => {
    const word = fc.stringMatching(/^[a-z0-9][a-z0-9=:./@-]{0,8}$/);
    const variable = fc.tuple(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/), word);
    fc.assert(
      fc.property(
        fc.uniqueArray(variable, { selector: ([name]) => name, maxLength: 3 }),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
        fc.array(word, { maxLength: 5 }),
        (env, tool, args) => {
          const script = [...env.map(([n, v]) => `${n}=${v}`), tool, ...args].join(' ');
          expect(parsePlainCall(script)).toEqual({ env: Object.fromEntries(env), tool, args });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('--changed on the test phase', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  // a <- b <- app (app depends on b, b on a); c stands alone.
  const mono = join(dir, 'mono');
  write(mono, {
    'package.json': JSON.stringify({
      name: 'mono',
      scripts: { 'test:unit': 'TURBO_TELEMETRY_DISABLED=1 turbo run test --concurrency=2' },
    }),
    'pnpm-workspace.yaml':
      "packages:\n  - 'packages/*'\n  - apps/app\n  - 'packages/a/plugins/*'\n",
    'packages/a/plugins/p/package.json': manifest('a-plugin'),
    'node_modules/.bin/turbo': BIN,
    'node_modules/.bin/vitest': BIN,
    'packages/a/package.json': manifest('a'),
    'packages/b/package.json': manifest('b', { dependencies: { a: 'workspace:*' } }),
    'packages/c/package.json': manifest('c', { devDependencies: { left: '1.0.0' } }),
    'packages/nameless/package.json': '{}',
    'apps/app/package.json': manifest('app', { devDependencies: { b: 'workspace:*' } }),
  });
  const project = readProject(mono);
  const TURBO_SCRIPT = project.scripts['test:unit']!;
  const changed = (...files: string[]) => ({ mergeBase: '0123456789abcdef0123', files });

  it('selects the packages holding changed files and, transitively, their dependents', () => {
    expect(changedPackages(project, ['packages/a/src/x.ts'])).toEqual({
      names: ['a', 'app', 'b'],
    });
    expect(changedPackages(project, ['packages/c/index.ts', 'docs/guide.md', 'README.md'])).toEqual(
      { names: ['c'] },
    );
    // A package inside another's folder owns its own files.
    expect(changedPackages(project, ['packages/a/plugins/p/index.ts'])).toEqual({
      names: ['a-plugin'],
    });
    expect(changedPackages(project, ['packages/ab/x.ts'])).toEqual({
      names: [],
      outside: 'packages/ab/x.ts',
    });
    expect(changedPackages(project, ['packages/nameless/x.ts', 'tsconfig.base.json'])).toEqual({
      names: [],
      outside: 'packages/nameless/x.ts',
    });
  });

  it('runs turbo directly with a --filter per selected package, the script variables kept', () => {
    const test = planPhases(project, { changed: changed('packages/b/src/y.ts') }).find(
      (p) => p.id === 'test',
    )!;
    expect(test.skipReason).toBeUndefined();
    expect(test.commands).toEqual([
      {
        command: join(mono, 'node_modules/.bin/turbo'),
        args: ['run', 'test', '--concurrency=2', '--filter=app', '--filter=b'],
        cwd: mono,
        env: { TURBO_TELEMETRY_DISABLED: '1' },
      },
    ]);
    expect(test.note).toBe(
      '--changed: tests of the changed packages and their dependents (app, b)',
    );
  });

  it('puts the filters before the arguments turbo passes on to the tasks', () => {
    const plan = planChangedTests(
      project,
      'turbo run test -- --reporter=dot',
      changed('packages/c/a.ts'),
    );
    expect('commands' in plan && plan.commands[0]!.args).toEqual([
      'run',
      'test',
      '--filter=c',
      '--',
      '--reporter=dot',
    ]);
  });

  it('skips the tests when no package changed', () => {
    expect(planChangedTests(project, TURBO_SCRIPT, changed('README.md'))).toEqual({
      skipReason: 'no package changed since the merge base',
    });
  });

  it('runs a vitest script with --changed <merge base>, adding `run` when the script has none', () => {
    const plan = (script: string) => planChangedTests(project, script, changed('src/a.ts'));
    expect(plan('CI=1 vitest run --coverage')).toMatchObject({
      commands: [
        {
          command: join(mono, 'node_modules/.bin/vitest'),
          args: ['run', '--coverage', '--changed', '0123456789abcdef0123'],
          env: { CI: '1' },
        },
      ],
      note: '--changed: vitest ran the tests related to files changed since 0123456789ab',
    });
    expect(plan('vitest --reporter=dot')).toMatchObject({
      commands: [{ args: ['run', '--reporter=dot', '--changed', '0123456789abcdef0123'] }],
    });
  });

  it('runs every test, and says why, when the script cannot be narrowed', () => {
    const cases: [string, string][] = [
      ['pnpm -r test && echo ok', 'the test:unit script is not one plain command'],
      ['jest --ci', 'jest is not installed in the project'],
      ['turbo run test --filter=a', 'the test:unit script already selects packages'],
      ['turbo run test -F a', 'the test:unit script already selects packages'],
      ['vitest watch', "the test:unit script runs 'vitest watch'"],
      ['vitest related src/a.ts', "the test:unit script runs 'vitest related'"],
      ['vitest run --changed main', 'the test:unit script already narrows the tests'],
    ];
    for (const [script, why] of cases) {
      expect(planChangedTests(project, script, changed('packages/a/x.ts')), script).toEqual({
        commands: [{ command: 'pnpm', args: ['run', 'test:unit'], cwd: mono }],
        note: `--changed does not apply: ${why}; all tests ran`,
      });
    }
    write(mono, { 'node_modules/.bin/jest': BIN });
    expect(planChangedTests(project, 'jest --ci', changed('x.ts'))).toMatchObject({
      note: '--changed does not apply: the test:unit script runs jest, which cannot narrow tests; all tests ran',
    });
    expect(planChangedTests(project, TURBO_SCRIPT, changed('pnpm-lock.yaml'))).toMatchObject({
      note: '--changed does not apply: pnpm-lock.yaml is outside every package and may affect them all; all tests ran',
    });
  });

  it("lints a changed file this repository's ESLint config ignores without failing on it", async () => {
    const repo = readProject(REPO);
    const lint = planPhases(repo, {
      changed: changed('tooling/vitest-config/index.d.ts', 'README.md'),
    }).find((p) => p.id === 'lint')!;
    expect(lint.commands[0]!.args).toEqual([
      '--max-warnings=0',
      '--no-warn-ignored',
      'tooling/vitest-config/index.d.ts',
    ]);
    const result = await runCommand(lint.commands[0]!);
    expect(result.output).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it("narrows this repository's own test:unit (turbo) to devtools and what depends on it", () => {
    const repo = readProject(REPO);
    const plan = planChangedTests(
      repo,
      repo.scripts['test:unit']!,
      changed('packages/devtools/src/cli/main.ts'),
    );
    expect(plan).toMatchObject({ commands: [{ env: { TURBO_TELEMETRY_DISABLED: '1' } }] });
    const args = 'commands' in plan ? plan.commands[0]!.args : [];
    expect(args.slice(0, 2)).toEqual(['run', 'test']);
    expect(args).toContain('--filter=@foundation/devtools');
    expect(args).toContain('--filter=@foundation/playground');
    expect(args).not.toContain('--filter=@foundation/core');
  });
});

const require = createRequire(import.meta.url);
const TURBO = (() => {
  try {
    return require.resolve('turbo/bin/turbo', { paths: [REPO] });
  } catch {
    return undefined;
  }
})();

describe.runIf(TURBO !== undefined)('--changed with the real turbo in a git checkout', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('runs the tests of the changed package and its dependents only', async () => {
    // Each package's test leaves a mark, so what ran is what is on disk.
    const mark = `node -e "require('fs').writeFileSync('ran', '')"`;
    write(dir, {
      'package.json': JSON.stringify({
        name: 'mono',
        private: true,
        packageManager: 'pnpm@10.34.9',
        scripts: { 'test:unit': 'TURBO_TELEMETRY_DISABLED=1 turbo run test' },
      }),
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'pnpm-lock.yaml': '',
      'turbo.json': JSON.stringify({ tasks: { test: { cache: false } } }),
      '.gitignore': 'node_modules\n.turbo\nran\n',
      'packages/a/package.json': manifest('a', { scripts: { test: mark } }),
      'packages/b/package.json': manifest('b', {
        scripts: { test: mark },
        dependencies: { a: 'workspace:*' },
      }),
      'packages/c/package.json': manifest('c', { scripts: { test: mark } }),
      'node_modules/.bin/turbo': `#!/bin/sh\nexec "${process.execPath}" "${TURBO!}" "$@"\n`,
    });
    chmodSync(join(dir, 'node_modules/.bin/turbo'), 0o755);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'init');
    git('checkout', '-q', '-b', 'feature');
    write(dir, { 'packages/a/index.ts': 'export const a = 1;\n' });

    const io = captureIo(dir);
    const code = await runCli(['check', '--changed', '--only', 'test', '--json'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out()) as { phases: { status: string; reason: string }[] };
    expect(report.phases[0]).toMatchObject({
      status: 'passed',
      reason: '--changed: tests of the changed packages and their dependents (a, b)',
    });
    expect(['a', 'b', 'c'].map((p) => existsSync(join(dir, 'packages', p, 'ran')))).toEqual([
      true,
      true,
      false,
    ]);
  });
});
