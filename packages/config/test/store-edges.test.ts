import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig, REDACTED } from '../src/index.js';
import { elixirScopeExampleSchema, elixirScopeUpdatablePaths } from '../src/examples/index.js';
import { appSchema, problemsOf, thrown } from './helpers.js';

describe('explain after runtime changes', () => {
  it('names the version of a change made above or below the explained path', () => {
    const config = createConfig({ schema: appSchema, updatable: ['server', 'features.*'] });
    config.update('server', { host: 'h', port: 1, tags: [] });
    config.update('features.beta', true);
    // The change was to `server`; `server.port` lies below it.
    expect(config.explain('server.port').origin).toEqual({ layer: 'runtime', version: 1 });
    // The change was to `features.beta`; `features` lies above it.
    expect(config.explain('features').origin).toEqual({ layer: 'runtime', version: 2 });
  });

  it('still says runtime once the change has left the bounded history', () => {
    const config = createConfig({ schema: appSchema, updatable: ['*'], historyLimit: 1 });
    config.update('server.port', 9000);
    config.update('mode', 'prod');
    config.update('mode', 'dev');
    config.update('mode', 'prod');
    expect(config.history().map((entry) => entry.version)).toEqual([4]);
    expect(config.explain('server.port')).toMatchObject({
      value: 9000,
      origin: { layer: 'runtime' },
    });
    expect(config.explain('server.port').origin).not.toHaveProperty('version');
    expect(config.explain('mode').origin).toEqual({ layer: 'runtime', version: 4 });
  });
});

describe('change detection', () => {
  const schema = z.object({
    shape: z.union([z.array(z.number()), z.record(z.string(), z.number())]).default([]),
    table: z.record(z.string(), z.number()).default({ a: 1 }),
  });

  it('an empty list and an empty object are different values to listeners', () => {
    const config = createConfig({ schema, updatable: ['*'] });
    const seen: unknown[] = [];
    config.subscribe('shape', (change) => seen.push([change.oldValue, change.newValue]));
    config.update('shape', {});
    expect(Array.isArray(config.get('shape'))).toBe(false);
    expect(seen).toEqual([[[], {}]]);
    // Resetting diffs the trees: the empty object goes back to the empty list.
    config.reset();
    expect(config.get('shape')).toEqual([]);
    expect(seen).toEqual([
      [[], {}],
      [{}, []],
    ]);
  });

  it('objects with as many keys but different ones are different values', () => {
    const config = createConfig({ schema, updatable: ['*'] });
    const seen: unknown[] = [];
    config.subscribe('table', (change) =>
      seen.push([change.path, change.oldValue, change.newValue]),
    );
    expect(config.update('table', { b: 1 })).toBe(1);
    expect(seen).toEqual([['table', { a: 1 }, { b: 1 }]]);
    // Rolling back diffs the trees: one key goes, the other comes back.
    expect(config.rollback(0)).toBe(2);
    expect(config.get('table')).toEqual({ a: 1 });
    expect(
      config
        .history()
        .at(-1)
        ?.changes.map((c) => c.path),
    ).toEqual(['table.b', 'table.a']);
  });
});

describe('deep paths', () => {
  const schema = z.object({
    a: z.object({
      b: z.object({ c: z.object({ d: z.object({ e: z.number().default(5) }) }) }).optional(),
    }),
  });

  it('a path of five segments through an absent optional object reads as absent', () => {
    const config = createConfig({ schema });
    expect(config.get('a.b.c.d.e')).toBeUndefined();
    expect(config.getOr('a.b.c.d.e', 7)).toBe(7);
    expect(config.has('a.b.c.d.e')).toBe(false);
    const set = createConfig({
      schema,
      sources: { overrides: { a: { b: { c: { d: {} } } } } },
    });
    expect(set.get('a.b.c.d.e')).toBe(5);
  });

  it('answers stay right after more distinct paths than the lookup cache holds', () => {
    const config = createConfig({
      schema: appSchema,
      sources: { overrides: { features: { f1: true, f2: false } } },
    });
    for (let i = 0; i < 10_100; i++) config.has(`features.k${i}`);
    expect(config.get('features.f1' as never)).toBe(true);
    expect(config.has('features.f2')).toBe(true);
    expect(config.has('features.k3')).toBe(false);
  });
});

describe('schemas that config cannot use', () => {
  it('null instead of a schema is refused, saying what was given', () => {
    const error = thrown(() => createConfig({ schema: null as never }));
    expect(error.message).toContain('got null');
  });

  it('a transform whose output the schema refuses on a second parse', () => {
    const error = thrown(() =>
      createConfig({
        schema: z.object({
          size: z
            .string()
            .default('abc')
            .transform((s) => s.length),
        }),
      }),
    );
    expect(error.context).toMatchObject({ rule: 'schema_idempotent', path: 'size' });
  });

  it('an object default that is a class instance is refused as not plain data', () => {
    class Defaults {
      port = 1;
    }
    const error = thrown(() =>
      createConfig({
        schema: z.object({
          server: z.object({ port: z.number().default(2) }).default(() => new Defaults()),
        }),
      }),
    );
    expect(error.context).toMatchObject({ rule: 'schema_output', path: 'server' });
  });

  it('a strict object refuses keys it does not declare even when unknown keys are stripped', () => {
    const error = thrown(() =>
      createConfig({
        schema: z.object({ s: z.strictObject({ a: z.number().default(1) }) }),
        unknownKeys: 'strip',
        sources: { overrides: { s: { a: 1, b: 2 } as never } },
      }),
    );
    expect(error.codeName).toBe('invalid_config_structure');
    expect(problemsOf(error)[0]).toMatchObject({ code: 'invalid_config_structure' });
  });
});

describe('secrets below records and optional objects', () => {
  it('masks a wildcard secret in each entry and leaves absent ones absent', () => {
    const schema = z.object({
      clients: z
        .record(z.string(), z.object({ id: z.string(), token: z.string().optional() }))
        .default({}),
      plugin: z.object({ key: z.string() }).optional(),
      list: z.array(z.string()).default(['x']),
    });
    const config = createConfig({
      schema,
      secrets: ['clients.*.token', 'plugin.key'],
      sources: { overrides: { clients: { a: { id: 'a', token: 't' }, b: { id: 'b' } } } },
    });
    const shown = config.toJSON() as Record<string, unknown>;
    expect(shown.clients).toEqual({ a: { id: 'a', token: REDACTED }, b: { id: 'b' } });
    expect(JSON.stringify(shown)).not.toContain('"t"');
    expect(shown).not.toHaveProperty('plugin');
    expect(shown.list).toEqual(['x']);
  });
});

describe('the ElixirScope example schema', () => {
  it('builds a config with the Elixir defaults and the declared updatable paths', () => {
    const config = createConfig({
      schema: elixirScopeExampleSchema,
      updatable: [...elixirScopeUpdatablePaths],
    });
    expect(config.get('ai.provider')).toBe('mock');
    expect(config.explain('ai.apiKey').value).toBe(REDACTED);
    const path = elixirScopeUpdatablePaths[0];
    expect(config.has(path)).toBe(true);
  });
});
