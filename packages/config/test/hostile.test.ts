import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { appSchema, problemsOf, tempFiles, thrown } from './helpers.js';

const looseSchema = z.object({
  app: z.record(z.string(), z.unknown()).default({}),
  server: z.object({ port: z.number().default(1) }),
});

function polluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || probe.isAdmin !== undefined;
}

afterEach(() => {
  expect(polluted()).toBe(false);
});

describe('prototype pollution (the reported convict and node-config cases)', () => {
  const updatable = createConfig({ schema: looseSchema, updatable: ['*'] });
  const untyped = updatable as unknown as {
    update(path: string, value: unknown): number;
    updateMany(entries: unknown): number;
    get(path: string): unknown;
  };

  it.each([
    '__proto__.polluted', // convict CVE-2022-22143
    'constructor.prototype.polluted', // convict CVE-2023-0163 bypass
    'app.__proto__.polluted',
    'app.constructor.prototype.polluted',
    'prototype.polluted',
    'app.x.__proto__',
  ])('update(%s) is refused with 1101 forbidden_key', (path) => {
    const error = thrown(() => untyped.update(path, 'yes'));
    expect(error.code).toBe(1101);
    expect(error.context.rule).toBe('forbidden_key');
    expect(thrown(() => untyped.get(path)).context.rule).toBe('forbidden_key');
  });

  it('values carrying forbidden keys are refused (node-config extendDeep case)', () => {
    for (const value of [
      JSON.parse('{"__proto__": {"polluted": true}}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
      { nested: JSON.parse('{"__proto__": {"isAdmin": true}}') },
    ]) {
      const error = thrown(() => untyped.update('app.x', value));
      expect(error.code).toBe(1101);
      expect(error.context.rule).toBe('forbidden_key');
    }
    expect(
      thrown(() => untyped.update('app', JSON.parse('{"__proto__": {"polluted": 1}}'))).code,
    ).toBe(1101);
    expect(thrown(() => untyped.updateMany(JSON.parse('{"__proto__.polluted": 1}'))).code).toBe(
      1101,
    );
    expect(thrown(() => untyped.updateMany(JSON.parse('{"__proto__": 1}'))).code).toBe(1101);
    expect(updatable.version).toBe(0);
  });

  it('updateMany refuses a non-object with a FoundationError, counted as rejected', () => {
    const before = updatable.status().rejectedCount;
    for (const entries of [null, undefined, 'app.x', 5]) {
      const error = thrown(() => untyped.updateMany(entries));
      expect(error.code).toBe(1101);
      expect(error.context).toMatchObject({ path: '', rule: 'updates_object' });
    }
    expect(updatable.status().rejectedCount).toBe(before + 4);
    expect(updatable.version).toBe(0);
  });

  it('files with forbidden keys are refused: JSON and YAML', () => {
    const files = tempFiles({
      'a.json': '{"__proto__": {"polluted": true}}',
      'b.json': '{"app": {"constructor": {"prototype": {"polluted": true}}}}',
      'c.yaml': '__proto__:\n  polluted: true\n',
      'd.yaml': 'app:\n  prototype:\n    isAdmin: true\n',
    });
    for (const path of Object.values(files)) {
      const error = thrown(() => createConfig({ schema: looseSchema, sources: { files: [path] } }));
      expect(error.code).toBe(1101);
      expect(problemsOf(error)[0]).toMatchObject({
        rule: 'forbidden_key',
        layer: 'file',
        source: path,
      });
    }
  });

  it('a YAML alias bomb is refused instead of expanded', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(
        `${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(', ')}]`,
      );
    }
    const files = tempFiles({ 'bomb.yaml': `app:\n${lines.map((l) => `  ${l}`).join('\n')}\n` });
    const error = thrown(() =>
      createConfig({ schema: looseSchema, sources: { files: [files['bomb.yaml']!] } }),
    );
    expect(problemsOf(error)[0]).toMatchObject({ rule: 'yaml_syntax', layer: 'file' });
  });

  it('overrides and environment variables with forbidden keys are refused', () => {
    const overrides = thrown(() =>
      createConfig({
        schema: looseSchema,
        sources: { overrides: JSON.parse('{"app": {"__proto__": {"polluted": 1}}}') },
      }),
    );
    expect(problemsOf(overrides)[0]).toMatchObject({
      rule: 'forbidden_key',
      layer: 'override',
      path: 'app.__proto__',
    });
    for (const vars of [
      { P_APP__CONSTRUCTOR: '1' },
      { P_APP__PROTOTYPE: '1' },
      { P_APP____PROTO__: '1' },
      { P_SERVER: '{"__proto__": {"polluted": true}}' },
    ]) {
      const error = thrown(() =>
        createConfig({ schema: looseSchema, sources: { env: { prefix: 'P_', vars } } }),
      );
      expect(error.code).toBe(1101);
      expect(problemsOf(error)[0]).toMatchObject({ layer: 'env' });
    }
  });
});

