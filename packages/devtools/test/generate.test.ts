import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceDescriptor } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeInterface, generateContract } from '../src/generate/contract.js';
import { docSkeletons, insertDocs } from '../src/generate/docs.js';
import { generateImpl } from '../src/generate/impl.js';
import { formatWithPrettier, resolveOutDir, writeGenerated } from '../src/generate/output.js';
import { generateService } from '../src/generate/service.js';
import { generateTests } from '../src/generate/tests.js';
import { parseSourceFile, parseSourceText } from '../src/source.js';
import { checkCompliance } from '../src/index.js';
import { fixtureDir, tempDir, typecheck } from './helpers.js';

const fixture = fixtureDir();
afterAll(fixture.remove);
const V = fixture.dir;
const STUB = 'not-implemented.ts';
const STUB_TEXT =
  'export function notImplemented(member: string): Error {\n  return new Error(member);\n}\n';

let runs = 0;
function implCompiles(interfaceText: string, name: string): string[] {
  const sub = `shape-${runs++}`;
  const source = parseSourceText(interfaceText, join(V, sub, 'api.ts'));
  const generated = generateImpl({
    source,
    interfaceName: name,
    outDir: join(V, sub, 'impl'),
    devtoolsModule: '../../not-implemented.js',
  });
  return typecheck(V, {
    [`${sub}/api.ts`]: interfaceText,
    [STUB]: STUB_TEXT,
    [`${sub}/impl/${generated.path}`]: generated.content,
  });
}

function thrown(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    return error as FoundationError;
  }
  throw new Error('expected a throw');
}

const GREETER = `import type { AbortOptions as Opts } from './types.js';
import * as Types from './types.js';

export type Mood = 'happy' | 'sad';
export interface Options { loud: boolean }

interface Base {
  /** The base id. */
  readonly id: string;
  reset(): void;
}

/** A greeter. */
export interface Greeter<T extends object = Options> extends Base {
  [key: string]: unknown;
  /** The prefix. */
  readonly prefix: string;
  count: number;
  label?: string;
  mood: Mood;
  /** Greets. */
  greet(name: string, times?: number): string;
  greet(names: string[]): string[];
  load(options: T, extra: Opts): Promise<T>;
  fetchAll(): Promise<string>;
  fetchAll(key: string): Promise<number>;
  map<U>(fn: (value: T) => U, ...rest: unknown[]): U[];
  later?(): void;
  onEvent: (e: Options) => void;
  onClose?: () => void;
  kind: Types.Kind;
  'quoted-name': number;
  [Symbol.asyncDispose](): Promise<void>;
}
`;
const TYPES = `export interface AbortOptions { signal?: AbortSignal }\nexport type Kind = 'a' | 'b';\n`;

