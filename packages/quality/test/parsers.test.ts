// The pure parsers behind the gates: allow-list patterns, changeset frontmatter, audit output,
// bench results and package discovery, with their hostile-input cases.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseBenchResult,
  readBaseline,
  readBenchResults,
  toBaseline,
} from '../src/bench-results.js';
import { parseChangesetPackages, pendingChangesets } from '../src/changesets.js';
import { parseAudit } from '../src/gates/dependencies.js';
import { globToRegExp, parsePatternList } from '../src/glob.js';
import { packageName, resolvePackageDirs } from '../src/packages.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'foundation-quality-parsers-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('allow-list patterns', () => {
  it.each([
    ['test/fixtures/**', 'test/fixtures/a/b.ts', true],
    ['test/fixtures/', 'test/fixtures/a.ts', true],
    ['**/fixtures/*.ts', 'packages/x/test/fixtures/key.ts', true],
    ['**/fixtures/*.ts', 'packages/x/test/fixtures/deep/key.ts', false],
    ['*.pem', 'deep/dir/key.pem', true],
    ['key?.txt', 'key1.txt', true],
    ['key?.txt', 'key12.txt', false],
    ['a.b', 'axb', false],
    ['src/(x)+.ts', 'src/(x)+.ts', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });

  it('skips blank lines and comments, and any literal path matches itself', () => {
    expect(parsePatternList('# fixtures\n\n  a/b.ts  \n#c\n').map(String)).toEqual([
      String(globToRegExp('a/b.ts')),
    ]);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9._()+$^[\]{}|\\-]+(\/[a-z0-9._()+$^-]+)*$/),
        (path) => {
          expect(globToRegExp(path).test(path)).toBe(true);
        },
      ),
    );
  });
});

describe('changeset frontmatter', () => {
  it('reads quoted and bare package names with their bump', () => {
    const text =
      "---\n'@foundation/a': minor\n\"@foundation/b\": patch\nplain: major\nbad line\n---\n\nText: 'x': minor\n";
    expect(parseChangesetPackages(text)).toEqual(['@foundation/a', '@foundation/b', 'plain']);
    expect(parseChangesetPackages('no frontmatter')).toEqual([]);
    expect(parseChangesetPackages('---\r\n"@x/y": minor\r\n---\r\n')).toEqual(['@x/y']);
  });

  it('lists the pending changesets, without README.md, sorted', () => {
    expect(pendingChangesets(join(dir, 'missing'))).toEqual([]);
    writeFileSync(join(dir, 'README.md'), "---\n'@x/readme': minor\n---\n");
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'b.md'), "---\n'@x/b': minor\n---\n");
    writeFileSync(join(dir, 'a.md'), "---\n'@x/a': patch\n---\n");
    expect(pendingChangesets(dir)).toEqual([
      { file: 'a.md', packages: ['@x/a'] },
      { file: 'b.md', packages: ['@x/b'] },
    ]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => Array.isArray(parseChangesetPackages(text))));
  });
});

describe('audit output', () => {
  it('reads advisories, falling back to info for unknown severities', () => {
    expect(
      parseAudit(
        JSON.stringify({ advisories: { 1: { module_name: 'm', severity: 'weird', title: 't' } } }),
      ),
    ).toEqual([{ module: 'm', severity: 'info', title: 't' }]);
    expect(
      parseAudit(JSON.stringify({ vulnerabilities: { v: { severity: 'low', via: 'nope' } } })),
    ).toEqual([{ module: 'v', severity: 'low', title: 'via ' }]);
    expect(parseAudit(JSON.stringify({ advisories: {}, metadata: {} }))).toEqual([]);
  });

  it('returns undefined for anything that is not an audit result', () => {
    for (const text of [
      'not json',
      'null',
      '42',
      '{"error":{"code":"ENOTFOUND"}}',
      '{"other":1}',
    ]) {
      expect(parseAudit(text)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseAudit(JSON.stringify(value));
        expect(result === undefined || Array.isArray(result)).toBe(true);
      }),
    );
  });
});

