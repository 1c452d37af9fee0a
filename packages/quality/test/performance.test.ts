import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordBaseline, runCli, runGates, type QualityConfig } from '../src/index.js';
import { createFixture, type Fixture } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(() => {
  fixture?.remove();
  fixture = undefined;
});

// A benchmark command that writes bench-kit's JSON: `slow` takes 3x the reference, times the
// factor in slow-factor.txt, with +-2% deterministic noise per round.
const BENCH = `
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const rounds = Number(process.env.FOUNDATION_BENCH_ROUNDS);
const factor = Number(readFileSync('slow-factor.txt', 'utf8'));
const cases = readFileSync('cases.txt', 'utf8').trim().split(',');
let seed = Number(readFileSync('seed.txt', 'utf8'));
const noise = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return 1 + (seed / 2147483648 - 0.5) * 0.04; };
const samples = (ns) => Array.from({ length: rounds }, () => ns * noise());
writeFileSync(join(process.env.FOUNDATION_BENCH_JSON, 'suite.json'), JSON.stringify({
  suite: 'fixture', reference: 'ref',
  cases: [{ name: 'ref', samplesNs: samples(100) }, ...cases.map((name) => ({ name, samplesNs: samples(name === 'slow' ? 300 * factor : 200) }))],
}));
`;

const config: QualityConfig = {
  gates: {
    performance: { command: 'node bench.mjs', baseline: 'quality/baseline.json', rounds: 12 },
  },
};

function setFactor(factor: number, seed: number): void {
  fixture!.write('slow-factor.txt', String(factor));
  fixture!.write('seed.txt', String(seed));
}

describe('performance gate', () => {
  it('catches a planted 10% regression with its interval, passes noise, and refuses another benchmark set', async () => {
    fixture = createFixture({ 'bench.mjs': BENCH, 'cases.txt': 'slow,steady' });
    setFactor(1, 11);
    const { baseline, file } = await recordBaseline(config, { rootDir: fixture.root });
    expect(file).toBe(join(fixture.root, 'quality/baseline.json'));
    expect(baseline.suites[0]!.cases.map((c) => [c.name, c.ratios.length])).toEqual([
      ['slow', 12],
      ['steady', 12],
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(baseline);

    setFactor(1, 99);
    const noise = (await runGates(config, { rootDir: fixture.root })).gates[0]!;
    expect(noise.status).toBe('passed');
    expect(noise.charts![0]!.bars).toHaveLength(2);

    setFactor(1.1, 5);
    const slow = (await runGates(config, { rootDir: fixture.root })).gates[0]!;
    expect(slow.status).toBe('failed');
    expect(slow.value).toBe(1);
    expect(slow.evidence[0]!.message).toMatch(
      /^REGRESSION fixture \/ slow: \+\d+\.\d% \(95% interval \+\d+\.\d% \.\. \+\d+\.\d%\)$/,
    );
    const bar = slow.charts![0]!.bars.find((b) => b.label === 'fixture / slow')!;
    expect(bar.ok).toBe(false);
    expect(bar.value).toBeGreaterThan(5);
    expect(bar.low!).toBeGreaterThan(0);

    fixture.write('cases.txt', 'slow,renamed');
    await expect(runGates(config, { rootDir: fixture.root })).rejects.toMatchObject({
      code: 8104,
      message: expect.stringContaining(
        "suite 'fixture' had cases slow, steady; now slow, renamed",
      ) as unknown,
    });
  });

  it('refuses a missing or malformed baseline and a command that writes no results', async () => {
    fixture = createFixture({
      'bench.mjs': BENCH,
      'cases.txt': 'slow',
      'quiet.mjs': 'console.log("no json");\n',
    });
    setFactor(1, 1);
    await expect(runGates(config, { rootDir: fixture.root })).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining('does not exist') as unknown,
    });
    fixture.write('quality/baseline.json', '{"schema":"other"}');
    await expect(runGates(config, { rootDir: fixture.root })).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining('not a foundation-quality baseline') as unknown,
    });
    fixture.write('quality/baseline.json', '{');
    await expect(runGates(config, { rootDir: fixture.root })).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining('not valid JSON') as unknown,
    });
    const quiet = { gates: { performance: { command: 'node quiet.mjs' } } };
    await expect(recordBaseline(quiet, { rootDir: fixture.root })).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining('wrote no benchmark results') as unknown,
    });
    await expect(recordBaseline({}, { rootDir: fixture.root })).rejects.toMatchObject({
      code: 8101,
    });
  });

  it('refuses malformed bench results, naming the path', async () => {
    fixture = createFixture({
      'bad.mjs': `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.FOUNDATION_BENCH_JSON + '/x.json', JSON.stringify({ suite: 's', reference: 'r', cases: [{ name: 'r', samplesNs: [1] }] }));\n`,
    });
    await expect(
      recordBaseline(
        { gates: { performance: { command: 'node bad.mjs' } } },
        { rootDir: fixture.root },
      ),
    ).rejects.toMatchObject({
      code: 8103,
      message: expect.stringContaining(
        'x.json: cases.0.samplesNs must hold at least 2 positive numbers',
      ) as unknown,
    });
  });

  it('is driven by the CLI baseline command', async () => {
    fixture = createFixture({
      'bench.mjs': BENCH,
      'cases.txt': 'slow',
      'quality.config.json': JSON.stringify(config),
    });
    setFactor(1, 3);
    const out: string[] = [];
    const code = await runCli(['baseline'], {
      stdout: (t) => out.push(t),
      stderr: () => undefined,
      cwd: fixture.root,
    });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(
      /baseline written to .*quality\/baseline\.json: 1 suites, 1 cases/,
    );
  });
});
