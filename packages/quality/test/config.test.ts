import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import {
  CONFIG_FILE_NAMES,
  defineQualityConfig,
  loadQualityConfig,
  runGates,
  runLevels,
} from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'foundation-quality-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<FoundationError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!FoundationError.is(error))
    throw new Error(`expected a FoundationError, got ${String(error)}`);
  return error;
}

describe('loadQualityConfig', () => {
  it('loads a TypeScript config with type-only imports and fills in the defaults', async () => {
    writeFileSync(
      join(dir, 'quality.config.ts'),
      "import type { QualityConfig } from '@foundation/quality';\nconst threshold: number = 90;\nexport default { gates: { coverage: { threshold } } } satisfies QualityConfig;\n",
    );
    const loaded = await loadQualityConfig(undefined, dir);
    expect(loaded.file).toBe(join(dir, 'quality.config.ts'));
    expect(loaded.rootDir).toBe(dir);
    expect(loaded.config.packages).toEqual(['packages/*']);
    expect(loaded.config.gates.coverage).toEqual({
      threshold: 90,
      metrics: ['lines', 'branches', 'functions', 'statements'],
      summaryFile: 'coverage/coverage-summary.json',
      leastCovered: 5,
    });
    // The transpiled copy is removed again.
    expect(readdirSync(dir)).toEqual(['quality.config.ts']);
  });

  it('loads JSON and ES module configs, with rootDir relative to the file', async () => {
    writeFileSync(join(dir, 'q.json'), JSON.stringify({ rootDir: 'sub', gates: { types: {} } }));
    const json = await loadQualityConfig('q.json', dir);
    expect(json.rootDir).toBe(join(dir, 'sub'));
    expect(json.config.gates.types).toEqual({ maxErrors: 0 });
    writeFileSync(
      join(dir, 'quality.config.mjs'),
      'export default { levels: [{ name: "unit", command: "node -v" }] };\n',
    );
    expect((await loadQualityConfig(undefined, dir)).config.levels).toEqual([
      { name: 'unit', command: 'node -v' },
    ]);
    expect(CONFIG_FILE_NAMES[0]).toBe('quality.config.ts');
  });

  it('refuses a missing config, naming what to do', async () => {
    const none = await refusal(loadQualityConfig(undefined, dir));
    expect(none.code).toBe(8101);
    expect(none.message).toMatch(/no quality config in .* \(looked for quality\.config\.ts/);
    const missing = await refusal(loadQualityConfig('nope.json', dir));
    expect(missing.message).toMatch(/nope\.json does not exist\. Create it/);
  });

  it.each([
    ['malformed JSON', 'q.json', '{ "gates": ', /q\.json is not valid JSON/],
    [
      'a module that throws',
      'q.mjs',
      'throw new Error("boom");\n',
      /q\.mjs failed to load \(boom\)/,
    ],
    [
      'a module without a default export',
      'q.mjs',
      'export const x = 1;\n',
      /q\.mjs has no default export/,
    ],
  ])('refuses %s', async (_label, file, text, message) => {
    writeFileSync(join(dir, file), text);
    const error = await refusal(loadQualityConfig(file, dir));
    expect(error.code).toBe(8101);
    expect(error.message).toMatch(message);
  });

  it('names every problem with its path', async () => {
    writeFileSync(
      join(dir, 'q.json'),
      JSON.stringify({
        packages: [],
        gates: {
          coverage: { threshold: 140, metrics: ['lines', 'speed'] },
          lint: { maxErrors: -1 },
          bogus: {},
        },
        levels: [{ name: 'Unit Tests', command: '' }],
      }),
    );
    const error = await refusal(loadQualityConfig('q.json', dir));
    const problems = (error.context as { problems: { path: string; rule: string }[] }).problems.map(
      (p) => p.path,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'packages',
        'gates.coverage.threshold',
        'gates.coverage.metrics.1',
        'gates.lint.maxErrors',
        'gates',
        'levels.0.name',
        'levels.0.command',
      ]),
    );
    expect(error.message).toMatch(/^q\.json is invalid: .*gates\.coverage\.threshold: /);
  });

  it('refuses duplicate level names and a performance gate without a command', async () => {
    writeFileSync(
      join(dir, 'q.json'),
      JSON.stringify({
        levels: [
          { name: 'a', command: 'x' },
          { name: 'a', command: 'y' },
        ],
      }),
    );
    expect((await refusal(loadQualityConfig('q.json', dir))).message).toMatch(
      /levels: level names must be unique/,
    );
    writeFileSync(join(dir, 'q.json'), JSON.stringify({ gates: { performance: {} } }));
    expect((await refusal(loadQualityConfig('q.json', dir))).message).toMatch(
      /gates\.performance\.command/,
    );
  });

  it('refuses prototype-polluting keys anywhere', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      writeFileSync(
        join(dir, 'q.json'),
        `{ "gates": { "coverage": { "${key}": { "polluted": true } } } }`,
      );
      const error = await refusal(loadQualityConfig('q.json', dir));
      expect(error.message).toContain(`gates.coverage.${key}: forbidden key`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws anything but a FoundationError for arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const outcome = await runGates(value as never, { rootDir: dir, only: [] }).catch(
          (e: unknown) => e,
        );
        if (outcome instanceof Error) expect(FoundationError.is(outcome)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('runGates and runLevels input checks', () => {
  it('refuses --only naming a gate that is not configured', async () => {
    const error = await refusal(
      runGates({ gates: { types: {} } }, { rootDir: dir, only: ['lint'] }),
    );
    expect(error.code).toBe(8101);
    expect(error.message).toMatch(/'lint', which is not a configured gate \(configured: types\)/);
  });

  it('refuses two gates with one name', async () => {
    const gate = {
      name: 'types',
      run: () =>
        Promise.resolve({ status: 'passed' as const, threshold: '', measured: '', evidence: [] }),
    };
    expect(
      (await refusal(runGates({ gates: { types: {} } }, { rootDir: dir, gates: [gate] }))).message,
    ).toMatch(/two gates are named 'types'/);
  });

  it('refuses levels when none are declared or --only names an unknown one', async () => {
    expect((await refusal(runLevels(defineQualityConfig({}), { rootDir: dir }))).message).toMatch(
      /declares no levels/,
    );
    const config = { levels: [{ name: 'unit', command: 'node -v' }] };
    expect((await refusal(runLevels(config, { rootDir: dir, only: ['chaos'] }))).message).toMatch(
      /level 'chaos', which is not configured \(configured: unit\)/,
    );
  });
});