describe('bench results and baselines', () => {
  const good = {
    suite: 's',
    reference: 'r',
    cases: [
      { name: 'r', samplesNs: [1, 2] },
      { name: 'c', samplesNs: [2, 6] },
    ],
  };

  it('turns results into per-round ratios to the reference', () => {
    const result = parseBenchResult(good, 'f.json');
    expect(toBaseline([result], 'now')).toEqual({
      schema: 'foundation-quality-baseline',
      version: 1,
      createdAt: 'now',
      suites: [{ suite: 's', reference: 'r', cases: [{ name: 'c', ratios: [2, 3] }] }],
    });
  });

  it.each([
    [null, '(root) must be an object'],
    [{ ...good, suite: 1 }, 'suite must be a string'],
    [{ ...good, reference: 1 }, 'reference must be a string'],
    [{ ...good, cases: {} }, 'cases must be an array'],
    [{ ...good, cases: [null] }, 'cases.0.name must be a string'],
    [
      { ...good, cases: [{ name: 'r', samplesNs: [1, -2] }] },
      'cases.0.samplesNs must hold at least 2 positive numbers',
    ],
    [{ ...good, reference: 'x' }, "reference names no case of the suite ('x')"],
    [
      {
        ...good,
        cases: [
          { name: 'r', samplesNs: [1, 2] },
          { name: 'c', samplesNs: [1, 2, 3] },
        ],
      },
      'cases must all have one sample per round',
    ],
  ])('refuses %j', (value, rule) => {
    expect(() => parseBenchResult(value, 'f.json')).toThrow(`f.json: ${rule}`);
  });

  it('reads a results directory and refuses a file that is not JSON', () => {
    expect(readBenchResults(join(dir, 'missing'))).toEqual([]);
    writeFileSync(join(dir, 'a.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(readBenchResults(dir).map((r) => r.suite)).toEqual(['s']);
    writeFileSync(join(dir, 'b.json'), '{');
    expect(() => readBenchResults(dir)).toThrow('b.json is not valid JSON');
  });

  it.each([
    [{ schema: 'foundation-quality-baseline', version: 2, suites: [] }],
    [{ schema: 'foundation-quality-baseline', version: 1, suites: [null] }],
    [
      {
        schema: 'foundation-quality-baseline',
        version: 1,
        suites: [{ suite: 's', reference: 'r', cases: [{ name: 'c', ratios: [1] }] }],
      },
    ],
    [[]],
  ])('refuses the baseline %j', (value) => {
    const file = join(dir, 'baseline.json');
    writeFileSync(file, JSON.stringify(value));
    expect(() => readBaseline(file, 'baseline.json')).toThrow(
      'is not a foundation-quality baseline',
    );
  });
});

describe('package discovery', () => {
  it('finds children with a package.json and named directories, sorted and unique', () => {
    for (const name of ['b', 'a', 'no-manifest'])
      mkdirSync(join(dir, 'packages', name), { recursive: true });
    writeFileSync(join(dir, 'packages/a/package.json'), '{"name":"@x/a"}');
    writeFileSync(join(dir, 'packages/b/package.json'), '{}');
    writeFileSync(join(dir, 'packages/file.txt'), '');
    mkdirSync(join(dir, 'apps/web'), { recursive: true });
    writeFileSync(join(dir, 'apps/web/package.json'), '{"name":"web"}');
    const dirs = resolvePackageDirs(dir, [
      'packages/*',
      'apps/web',
      'packages/a',
      'nowhere/*',
      'apps/none',
    ]);
    expect(dirs).toEqual([join(dir, 'apps/web'), join(dir, 'packages/a'), join(dir, 'packages/b')]);
    expect(dirs.map(packageName)).toEqual(['web', '@x/a', 'b']);
    writeFileSync(join(dir, 'packages/b/package.json'), '{');
    expect(() => packageName(join(dir, 'packages/b'))).toThrow('is not valid JSON');
  });
});
