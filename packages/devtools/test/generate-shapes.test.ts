import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeInterface } from '../src/generate/contract.js';
import { docSkeletons } from '../src/generate/docs.js';
import { generateImpl } from '../src/generate/impl.js';
import { generateTests } from '../src/generate/tests.js';
import { parseSourceFile, parseSourceText } from '../src/source.js';
import { fixtureDir, tempDir, typecheck } from './helpers.js';

const fixture = fixtureDir();
afterAll(fixture.remove);

const STUB =
  'export function notImplemented(member: string): Error {\n  return new Error(member);\n}\n';

const REMOTE = `/** Members from another module. */
export interface Remote<T> {
  /** A key that is not an identifier. */
  'my-key': T;
  /** Iterates. */
  [Symbol.iterator](): Iterator<T>;
  readonly [Symbol.toStringTag]: string;
  fetch(id: string): Promise<T>;
  shared: number;
}
`;

const WIDGET = `import type { Remote } from './remote.js';

interface Local {
  local(): void;
}

/** A widget. */
export interface Widget<T> extends Remote<T>, Local {
  /** How many, read only. */
  get size(): number;
  get label(): string;
  set label(value: string);
  set secret(value: string);
  /** Declared here as well as in Remote: this declaration wins. */
  shared: number;
  bound(this: Widget<T>, x: number): void;
  pick({ a, b }: { a: number; b: string }): number;
  later(): PromiseLike<number>;
}
`;

function implOf(dir: string): { content: string; diagnostics: string[] } {
  const source = parseSourceFile('widget.ts', dir);
  const { path, content } = generateImpl({
    source,
    interfaceName: 'Widget',
    outDir: join(dir, 'impl'),
    devtoolsModule: '../stub.js',
  });
  const diagnostics = typecheck(dir, {
    'remote.ts': REMOTE,
    'widget.ts': WIDGET,
    'stub.ts': STUB,
    [`impl/${path}`]: content,
  });
  return { content, diagnostics };
}

describe(
  'generate impl on accessors, symbol keys and inherited members',
  { timeout: 180_000 },
  () => {
    it('implements accessors as properties and well-known symbol members by indexed access, and compiles', () => {
      const dir = join(fixture.dir, 'shapes');
      typecheck(dir, { 'remote.ts': REMOTE, 'widget.ts': WIDGET, 'stub.ts': STUB });
      const { content, diagnostics } = implOf(dir);
      expect(diagnostics).toEqual([]);
      expect(content).toContain('get size(): number {');
      expect(content).not.toContain('set size(');
      expect(content).toContain('set label(_value: string) {');
      expect(content).toContain("set secret(_value: Widget<T>['secret']) {");
      expect(content).toContain(
        '[Symbol.iterator](..._args: Parameters<Widget<T>[typeof Symbol.iterator]>)',
      );
      expect(content).toContain(
        'get [Symbol.toStringTag](): Widget<T>[typeof Symbol.toStringTag] {',
      );
      expect(content).toContain("get 'my-key'(): Widget<T>['my-key'] {");
      expect(content).toContain('bound(this: Widget<T>, _x: number): void {');
      expect(content).toContain('pick(_arg0: { a: number; b: string }): number {');
      expect(content).toContain("return Promise.reject(notImplemented('WidgetImpl.later'));");
      // `shared` is declared in both interfaces; it is implemented once, from the own declaration.
      expect(content.match(/get shared\(\)/g)).toHaveLength(1);
      expect(content).toContain('get shared(): number {');
    });

    it('reads inherited members with default options when there is no tsconfig, or a broken one', () => {
      for (const tsconfig of [undefined, '{ "compilerOptions": ']) {
        const { dir, remove } = tempDir();
        try {
          writeFileSync(join(dir, 'remote.ts'), REMOTE);
          writeFileSync(join(dir, 'widget.ts'), WIDGET);
          if (tsconfig !== undefined) writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
          const { content } = generateImpl({
            source: parseSourceFile('widget.ts', dir),
            interfaceName: 'Widget',
            outDir: dir,
          });
          expect(content).toContain("fetch(..._args: Parameters<Widget<T>['fetch']>)");
          expect(content).toContain("import { notImplemented } from '@foundation/devtools';");
        } finally {
          remove();
        }
      }
    });

    it('derives a contract with accessor types and without symbol-keyed members', () => {
      const dir = join(fixture.dir, 'shapes');
      const contract = describeInterface(parseSourceFile('widget.ts', dir), 'Widget');
      const byName = new Map(contract.members.map((m) => [m.name, m]));
      expect(byName.get('size')).toMatchObject({ kind: 'property', type: 'number' });
      expect(byName.get('label')).toMatchObject({ kind: 'property', type: 'string' });
      expect(byName.get('secret')).toMatchObject({ kind: 'property', type: 'object' });
      expect(byName.get('my-key')).toMatchObject({ kind: 'property', type: 'object' });
      expect(byName.get('bound')).toMatchObject({ kind: 'method', arity: 1 });
      expect(byName.get('pick')).toMatchObject({ kind: 'method', arity: 1 });
      expect(byName.get('later')).not.toHaveProperty('async');
      expect(byName.get('fetch')).toMatchObject({ kind: 'method', type: 'function' });
      expect([...byName.keys()].some((n) => n.includes('Symbol'))).toBe(false);
    });
  },
);

