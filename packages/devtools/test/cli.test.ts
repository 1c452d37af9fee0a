import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@foundation/core';
import { afterAll, describe, expect, it } from 'vitest';
import { Progress, SPINNER_INTERVAL_MS, painter } from '../src/cli/io.js';
import { runCli } from '../src/cli/main.js';
import { captureIo, tempDir } from './helpers.js';

describe('foundation-dev (in process)', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);
  writeFileSync(join(dir, 'package.json'), '{"name":"fixture"}');
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, 'src/api.ts'),
    'export interface Store {\n  get(key: string): Promise<string>;\n  readonly size: number;\n}\n\nexport function helper(a: number): number {\n  return a;\n}\n',
  );

  it('shows help for the program and every command, exit 0', async () => {
    for (const argv of [
      ['--help'],
      ['check', '--help'],
      ['generate', '--help'],
      ['suggest', '--help'],
    ]) {
      const io = captureIo(dir);
      expect(await runCli(argv, io)).toBe(0);
      expect(io.out()).toContain('Usage: foundation-dev');
    }
  });

  it.each([
    [['generate', 'widget', 'Foo'], "unknown kind 'widget'"],
    [['generate', 'service', '1abc'], "'1abc' is not a valid TypeScript identifier"],
    [['generate', 'service'], 'name: is required'],
    [['generate', 'service', 'Foo', '--out', '../outside'], 'outside the working directory'],
    [['generate', 'impl', 'StoreImpl'], '--from: is required'],
    [['generate', 'impl', 'StoreImpl', '--from', 'src/api.ts'], 'must be <file.ts#InterfaceName>'],
    [['generate', 'impl', 'StoreImpl', '--from', 'src/missing.ts#Store'], 'cannot be read'],
    [
      ['generate', 'impl', 'StoreImpl', '--from', 'src/api.ts#Nope'],
      "declares no interface 'Nope'",
    ],
    [
      ['generate', 'impl', 'StoreImpl', '--from', 'src/api.ts#no-pe'],
      'not a valid TypeScript identifier',
    ],
    [['generate', 'docs'], '--from: is required'],
    [['check', '--only', 'deploy'], "unknown phase 'deploy'"],
    [['suggest', 'nowhere'], 'nowhere: does not exist'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['check', '--bogus'], "unknown option '--bogus'"],
  ])(
    'refuses %j with exit 2, a message naming the input, and nothing written',
    async (argv, message) => {
      const before = readdirSync(dir, { recursive: true }).sort();
      const io = captureIo(dir);
      expect(await runCli(argv, io)).toBe(2);
      expect(io.err()).toContain(message);
      expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
    },
  );

  it('generates a service, refuses to overwrite it, and overwrites with --force', async () => {
    const io = captureIo(dir);
    expect(await runCli(['generate', 'service', 'Payments', '--out', 'gen'], io)).toBe(0);
    expect(io.out()).toContain(`created ${join(dir, 'gen/payments.ts')}`);
    expect(existsSync(join(dir, 'gen/payments.test.ts'))).toBe(true);
    const again = captureIo(dir);
    expect(await runCli(['generate', 'service', 'Payments', '--out', 'gen'], again)).toBe(2);
    expect(again.err()).toContain('exists (pass --force to overwrite)');
    const forced = captureIo(dir);
    expect(
      await runCli(
        ['generate', 'service', 'Payments', '--out', 'gen', '--force', '--json'],
        forced,
      ),
    ).toBe(0);
    expect(JSON.parse(forced.out())).toMatchObject({
      kind: 'service',
      files: [{ action: 'overwritten' }, {}, {}],
    });
  });

  it('shows a dry run without writing', async () => {
    const io = captureIo(dir);
    expect(await runCli(['generate', 'contract', 'Ledger', '--out', 'dry', '--dry-run'], io)).toBe(
      0,
    );
    expect(io.out()).toContain('would create');
    expect(io.out()).toContain('export interface Ledger {');
    expect(existsSync(join(dir, 'dry'))).toBe(false);
  });

  it('generates impl, contract --from and tests --from', async () => {
    const io = captureIo(dir);
    expect(
      await runCli(
        ['generate', 'impl', 'MemoryStore', '--from', 'src/api.ts#Store', '--out', 'src'],
        io,
      ),
    ).toBe(0);
    expect(readFileSync(join(dir, 'src/memory-store.ts'), 'utf8')).toContain(
      'export class MemoryStore implements Store {',
    );
    expect(
      await runCli(['generate', 'contract', 'Store', '--from', 'src/api.ts', '--out', 'src'], io),
    ).toBe(0);
    expect(readFileSync(join(dir, 'src/store.contract.ts'), 'utf8')).toContain('StoreDescriptor');
    expect(
      await runCli(
        ['generate', 'contract', 'Anything', '--from', 'src/api.ts#Store', '--out', 'c2'],
        io,
      ),
    ).toBe(0);
    expect(existsSync(join(dir, 'c2/store.contract.ts'))).toBe(true);
    expect(await runCli(['generate', 'tests', '--from', 'src/api.ts', '--out', 'test'], io)).toBe(
      0,
    );
    expect(readFileSync(join(dir, 'test/api.test.ts'), 'utf8')).toContain('describe("helper"');
  });

  it('prints TSDoc skeletons, and inserts them with --write', async () => {
    const io = captureIo(dir);
    expect(await runCli(['generate', 'docs', '--from', 'src/api.ts'], io)).toBe(0);
    expect(io.out()).toContain('src/api.ts:6 helper');
    expect(io.out()).toContain('2 exports without TSDoc');
    const json = captureIo(dir);
    expect(await runCli(['generate', 'docs', '--from', 'src/api.ts', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({
      written: false,
      skeletons: [{ name: 'Store' }, { name: 'helper' }],
    });
    const write = captureIo(dir);
    expect(await runCli(['generate', 'docs', '--from', 'src/api.ts', '--write'], write)).toBe(0);
    expect(write.out()).toContain('skeletons inserted into src/api.ts');
    expect(readFileSync(join(dir, 'src/api.ts'), 'utf8')).toContain('@param a - (to be written)');
    const after = captureIo(dir);
    expect(await runCli(['generate', 'docs', '--from', 'src/api.ts'], after)).toBe(0);
    expect(after.out()).toContain('0 exports without TSDoc');
    writeFileSync(join(dir, 'src/one.ts'), 'export const ONE = 1;\n');
    const one = captureIo(dir);
    expect(
      await runCli(['generate', 'docs', '--from', 'src/one.ts', '--dry-run', '--write'], one),
    ).toBe(0);
    expect(one.out()).toContain('1 export without TSDoc\n');
    expect(readFileSync(join(dir, 'src/one.ts'), 'utf8')).toBe('export const ONE = 1;\n');
  });

  it('suggests with exit 1 when there are findings, 0 when there are none, and --json', async () => {
    writeFileSync(join(dir, 'bad.ts'), "export function f(): void {\n  throw 'x';\n}\n");
    const io = captureIo(dir);
    expect(await runCli(['suggest', 'bad.ts'], io)).toBe(1);
    expect(io.out()).toContain('bad.ts:2:3 error throw-non-error');
    expect(io.out()).toContain('1 finding');
    const json = captureIo(dir);
    expect(await runCli(['suggest', 'bad.ts', '--json'], json)).toBe(1);
    expect(JSON.parse(json.out()).findings).toHaveLength(1);
    writeFileSync(join(dir, 'fine.ts'), 'export const x = 1;\n');
    const fine = captureIo(dir);
    expect(await runCli(['suggest', 'fine.ts'], fine)).toBe(0);
    expect(fine.out()).toContain('0 findings');
  }, 180_000);

  it('checks a project: skipped phases are not passes, the summary has a table and a total', async () => {
    const io = captureIo(dir);
    expect(await runCli(['check'], io)).toBe(0);
    expect(io.out()).toContain('skipped format');
    expect(io.out()).toMatch(/phase\s+status\s+time\s+note/);
    expect(io.out()).toContain('check passed in');
    const json = captureIo(dir);
    expect(await runCli(['check', '--json', '--only', 'format,test'], json)).toBe(0);
    expect(JSON.parse(json.out()).phases.map((p: { id: string }) => p.id)).toEqual([
      'format',
      'test',
    ]);
  });

  it('fails a check whose phase fails, showing the first lines', async () => {
    const project = join(dir, 'failing');
    mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'failing',
        scripts: { smoke: 'node -e "console.log(\'smoke broke\');process.exit(1)"' },
      }),
    );
    writeFileSync(join(project, 'package-lock.json'), '{}');
    const io = captureIo(dir);
    expect(await runCli(['check', '--root', 'failing', '--no-bail'], io)).toBe(1);
    expect(io.out()).toContain('FAILED  smoke');
    expect(io.out()).toContain('smoke failed:');
    expect(io.out()).toContain('smoke broke');
    expect(io.out()).toContain('check failed');
  });
});

