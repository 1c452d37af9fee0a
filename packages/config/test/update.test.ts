import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import type { FoundationError } from '@foundation/errors';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { appSchema, thrown } from './helpers.js';

function store(options: { historyLimit?: number; clock?: ManualClock } = {}) {
  return createConfig({
    schema: appSchema,
    updatable: ['server.port', 'server.tags', 'limits.*', 'features.*', 'plugin.*', 'db.password'],
    ...options,
  });
}

describe('update', () => {
  it('changes an updatable path, bumps the version and returns it', () => {
    const clock = new ManualClock({ wallStartMs: 1_000 });
    const config = store({ clock });
    const before = config.get();
    expect(config.update('server.port', 9000)).toBe(1);
    expect(config.get('server.port')).toBe(9000);
    expect(config.version).toBe(1);
    expect(config.get().server.host).toBe('localhost');
    // Untouched subtrees are shared, the old snapshot is unchanged.
    expect(config.get().db).toBe(before.db);
    expect(before.server.port).toBe(8080);
    expect(Object.isFrozen(config.get().server)).toBe(true);
    expect(config.status()).toMatchObject({ version: 1, updateCount: 1, lastUpdateMs: 1_000 });
    expect(config.explain('server.port').origin).toEqual({ layer: 'runtime', version: 1 });
  });

  it('refuses paths not declared updatable with 1401 and changes nothing', () => {
    const config = store();
    const error = thrown(() => config.update('server.host', 'evil'));
    expect(error.code).toBe(1401);
    expect(error.codeName).toBe('config_update_forbidden');
    expect(error.context).toMatchObject({ path: 'server.host', rule: 'updatable' });
    // A parent of an updatable leaf is not updatable itself.
    expect(thrown(() => config.update('server', { host: 'h', port: 1, tags: [] })).code).toBe(1401);
    expect(config.version).toBe(0);
    expect(config.status().rejectedCount).toBe(2);
  });

  it('validates against the schema and reports the rule broken; a refused update changes nothing', () => {
    const config = store();
    const before = config.get();
    const range = thrown(() => config.update('server.port', 70_000));
    expect(range.code).toBe(1203);
    expect(range.context).toMatchObject({ path: 'server.port', rule: 'too_big' });
    const type = thrown(() => config.update('server.port', 'x' as unknown as number));
    expect(type.code).toBe(1201);
    expect(type.context.rule).toBe('invalid_type');
    expect(config.get()).toBe(before);
    expect(config.version).toBe(0);
  });

  it('whole-object refinements are checked on every write below them', () => {
    const config = store();
    const error = thrown(() => config.update('limits.min', 50));
    expect(error.code).toBe(1202);
    expect(error.context).toMatchObject({ path: 'limits', rule: 'custom' });
    expect(config.get('limits.min')).toBe(1);
    // Both ends together pass, in one atomic change.
    expect(config.updateMany({ 'limits.min': 50, 'limits.max': 100 })).toBe(1);
    expect(config.get('limits')).toEqual({ min: 50, max: 100 });
  });

  it('root-level refinements are checked too', () => {
    const config = createConfig({
      schema: z
        .object({ a: z.number().default(1), b: z.number().default(2) })
        .refine((v) => v.a < v.b, { message: 'a < b' }),
      updatable: ['*'],
    });
    expect(thrown(() => config.update('a', 5)).context.rule).toBe('custom');
    config.update('b', 10);
    config.update('a', 5);
    expect(config.get()).toEqual({ a: 5, b: 10 });
  });

  it('updateMany is all or nothing', () => {
    const config = store();
    const error = thrown(() =>
      config.updateMany({ 'server.port': 1234, 'limits.max': 'x' as unknown as number }),
    );
    expect(error.code).toBe(1201);
    expect(config.get('server.port')).toBe(8080);
    expect(thrown(() => config.updateMany({ 'server.port': 1, 'server.host': 'h' })).code).toBe(
      1401,
    );
    expect(config.get('server.port')).toBe(8080);
    expect(config.updateMany({})).toBe(0);
    expect(config.version).toBe(0);
  });

  it('whole subtrees and records open a namespace; missing parents are created', () => {
    const config = store();
    config.update('features.beta', true);
    config.update('features.gamma', false);
    expect(config.get('features')).toEqual({ beta: true, gamma: false });
    expect(thrown(() => config.update('features.beta', 'yes' as unknown as boolean)).code).toBe(
      1201,
    );
    // plugin is optional and absent: its objects are created and its defaults applied.
    config.update('plugin.options.level', 3);
    expect(config.get('plugin')).toEqual({ name: 'none', options: { level: 3 } });
    config.update('plugin.options', undefined);
    expect(config.get('plugin')).toEqual({ name: 'none' });
    config.update('plugin', { name: 'x' });
    expect(config.get('plugin.name')).toBe('x');
    config.update('plugin', undefined);
    expect(config.get('plugin')).toBeUndefined();
  });

  it('a created parent must satisfy its own required fields', () => {
    const config = createConfig({
      schema: z.object({
        app: z.object({ name: z.string(), level: z.number().default(1) }).optional(),
      }),
      updatable: ['app.*'],
    });
    const error = thrown(() => config.update('app.level', 2));
    expect(error.code).toBe(1102);
    expect(error.context).toMatchObject({ path: 'app.name', rule: 'required' });
    expect(config.get('app')).toBeUndefined();
    config.update('app', { name: 'n', level: 2 });
    expect(config.get('app')).toEqual({ name: 'n', level: 2 });
  });

  it('stores a copy: changing the caller object later changes nothing', () => {
    const config = store();
    const tags = ['a'];
    config.update('server.tags', tags);
    tags.push('b');
    expect(config.get('server.tags')).toEqual(['a']);
    expect(Object.isFrozen(config.get('server.tags'))).toBe(true);
  });

  it('reset returns to the layered start value as one change', () => {
    const config = store();
    const start = config.get();
    config.update('server.port', 1);
    config.update('features.x', true);
    expect(config.reset()).toBe(3);
    expect(config.get()).toEqual(start);
    expect(config.history().at(-1)).toMatchObject({ source: 'reset', version: 3 });
    expect(config.reset()).toBe(3);
  });

  it('safeUpdate never throws: it reports the refusal and returns false', () => {
    const config = store();
    const errors: FoundationError[] = [];
    expect(config.safeUpdate('server.port', 1234)).toBe(true);
    expect(config.safeUpdate('server.port', -1, (e) => errors.push(e))).toBe(false);
    expect(config.safeUpdate('server.host', 'x')).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe(1203);
    expect(config.get('server.port')).toBe(1234);
  });

  it('history is bounded; rollback restores a retained version as a new change', () => {
    const config = store({ historyLimit: 3 });
    for (let port = 1; port <= 5; port++) config.update('server.port', port);
    const history = config.history();
    expect(history.map((h) => h.version)).toEqual([3, 4, 5]);
    expect(history[0]!.changes).toEqual([{ path: 'server.port', oldValue: 2, newValue: 3 }]);
    expect(config.rollback(3)).toBe(6);
    expect(config.get('server.port')).toBe(3);
    expect(config.history().at(-1)).toMatchObject({ source: 'rollback', version: 6 });
    expect(config.rollback(6)).toBe(6);
    const gone = thrown(() => config.rollback(1));
    expect(gone.code).toBe(1301);
    expect(gone.context).toMatchObject({ rule: 'history', version: 1, oldestVersion: 3 });
  });

  it('rollback(0) restores the start value while it is retained', () => {
    const config = store();
    config.update('server.port', 7);
    config.rollback(0);
    expect(config.get('server.port')).toBe(8080);
    expect(config.explain('server.port').origin).toEqual({ layer: 'default' });
  });

  it('unknown and forbidden paths are refused with their own codes', () => {
    const config = store();
    const untyped = config as unknown as { update(path: string, value: unknown): number };
    expect(thrown(() => untyped.update('nope', 1)).code).toBe(1301);
    expect(thrown(() => untyped.update('__proto__.polluted', 1)).code).toBe(1101);
  });
});