const DEFAULT_EXPORT = 'export default interface Settings {\n  verbose: boolean;\n}\n';

const USES_IMPORTS = `import Settings from './settings.js';
import './setup.js';

export const LIMITS = { max: 1 };
export const { low, high } = { low: 1, high: 2 };
export default function (): void {}

export interface Api {
  limits: typeof LIMITS;
  settings: Settings;
  range(low: number): [number, number];
}
`;

describe('generate impl imports what the interface uses', { timeout: 180_000 }, () => {
  it('a default import, a typeof of an exported constant, and nothing for other statements', () => {
    const dir = join(fixture.dir, 'imports');
    typecheck(dir, { 'settings.ts': DEFAULT_EXPORT, 'setup.ts': 'export {};\n' });
    const source = parseSourceText(USES_IMPORTS, join(dir, 'api.ts'));
    const { path, content } = generateImpl({
      source,
      interfaceName: 'Api',
      outDir: join(dir, 'impl'),
      devtoolsModule: '../stub.js',
    });
    expect(content).toContain("import type { Api, LIMITS } from '../api.js';");
    expect(content).toContain("import type { default as Settings } from '../settings.js';");
    expect(content).not.toContain('setup');
    expect(content).toContain('get limits(): typeof LIMITS {');
    const diagnostics = typecheck(dir, {
      'api.ts': USES_IMPORTS,
      'settings.ts': DEFAULT_EXPORT,
      'setup.ts': 'export {};\n',
      'stub.ts': STUB,
      [`impl/${path}`]: content,
    });
    expect(diagnostics).toEqual([]);
  });
});

const MODULE = `const internal = 1;
export { internal };
export default internal;

export const LIMIT = 10;
export const { a, b } = { a: 1, b: 2 };
export const run = () => LIMIT;
export const log = function (message: string): void {
  void message;
};

/**
 * A shape.
 * @throws {RangeError} when its size is negative
 */
export class Shape {
  /** @throws RangeError when the shape is empty. */
  area(): number {
    return 1;
  }
  private hidden(): void {}
  protected guarded(): void {}
  readonly sides = 4;
}

/** A base. */
export abstract class Base {
  abstract go(): void;
  done(): void {}
}
`;

describe('generate docs and tests on the other kinds of export', () => {
  const source = parseSourceText(MODULE, '/v/shapes.ts');

  it('writes skeletons for named exports without TSDoc only, returns where a value comes back', () => {
    const skeletons = docSkeletons(source);
    expect(skeletons.map((s) => s.name)).toEqual(['LIMIT', 'run', 'log']);
    const [limit, run, log] = skeletons;
    expect(limit!.text).not.toContain('@returns');
    expect(run!.text).toContain('@returns (to be written)');
    expect(log!.text).toContain('@param message - (to be written)');
    expect(log!.text).not.toContain('@returns');
  });

  it('writes todos for public methods and every @throws, skipping private, protected and abstract ones', () => {
    const { content } = generateTests(source, '/v/test');
    expect(content).toContain(
      'it.todo("new Shape() throws RangeError when its size is negative");',
    );
    expect(content).toContain('it.todo("Shape#area: does what its documentation says");');
    expect(content).toContain('it.todo("Shape#area throws RangeError when the shape is empty.");');
    expect(content).toContain('it.todo("Base#done: does what its documentation says");');
    expect(content).not.toMatch(/hidden|guarded|Base#go|internal/);
  });
});

describe('generate contract reads property types through parentheses and aliases', () => {
  it('states typeof for booleans, literal aliases and parenthesized types, and no arity for overloads', () => {
    const source = parseSourceText(
      [
        'export type Off = false;',
        'export interface Switch {',
        '  on: boolean;',
        '  off: Off;',
        '  wrapped: (string);',
        "  mode: ('a' | 'b');",
        '  handler: (value: number) => void;',
        '  mixed: string | number;',
        '  set(value: string): void;',
        '  set(value: number, force: boolean): void;',
        '}',
      ].join('\n'),
      '/v/switch.ts',
    );
    const members = describeInterface(source, 'Switch').members.map(
      ({ name, kind, type, arity }) => ({ name, kind, type, arity }),
    );
    expect(members).toEqual([
      { name: 'on', kind: 'property', type: 'boolean', arity: undefined },
      { name: 'off', kind: 'property', type: 'boolean', arity: undefined },
      { name: 'wrapped', kind: 'property', type: 'string', arity: undefined },
      { name: 'mode', kind: 'property', type: 'string', arity: undefined },
      { name: 'handler', kind: 'property', type: 'function', arity: undefined },
      { name: 'mixed', kind: 'property', type: 'object', arity: undefined },
      { name: 'set', kind: 'method', type: 'function', arity: undefined },
    ]);
  });
});