// Each case builds a TypeScript program: slow on a loaded machine, so the limit is generous.
describe('generate impl', { timeout: 180_000 }, () => {
  it('implements every member with its exact types, overloads, generics and async members', () => {
    const source = parseSourceText(GREETER, '/v/greeter.ts');
    const file = generateImpl({
      source,
      interfaceName: 'Greeter',
      outDir: '/v/impl',
      devtoolsModule: '../not-implemented.js',
    });
    expect(file.path).toBe('greeter-impl.ts');
    const text = file.content;
    expect(text).toContain("import type { Greeter, Mood, Options } from '../greeter.js';");
    expect(text).toContain("import type { AbortOptions as Opts } from '../types.js';");
    expect(text).toContain("import type * as Types from '../types.js';");
    expect(text).toContain(
      'export class GreeterImpl<T extends object = Options> implements Greeter<T> {',
    );
    expect(text).toContain('greet(_name: string, _times?: number): string;');
    expect(text).toContain('greet(..._args: unknown[]): never {');
    expect(text).toContain('fetchAll(..._args: unknown[]): Promise<never> {');
    expect(text).toContain("return Promise.reject(notImplemented('GreeterImpl.load'));");
    expect(text).toContain('map<U>(_fn: (value: T) => U, ..._rest: unknown[]): U[] {');
    expect(text).toContain('later?(): void {');
    expect(text).toContain('get label(): string | undefined {');
    expect(text).toContain('get id(): string {');
    expect(text).toContain('get onClose(): (() => void) | undefined {');
    expect(text).not.toContain('set prefix');
    expect(text).toContain('[key: string]: unknown;');
    const diagnostics = typecheck(V, {
      'greeter.ts': GREETER,
      'types.ts': TYPES,
      [STUB]: STUB_TEXT,
      'impl/greeter-impl.ts': text,
    });
    expect(diagnostics).toEqual([]);
  });

  it('names the member in the error a stub throws', async () => {
    const { DevtoolsErrorCodes, notImplemented } = await import('../src/index.js');
    const error = notImplemented('Greeter.greet');
    expect(error.code).toBe(DevtoolsErrorCodes.devtools_not_implemented.code);
    expect(error.message).toBe('Greeter.greet is not implemented');
    expect(error.context.member).toBe('Greeter.greet');
  });

  it('refuses a missing interface, an unexported one, call signatures and unexported types', () => {
    const source = parseSourceText(
      'interface Hidden { a(): void }\nexport interface Callable { (x: number): void }\ntype Secret = { s: 1 };\nexport interface UsesSecret { s: Secret }\n',
      '/v/bad.ts',
    );
    const outDir = '/v/impl';
    expect(thrown(() => generateImpl({ source, interfaceName: 'Nope', outDir })).message).toContain(
      "declares no interface 'Nope'",
    );
    expect(
      thrown(() => generateImpl({ source, interfaceName: 'Hidden', outDir })).message,
    ).toContain('not exported');
    expect(
      thrown(() => generateImpl({ source, interfaceName: 'Callable', outDir })).message,
    ).toContain('call or construct signatures');
    expect(
      thrown(() => generateImpl({ source, interfaceName: 'UsesSecret', outDir })).context.path,
    ).toBe('/v/bad.ts#Secret');
    expect(
      thrown(() =>
        generateImpl({ source, interfaceName: 'UsesSecret', className: 'class', outDir }),
      ).context.path,
    ).toBe('name');
  });

  it('types members inherited from another module through the interface itself', () => {
    const dir = V;
    const text =
      "import type { Service } from '@foundation/core';\nexport interface Payments extends Service {\n  charge(cents: number): Promise<string>;\n}\n";
    writeFileSync(join(dir, 'payments-fixture.ts'), text);
    const source = parseSourceText(text, join(dir, 'payments-fixture.ts'));
    const file = generateImpl({ source, interfaceName: 'Payments', outDir: dir });
    expect(file.content).toContain(
      "start(..._args: Parameters<Payments['start']>): ReturnType<Payments['start']> {",
    );
    expect(file.content).toContain(
      "status?(..._args: Parameters<NonNullable<Payments['status']>>)",
    );
    expect(file.content).toContain("get name(): Payments['name'] {");
  });

  it('property: the impl of a random interface shape compiles', () => {
    const typeArb = fc.constantFrom(
      'string',
      'number',
      'boolean',
      'string[]',
      'Record<string, number>',
      '"a" | "b"',
      'Date',
      'T',
      'Promise<T>',
    );
    const member = fc.record({
      name: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/),
      method: fc.boolean(),
      optional: fc.boolean(),
      readonly: fc.boolean(),
      params: fc.array(fc.record({ type: typeArb, optional: fc.boolean() }), { maxLength: 3 }),
      returns: typeArb,
      generic: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { selector: (m) => m.name, minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (members, generic) => {
          const lines = members.map((m) => {
            const opt = m.optional ? '?' : '';
            if (!m.method)
              return `  ${m.readonly ? 'readonly ' : ''}${m.name}${opt}: ${m.returns.replace('T', generic ? 'T' : 'string')};`;
            let seenOptional = false;
            const params = m.params.map((p, i) => {
              seenOptional ||= p.optional;
              return `p${i}${seenOptional ? '?' : ''}: ${p.type.replace(/\bT\b/, generic ? 'T' : 'number')}`;
            });
            const typeParams = m.generic ? '<U>' : '';
            const ret = m.generic
              ? 'U | undefined'
              : m.returns.replace(/\bT\b/, generic ? 'T' : 'number');
            return `  ${m.name}${opt}${typeParams}(${params.join(', ')}): ${ret};`;
          });
          const text = `export interface Shape${generic ? '<T>' : ''} {\n${lines.join('\n')}\n}\n`;
          expect(implCompiles(text, 'Shape')).toEqual([]);
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('generate contract', () => {
  const coreInterfaces = fileURLToPath(new URL('../../core/src/interfaces.ts', import.meta.url));

  it("derives core's Service descriptor from its interface, equal to the shipped one", () => {
    const derived = describeInterface(parseSourceFile(coreInterfaces, '/'), 'Service');
    const shape = (d: typeof ServiceDescriptor) =>
      d.members.map(({ name, kind, type, optional }) => ({ name, kind, type, optional }));
    expect(derived.name).toBe(ServiceDescriptor.name);
    expect(shape(derived)).toEqual(shape(ServiceDescriptor));
    expect(derived.members.find((m) => m.name === 'start')).toMatchObject({ arity: 1 });
    expect(derived.members.find((m) => m.name === 'start')!.async).toBeUndefined();
  });

  it('derives Serializer and HealthReport too, and states async-ness and arity', () => {
    const source = parseSourceFile(coreInterfaces, '/');
    expect(
      describeInterface(source, 'HealthReport').members.map((m) => [m.name, m.type, m.optional]),
    ).toEqual([
      ['status', 'string', false],
      ['message', 'string', true],
      ['details', 'object', true],
    ]);
    const api = parseSourceText(
      'export interface Api {\n  get(id: string, opts?: object): Promise<string>;\n  flag: true;\n  n: 1 | 2;\n  cb: (x: number) => void;\n  t: `x${string}`;\n  u: string | number;\n  any;\n}\n',
      '/v/api.ts',
    );
    const descriptor = describeInterface(api, 'Api');
    expect(descriptor.members.map((m) => [m.name, m.type, m.arity, m.async])).toEqual([
      ['get', 'function', 1, true],
      ['flag', 'boolean', undefined, undefined],
      ['n', 'number', undefined, undefined],
      ['cb', 'function', undefined, undefined],
      ['t', 'string', undefined, undefined],
      ['u', 'object', undefined, undefined],
      ['any', 'object', undefined, undefined],
    ]);
    expect(
      checkCompliance(
        {
          get: async (_id: string) => 'x',
          flag: true,
          n: 1,
          cb: () => undefined,
          t: 'xy',
          u: {},
          any: {},
        },
        descriptor,
      ).problems,
    ).toEqual([]);
  });

  it('writes a new contract (interface, descriptor, guard) that compiles', () => {
    const file = generateContract({ name: 'Payments', outDir: '/v' });
    expect(file.path).toBe('payments.contract.ts');
    expect(file.content).toContain('export interface Payments {');
    expect(file.content).toContain('export const PaymentsDescriptor: ContractDescriptor = {');
    const diagnostics = typecheck(V, {
      'payments.contract.ts': file.content.replace("'@foundation/devtools'", "'./descriptor.js'"),
      'descriptor.ts':
        'export interface ContractDescriptor { readonly name: string; readonly members: readonly object[] }\n',
    });
    expect(diagnostics).toEqual([]);
  });

  it('writes the descriptor of an interface read from a module, re-exporting the type', () => {
    const source = parseSourceText(
      'export interface Store {\n  get(key: string): string;\n}\n',
      '/v/src/store.ts',
    );
    const file = generateContract({ name: 'Store', source, outDir: '/v/contracts' });
    expect(file.content).toContain("import type { Store } from '../src/store.js';");
    expect(file.content).toContain('export type { Store };');
    expect(file.content).toContain('arity: 1');
  });
});

describe('generate service', () => {
  it('writes the class, a test with real assertions and a README', () => {
    const files = generateService('PaymentGateway');
    expect(files.map((f) => f.path)).toEqual([
      'payment-gateway.ts',
      'payment-gateway.test.ts',
      'payment-gateway.README.md',
    ]);
    const [source, test] = files;
    expect(source!.content).toContain('export class PaymentGateway implements Service {');
    expect(source!.content).toContain('withContext(');
    expect(source!.content).toContain('[Symbol.asyncDispose]()');
    expect(test!.content).toContain("it.todo('PaymentGateway: does the work it exists for');");
    expect(test!.content.match(/expect\(/g)!.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a name that is not an identifier', () => {
    expect(thrown(() => generateService('not valid')).context.path).toBe('name');
  });
});

describe('generate tests', () => {
  it('writes one describe per export with an assertion and it.todo per function, method and @throws', () => {
    const source = parseSourceText(
      [
        '/** @throws FoundationError 3204 when x is negative */',
        'export function area(x: number): number { return x * x; }',
        'export function over(a: string): string;',
        'export function over(a: string): string { return a; }',
        'export class Box {',
        '  /** @throws RangeError when empty */',
        '  open(): void {}',
        '  private hidden(): void {}',
        '  #secret(): void {}',
        '}',
        'export const double = (n: number): number => n * 2, [a] = [1];',
        'export const LIMIT = 3;',
        'export interface NotRuntime { x: number }',
      ].join('\n'),
      '/v/src/shapes.ts',
    );
    const file = generateTests(source, '/v/test');
    expect(file.path).toBe('shapes.test.ts');
    const text = file.content;
    expect(text).toContain('import { Box, LIMIT, area, double, over } from "../src/shapes.js";');
    expect(text).toContain('describe("area", () => {');
    expect(text).toContain('it.todo("area throws FoundationError 3204 when x is negative");');
    expect(text).toContain('it.todo("Box#open throws RangeError when empty");');
    expect(text).not.toContain('hidden');
    expect(text).toContain('expect(LIMIT).not.toBe(undefined);');
    expect(text).toContain('expect(typeof double).toBe("function");');
    expect(text.match(/describe\(/g)).toHaveLength(5);
    expect(text).not.toMatch(/it\("[^"]*", \(\) => \{\s*\}\)/);
  });

  it('writes a todo for a module without runtime exports', () => {
    const file = generateTests(parseSourceText('export type X = 1;\n', '/v/types.ts'), '/v');
    expect(file.content).toContain('import "./types.js";');
    expect(file.content).toContain('it.todo("types: has runtime exports to test");');
  });
});

describe('generate docs', () => {
  const text = [
    "import { FoundationError } from '@foundation/errors';",
    '',
    '/** Documented already. */',
    'export function documented(): void {}',
    '',
    'export function parse(input: string, strict?: boolean): number {',
    "  if (input === '') throw new FoundationError('invalid_input', 'empty');",
    "  if (strict) throw new RangeError('strict');",
    '  const inner = () => { throw new TypeError("inner"); };',
    '  void inner;',
    '  return 1;',
    '}',
    '',
    'export const log = (line: string): void => {',
    '  console.log(line);',
    '};',
    '',
    'export class Thing {}',
    'export interface Shape { x: number }',
    'export const VALUE = 1;',
    'export { documented as alias };',
    '',
    'namespace N {',
    '  export function nested(a: number) { return a; }',
    '}',
  ].join('\n');

  it('builds skeletons for undocumented exports only, with params, returns, throws and a marked example', () => {
    const skeletons = docSkeletons(parseSourceText(text, '/v/mod.ts'));
    expect(skeletons.map((s) => s.name)).toEqual(['parse', 'log', 'Thing', 'Shape', 'VALUE']);
    const parse = skeletons[0]!;
    expect(parse.line).toBe(6);
    expect(parse.text).toContain('@param input - (to be written)');
    expect(parse.text).toContain('@param strict - (to be written)');
    expect(parse.text).toContain('@returns (to be written)');
    expect(parse.text).toContain('@throws FoundationError (`invalid_input`)');
    expect(parse.text).toContain('@throws RangeError');
    expect(parse.text).not.toContain('TypeError');
    expect(parse.text).toContain('// placeholder: replace with a runnable example of parse');
    expect(skeletons[1]!.text).not.toContain('@returns');
    expect(skeletons[2]!.text).not.toContain('@param');
  });

  it('inserts them in place, keeping the rest of the text as it was', async () => {
    const skeletons = docSkeletons(parseSourceText(text, '/v/mod.ts'));
    const written = insertDocs(text, skeletons);
    expect(written.replace(/\/\*\*[\s\S]*?\*\/\n/g, '')).toBe(
      text.replace(/\/\*\* Documented already. \*\/\n/, ''),
    );
    expect(docSkeletons(parseSourceText(written, '/v/mod.ts'))).toEqual([]);
    const formatted = await formatWithPrettier(written, '/v/mod.ts');
    expect(formatted).toContain(' * @param input - (to be written)');
  });
});

describe('reading sources', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('refuses an unreadable file and a broken one, naming them', () => {
    expect(thrown(() => parseSourceFile('missing.ts', dir)).message).toContain(
      'missing.ts: cannot be read (ENOENT)',
    );
    writeFileSync(join(dir, 'broken.ts'), 'export interface X {\n  a(: void;\n');
    const error = thrown(() => parseSourceFile('broken.ts', dir));
    expect(error.codeName).toBe('invalid_input');
    expect(error.message).toMatch(/broken\.ts: has a syntax error at 2:\d+/);
  });
});

describe('writing generated files', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('writes, refuses to overwrite without force, overwrites with it, and writes nothing on a dry run', async () => {
    const files = [{ path: 'a/one.ts', content: 'export const one   = 1\n' }];
    const first = await writeGenerated(files, { cwd: dir, out: 'gen' });
    expect(first[0]!.action).toBe('created');
    expect(readFileSync(join(dir, 'gen/a/one.ts'), 'utf8')).toBe('export const one = 1;\n');
    const refused = await writeGenerated(files, { cwd: dir, out: 'gen' }).catch(
      (e: unknown) => e as FoundationError,
    );
    expect((refused as FoundationError).message).toContain('exists (pass --force to overwrite)');
    const forced = await writeGenerated(files, { cwd: dir, out: 'gen', force: true });
    expect(forced[0]!.action).toBe('overwritten');
    const dry = await writeGenerated([{ path: 'b.ts', content: 'x' }], {
      cwd: dir,
      out: 'gen',
      dryRun: true,
    });
    expect(dry[0]!.action).toBe('would create');
    expect(existsSync(join(dir, 'gen/b.ts'))).toBe(false);
    const dryOver = await writeGenerated(files, {
      cwd: dir,
      out: 'gen',
      dryRun: true,
      force: true,
    });
    expect(dryOver[0]!.action).toBe('would overwrite');
  });

  it('refuses an output folder outside the working directory unless it is absolute, and paths leaving it', async () => {
    expect(thrown(() => resolveOutDir(dir, '../elsewhere')).context.path).toBe('--out');
    expect(resolveOutDir(dir, '/tmp/explicit')).toBe('/tmp/explicit');
    expect(resolveOutDir(dir, undefined)).toBe(dir);
    const error = await writeGenerated([{ path: '../escape.ts', content: '' }], { cwd: dir }).catch(
      (e: unknown) => e as FoundationError,
    );
    expect((error as FoundationError).message).toContain('leaves the output folder');
    mkdirSync(join(dir, 'keep'), { recursive: true });
    writeFileSync(join(dir, 'keep/one.ts'), 'old');
    const partial = await writeGenerated(
      [
        { path: 'fresh.ts', content: 'new' },
        { path: 'one.ts', content: 'new' },
      ],
      { cwd: dir, out: 'keep' },
    ).catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(Error);
    expect(existsSync(join(dir, 'keep/fresh.ts'))).toBe(false);
  });
});
