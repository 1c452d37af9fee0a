import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { problemsOf, tempFiles, thrown } from './helpers.js';

describe('environment values that do not fit the schema', () => {
  const schema = z.object({
    n: z.number().default(0),
    lit: z.literal(7).optional(),
    nothing: z.null().optional(),
    obj: z.object({ a: z.number() }).optional(),
    either: z.union([z.number(), z.literal('auto')]).default('auto'),
  });

  it('stay strings and are refused at their path, naming the variable', () => {
    const error = thrown(() =>
      createConfig({
        schema,
        sources: {
          env: {
            prefix: 'E_',
            vars: {
              E_N: '   ',
              E_LIT: '8',
              E_NOTHING: 'nil',
              E_OBJ: 'a=5',
              E_EITHER: 'sometimes',
            },
          },
        },
      }),
    );
    expect(error.code).toBe(1201);
    const problems = problemsOf(error);
    expect(problems.map((p) => [p.path, p.layer, p.source])).toEqual([
      ['n', 'env', 'E_N'],
      ['lit', 'env', 'E_LIT'],
      ['nothing', 'env', 'E_NOTHING'],
      ['obj', 'env', 'E_OBJ'],
      ['either', 'env', 'E_EITHER'],
    ]);
  });

  it('a JSON object variable that is not valid JSON is refused, not half-read', () => {
    const error = thrown(() =>
      createConfig({ schema, sources: { env: { prefix: 'E_', vars: { E_OBJ: '{"a": 5' } } } }),
    );
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ path: 'obj', layer: 'env', source: 'E_OBJ' }),
    ]);
  });

  it('a variable named just the prefix maps onto nothing and is ignored', () => {
    const config = createConfig({
      schema,
      sources: { env: { prefix: 'E_', vars: { E_: '{"n": 5}', E_N: '3' } } },
    });
    expect(config.get()).toEqual({ n: 3, either: 'auto' });
    expect(config.explain('n').origin).toMatchObject({ layer: 'env' });
  });
});

describe('files that cannot be read', () => {
  const schema = z.object({ mode: z.string().default('dev') });

  it('a path through a regular file is reported as unreadable with the reason', () => {
    const files = tempFiles({ 'plain.json': '{}' });
    const through = join(files['plain.json']!, 'inner.json');
    const error = thrown(() => createConfig({ schema, sources: { files: [through] } }));
    expect(error.codeName).toBe('config_not_found');
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ rule: 'file_read', layer: 'file', source: through }),
    ]);
    expect(error.message).toContain('ENOTDIR');
  });

  it('reload reports an unreadable file and keeps the current values', async () => {
    const files = tempFiles({ 'c.json': '{"mode":"prod"}' });
    const dir = files['c.json']!.replace(/c\.json$/, '');
    const path = join(dir, 'sub', 'c.json');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(path, '{"mode":"staging"}');
    const config = createConfig({ schema, sources: { files: [path] } });
    expect(config.get('mode')).toBe('staging');
    // The directory becomes a file: reading `sub/c.json` now fails with ENOTDIR.
    rmSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub'), 'not a directory');
    const error = await config.reload().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ codeName: 'config_not_found' });
    expect(problemsOf(error as never)).toEqual([
      expect.objectContaining({ rule: 'file_read', code: 'config_not_found', source: path }),
    ]);
    expect(config.get('mode')).toBe('staging');
    expect(config.version).toBe(0);
  });

  it('reload drops the values of an optional file that was deleted', async () => {
    const files = tempFiles({ 'c.json': '{"mode":"prod"}' });
    const config = createConfig({
      schema,
      sources: { files: [{ path: files['c.json']!, optional: true }] },
    });
    const changes: unknown[] = [];
    config.subscribe('mode', (change) => changes.push([change.oldValue, change.newValue]));
    rmSync(files['c.json']!);
    await expect(config.reload()).resolves.toBe(1);
    expect(config.get('mode')).toBe('dev');
    expect(config.explain('mode').origin).toEqual({ layer: 'default' });
    expect(changes).toEqual([['prod', 'dev']]);
  });

  it('a reload whose signal has already aborted changes nothing', async () => {
    const files = tempFiles({ 'c.json': '{"mode":"prod"}' });
    const config = createConfig({ schema, sources: { files: [files['c.json']!] } });
    writeFileSync(files['c.json']!, '{"mode":"test"}');
    const reason = new Error('shutting down');
    await expect(config.reload({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(config.get('mode')).toBe('prod');
    await expect(config.reload()).resolves.toBe(1);
    expect(config.get('mode')).toBe('test');
  });

  it('refuses a file source whose optional flag is not a boolean', () => {
    const error = thrown(() =>
      createConfig({
        schema,
        sources: { files: [{ path: 'c.json', optional: 'yes' as never }] },
      }),
    );
    expect(error.context).toMatchObject({ path: 'sources.files[0].optional' });
    expect(error.message).toContain('must be a boolean');
  });
});