describe('terminal output', () => {
  it('colours only on a TTY and never with NO_COLOR', () => {
    const tty = captureIo('/', { isTTY: true });
    expect(painter(tty)('red', 'x')).not.toBe('x');
    expect(painter(captureIo('/', { isTTY: true, env: { NO_COLOR: '1' } }))('red', 'x')).toBe('x');
    expect(painter(captureIo('/'))('red', 'x')).toBe('x');
  });

  it('animates a spinner with the time so far on a TTY, from the clock; stop cancels and clears it', () => {
    const clock = new ManualClock();
    const tty = captureIo('/', { isTTY: true });
    const spinner = new Progress(tty, clock);
    spinner.start('lint');
    expect(tty.out()).toBe('\r\x1b[2K⠋ lint 0.0 s');
    clock.advance(SPINNER_INTERVAL_MS * 2);
    expect(tty.out()).toBe('\r\x1b[2K⠋ lint 0.0 s\r\x1b[2K⠙ lint 0.1 s\r\x1b[2K⠹ lint 0.2 s');
    spinner.start('test');
    expect(tty.out().endsWith('\r\x1b[2K\r\x1b[2K⠋ test 0.0 s')).toBe(true);
    spinner.stop();
    spinner.stop();
    const shown = tty.out();
    expect(shown.endsWith('⠋ test 0.0 s\r\x1b[2K')).toBe(true);
    clock.advance(10_000);
    expect(tty.out()).toBe(shown);
  });

  it('writes one plain line per phase, and no escape codes, when not on a TTY', () => {
    const clock = new ManualClock();
    const plain = captureIo('/');
    const progress = new Progress(plain, clock);
    progress.start('lint');
    clock.advance(1_000);
    progress.stop();
    expect(plain.out()).toBe('▸ lint …\n');
  });

  it('shows phases in colour on a TTY and plainly with NO_COLOR', async () => {
    const { dir, remove } = tempDir();
    try {
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'tty', scripts: { smoke: 'node -e ""' } }),
      );
      writeFileSync(join(dir, 'package-lock.json'), '{}');
      const tty = captureIo(dir, { isTTY: true });
      expect(await runCli(['check', '--only', 'smoke,test'], tty)).toBe(0);
      expect(tty.out()).toContain('smoke tests (the `smoke` scripts)');
      expect(tty.out()).toContain('\x1b[32mpassed \x1b[39m smoke');
      expect(tty.out()).toContain('\x1b[33mskipped\x1b[39m test');
      const noColor = captureIo(dir, { isTTY: true, env: { NO_COLOR: '1' } });
      expect(await runCli(['check', '--only', 'smoke'], noColor)).toBe(0);
      expect(noColor.out()).not.toContain('\x1b[3');
      expect(noColor.out()).toContain('passed  smoke');
    } finally {
      remove();
    }
  });
});
