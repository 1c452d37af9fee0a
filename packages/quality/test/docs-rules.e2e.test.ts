// The docs gate's finer rules, on one fixture package: which throws need @throws, which
// parameters need @param, and an entry point that exports nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { runGates } from '../src/index.js';
import { createFixture, type Fixture } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(() => {
  fixture?.remove();
  fixture = undefined;
});

const ERRORS = [
  'export class FoundationError extends Error {}',
  'export function fail(why: string): FoundationError { return new FoundationError(why); }',
  '',
].join('\n');

describe('docs gate rules', () => {
  it('asks @throws only for the body itself and @param only for named parameters', async () => {
    fixture = createFixture({
      'packages/a/src/fail.ts': ERRORS,
      'packages/a/src/index.ts': [
        "import { fail } from './fail.js';",
        '/** Returns a thrower: the throw is in the nested function, not in this body.',
        ' * @returns a function that throws',
        ' */',
        'export function thrower(): () => never {',
        '  return () => {',
        "    throw fail('later');",
        '  };',
        '}',
        '/** Checks, then goes on after the throw.',
        ' * @param n - a number',
        ' * @returns n',
        ' */',
        'export function checked(n: number): number {',
        "  if (n < 0) throw fail('negative');",
        '  const twice = n * 2;',
        '  return twice / 2;',
        '}',
        '/** Reads options: a destructured parameter has no name to document.',
        ' * @returns the sum',
        ' */',
        'export function sum({ a, b }: { a: number; b: number }): number {',
        '  return a + b;',
        '}',
        '/** A method-style function with a typed this.',
        ' * @param by - the step',
        ' * @returns the next count',
        ' */',
        'export function next(this: { count: number }, by: number): number {',
        '  return this.count + by;',
        '}',
        '',
      ].join('\n'),
    });
    const report = await runGates({ gates: { docs: {} } }, { rootDir: fixture.root });
    const docs = report.gates[0]!;
    expect(docs.evidence.map((e) => e.message)).toEqual([
      '@fixture/a: checked throws a FoundationError but has no @throws',
    ]);
    expect(docs).toMatchObject({ status: 'failed', value: 1 });
    expect(docs.evidence[0]).toMatchObject({ file: 'packages/a/src/index.ts', line: 14 });
  });

  it('an entry point that is a script (no exports) has nothing to document', async () => {
    fixture = createFixture({ 'packages/a/src/index.ts': 'console.log("hello");\n' });
    const report = await runGates({ gates: { docs: {} } }, { rootDir: fixture.root });
    expect(report.gates[0]).toMatchObject({
      status: 'passed',
      value: 0,
      measured: '0 undocumented in 1 entry points',
    });
  });
});
