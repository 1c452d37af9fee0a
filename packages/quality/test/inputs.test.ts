// The shared pieces the gates build on: reading a JSON input (missing, unreadable, not JSON),
// capping evidence, and saying why an audit gave no result.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FoundationError } from '@foundation/errors';
import { auditFailure } from '../src/gates/dependencies.js';
import { capEvidence, noPackagesOutcome } from '../src/gates/outcome.js';
import { parseJsonInput, readJsonInput } from '../src/json-input.js';
import { packageName } from '../src/packages.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'foundation-quality-inputs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function thrown(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    if (FoundationError.is(error)) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('JSON inputs', () => {
  it('reads a file and names the shown path and what to do when it cannot', () => {
    writeFileSync(join(dir, 'ok.json'), '{"a":[1]}');
    expect(readJsonInput(join(dir, 'ok.json'), 'ok.json', 'Fix it')).toEqual({ a: [1] });

    const missing = thrown(() => readJsonInput(join(dir, 'none.json'), 'x/none.json', 'Make it'));
    expect(missing).toMatchObject({
      code: 8103,
      context: { file: 'x/none.json', todo: 'Make it' },
    });
    expect(missing.message).toBe('x/none.json does not exist. Make it');

    mkdirSync(join(dir, 'folder.json'));
    const unreadable = thrown(() => readJsonInput(join(dir, 'folder.json'), 'folder.json', 'Fix'));
    expect(unreadable.message).toBe('folder.json cannot be read (EISDIR). Fix');

    writeFileSync(join(dir, 'bad.json'), '{ "a": ');
    const bad = thrown(() => readJsonInput(join(dir, 'bad.json'), 'bad.json', 'Regenerate it'));
    expect(bad.message).toBe('bad.json is not valid JSON. Regenerate it');
    expect(bad.cause).toBeInstanceOf(SyntaxError);
  });

  it('parses any JSON text back to its value and refuses any text JSON does not accept', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(parseJsonInput(JSON.stringify(value), 'v.json', 'x')).toEqual(
          JSON.parse(JSON.stringify(value)),
        );
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (valid) return;
        expect(thrown(() => parseJsonInput(text, 't.json', 'x')).code).toBe(8103);
      }),
    );
  });

  it('a manifest that is not an object gives the directory name; a missing one is bad input', () => {
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg/package.json'), '[1, 2]');
    expect(packageName(join(dir, 'pkg'))).toBe('pkg');
    writeFileSync(join(dir, 'pkg/package.json'), '{"name": 7}');
    expect(packageName(join(dir, 'pkg'))).toBe('pkg');
    expect(thrown(() => packageName(join(dir, 'absent'))).message).toMatch(
      /absent\/package\.json does not exist\. Fix the package manifest/,
    );
  });
});

describe('evidence and outcomes', () => {
  it('caps evidence with a last line counting what was left out', () => {
    const evidence = Array.from({ length: 7 }, (_, i) => ({ message: `finding ${i}` }));
    expect(capEvidence(evidence, 7)).toEqual(evidence);
    const capped = capEvidence(evidence, 3);
    expect(capped.map((e) => e.message)).toEqual([
      'finding 0',
      'finding 1',
      'finding 2',
      '... 4 more not listed (the count covers them)',
    ]);
    expect(evidence).toHaveLength(7);
  });

  it('a gate over no packages is skipped with the reason, never passed', () => {
    expect(noPackagesOutcome('>= 95%')).toEqual({
      status: 'skipped',
      threshold: '>= 95%',
      measured: 'no packages',
      reason: 'the packages patterns select no package',
      evidence: [],
    });
  });
});

describe('why an audit gave no result', () => {
  it.each([
    [
      '{"error":{"code":"ECONNREFUSED","message":"connect ECONNREFUSED 127.0.0.1:9"}}',
      '',
      'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9',
    ],
    ['{"error":{"message":"registry said no"}}', '', 'registry said no'],
    ['{"error":{"code":"E1"}}', 'npm error last words\n', 'npm error last words'],
    ['not json\nsecond line', '', 'second line'],
    ['', '', 'no output'],
    ['null', '', 'null'],
  ])('%j / %j -> %j', (stdout, stderr, expected) => {
    expect(auditFailure({ stdout, stderr })).toBe(expected);
  });
});