describe('values that are not plain data', () => {
  const config = createConfig({
    schema: looseSchema,
    updatable: ['app.*'],
    limits: { maxDepth: 32, maxBytes: 10_000 },
  });
  const write = (value: unknown) => thrown(() => config.update('app.x', value));

  it('functions, symbols, bigints and non-finite numbers are refused', () => {
    expect(write(() => 1).context).toMatchObject({ path: 'app.x', rule: 'plain_data' });
    expect(write({ fn: () => 1 }).context).toMatchObject({ path: 'app.x.fn', rule: 'plain_data' });
    expect(write(Symbol('s')).context.rule).toBe('plain_data');
    expect(write(10n).context.rule).toBe('plain_data');
    expect(write(Number.NaN).context.rule).toBe('plain_data');
    expect(write([1, Infinity]).context).toMatchObject({ path: 'app.x.1', rule: 'plain_data' });
    expect(write([1, undefined]).context.rule).toBe('plain_data');
    expect(write({ [Symbol('k')]: 1 }).context.rule).toBe('plain_data');
    expect(write(1n).code).toBe(1201);
  });

  it('class instances, array subclasses and accessors are refused', () => {
    class Settings {
      level = 1;
    }
    class Tags extends Array<string> {}
    expect(write(new Settings()).message).toContain('class instance (Settings)');
    expect(write(new Date()).context.rule).toBe('plain_data');
    expect(write(new Map()).context.rule).toBe('plain_data');
    expect(write(Object.create(Object.create(null) as object) as object).message).toContain(
      'unknown',
    );
    expect(write(Tags.from(['a'])).context.rule).toBe('plain_data');
    const getter = Object.defineProperty({}, 'x', { get: () => 1, enumerable: true });
    expect(write(getter).context).toMatchObject({ path: 'app.x.x', rule: 'plain_data' });
  });

  it('values nested deeper than 32 levels or larger than the limit are refused', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(write(deep).context.rule).toBe('max_depth');
    expect(write(deep).code).toBe(1101);
    expect(write('x'.repeat(20_000)).context.rule).toBe('max_size');
    expect(write({ big: 'x'.repeat(20_000) }).context.rule).toBe('max_size');
    expect(write(Array.from({ length: 5000 }, () => 1)).context.rule).toBe('max_size');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(write(cyclic).context.rule).toBe('max_depth');
    expect(config.version).toBe(0);
  });

  it('null-prototype objects, non-enumerable and undefined members are accepted as data', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1, gone: undefined });
    Object.defineProperty(bare, 'hidden', { value: 2, enumerable: false });
    config.update('app.x', bare);
    expect(config.get('app.x' as never)).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(config.get('app.x' as never))).toBe(Object.prototype);
    config.update('app.y', [null, true, 'x', { n: 1 }]);
    expect(config.get('app.y' as never)).toEqual([null, true, 'x', { n: 1 }]);
  });

  it('validateConfig refuses hostile candidates too', () => {
    const result = config.validateConfig(JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(1101);
  });
});

describe('concurrency', () => {
  it('many async callers never lose an update nor see a half-applied state', async () => {
    const config = createConfig({ schema: appSchema, updatable: ['features.*', 'limits.*'] });
    const observed: boolean[] = [];
    config.subscribe('*', () => {
      const { min, max } = config.get('limits');
      observed.push(min <= max);
    });
    const callers = Array.from({ length: 100 }, async (_, i) => {
      await Promise.resolve();
      await new Promise<void>((resolve) => setImmediate(resolve));
      config.update(`features.f${i}`, i % 2 === 0);
      await Promise.resolve();
      // Each pair keeps min <= max only when applied together.
      config.updateMany({ 'limits.min': 1000 + i, 'limits.max': 1000 + i });
      config.updateMany({ 'limits.max': 1, 'limits.min': 0 });
    });
    await Promise.all(callers);
    expect(Object.keys(config.get('features'))).toHaveLength(100);
    expect(config.version).toBe(300);
    expect(config.status().updateCount).toBe(300);
    expect(observed.every(Boolean)).toBe(true);
    expect(config.get('limits')).toEqual({ min: 0, max: 1 });
  });
});
