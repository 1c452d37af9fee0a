import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { appSchema, thrown } from './helpers.js';

describe('reads', () => {
  const config = createConfig({ schema: appSchema });

  it('get() returns the whole snapshot with schema defaults', () => {
    expect(config.get()).toEqual({
      server: { host: 'localhost', port: 8080, tags: [] },
      db: { url: 'postgres://localhost/app', password: 'hunter2' },
      limits: { min: 1, max: 10 },
      features: {},
      mode: 'dev',
    });
  });

  it('the snapshot is deep-frozen plain data that structuredClone and JSON handle', () => {
    const snapshot = config.get();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.server)).toBe(true);
    expect(Object.isFrozen(snapshot.server.tags)).toBe(true);
    expect(() => {
      (snapshot.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(structuredClone(snapshot)).toEqual(snapshot);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(Object.getPrototypeOf(snapshot)).toBe(Object.prototype);
  });

  it('get(path) returns the typed value at a dotted path, objects included', () => {
    expect(config.get('server.port')).toBe(8080);
    expect(config.get('server')).toEqual({ host: 'localhost', port: 8080, tags: [] });
    expect(config.get('mode')).toBe('dev');
    expect(config.get('limits.max')).toBe(10);
  });

  it('an absent optional path reads as undefined; has() says so', () => {
    expect(config.get('plugin')).toBeUndefined();
    expect(config.get('plugin.options.level')).toBeUndefined();
    expect(config.has('plugin.name')).toBe(false);
    expect(config.has('server.port')).toBe(true);
    expect(config.get('features.anything')).toBeUndefined();
  });

  it('an undeclared path from an untyped caller is a 1301 config_not_found error', () => {
    const untyped = config as unknown as { get(path: string): unknown };
    for (const path of ['nope', 'server.nope', 'server.port.deeper', 'server.tags.0', '', 'a..b']) {
      const error = thrown(() => untyped.get(path));
      expect(error.code).toBe(1301);
      expect(error.codeName).toBe('config_not_found');
      expect(error.context.path).toBe(path);
    }
    expect(thrown(() => untyped.get(42 as unknown as string)).code).toBe(1301);
  });

  it('inherited names are never read through the prototype', () => {
    const untyped = config as unknown as { get(path: string): unknown };
    expect(untyped.get('features.toString')).toBeUndefined();
    expect(untyped.get('features.hasOwnProperty')).toBeUndefined();
    expect(thrown(() => untyped.get('toString')).code).toBe(1301);
    const odd = createConfig({
      schema: z.object({ deep: z.object({ toString: z.string() }) }),
      sources: { overrides: { deep: { toString: 'x' } } },
    });
    expect(odd.get('deep.toString')).toBe('x');
    expect(odd.get('deep')).toEqual({ toString: 'x' });
  });

  it('getOr never throws and falls back on absent, null, unknown or refused paths', () => {
    expect(config.getOr('server.port', 1)).toBe(8080);
    expect(config.getOr('plugin.name', 'fallback')).toBe('fallback');
    const untyped = config as unknown as { getOr(path: string, fallback: unknown): unknown };
    expect(untyped.getOr('nope', 'x')).toBe('x');
    expect(untyped.getOr('__proto__.polluted', 'x')).toBe('x');
    const nullable = createConfig({
      schema: z.object({ key: z.string().nullable().default(null) }),
    });
    expect(nullable.getOr('key', 'fallback')).toBe('fallback');
    expect(config.has('nope')).toBe(false);
  });

  it('reads paths of every depth, records and long paths', () => {
    const deep = createConfig({
      schema: z.object({
        a: z.object({
          b: z.object({ c: z.object({ d: z.object({ e: z.number().default(5) }) }) }),
        }),
        map: z.record(z.string(), z.object({ n: z.number() })).default({ x: { n: 1 } }),
        maybe: z
          .object({ inner: z.object({ leaf: z.number() }) })
          .nullable()
          .default(null),
      }),
    });
    expect(deep.get('a.b.c.d.e')).toBe(5);
    expect(deep.get('a.b.c.d')).toEqual({ e: 5 });
    expect(deep.get('map.x.n')).toBe(1);
    expect(deep.get('map.y.n')).toBeUndefined();
    expect(deep.get('maybe.inner')).toBeUndefined();
    expect(deep.get('maybe.inner.leaf')).toBeUndefined();
    expect(deep.get('a.b.c')).toEqual({ d: { e: 5 } });
  });

  it('a repeated read is served from the path cache with the same answer', () => {
    for (let i = 0; i < 3; i++) expect(config.get('db.url')).toBe('postgres://localhost/app');
  });
});
