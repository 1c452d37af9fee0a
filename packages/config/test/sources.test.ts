import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { appSchema, problemsOf, tempFiles, thrown } from './helpers.js';

describe('layered sources', () => {
  it('later layers win: defaults < files < env < overrides', () => {
    const files = tempFiles({
      'base.json': JSON.stringify({ server: { host: 'file-host', port: 1000 }, mode: 'prod' }),
      'local.yaml': 'server:\n  port: 2000\n  tags: [a, b]\n',
    });
    const config = createConfig({
      schema: appSchema,
      sources: {
        files: [files['base.json']!, { path: files['local.yaml']! }],
        env: { prefix: 'APP_', vars: { APP_SERVER__PORT: '3000', APP_DB__URL: 'env-url' } },
        overrides: { db: { url: 'override-url' } },
      },
    });
    expect(config.get('server.host')).toBe('file-host');
    expect(config.get('server.port')).toBe(3000);
    expect(config.get('server.tags')).toEqual(['a', 'b']);
    expect(config.get('db.url')).toBe('override-url');
    expect(config.get('mode')).toBe('prod');
    expect(config.get('limits.max')).toBe(10);

    expect(config.explain('server.host').origin).toEqual({
      layer: 'file',
      source: files['base.json'],
    });
    expect(config.explain('server.tags').origin).toEqual({
      layer: 'file',
      source: files['local.yaml'],
    });
    expect(config.explain('server.port').origin).toEqual({
      layer: 'env',
      source: 'APP_SERVER__PORT',
    });
    expect(config.explain('db.url').origin).toEqual({ layer: 'override' });
    expect(config.explain('limits.min').origin).toEqual({ layer: 'default' });
    const server = config.explain('server');
    expect(server.origin.layer).toBe('env');
    expect(server.leaves.map((leaf) => leaf.origin.layer)).toEqual(['file', 'env', 'file']);
  });

  it('environment values are coerced by the schema; empty strings count as missing', () => {
    const schema = z.object({
      n: z.number().default(0),
      flag: z.boolean().default(false),
      off: z.boolean().default(true),
      list: z.array(z.number()).default([]),
      names: z.array(z.string()).default([]),
      obj: z.object({ a: z.number() }).optional(),
      choice: z.enum(['x', 'y']).default('x'),
      lit: z.literal(7).optional(),
      either: z.union([z.number(), z.literal('auto')]).default('auto'),
      nothing: z.null().optional(),
      maybe: z.number().nullable().default(1),
      text: z.string().default('keep'),
      piped: z
        .string()
        .transform((s) => s.trim())
        .optional(),
      bad: z.number().default(1),
      badBool: z.boolean().default(true),
      lazy: z.lazy(() => z.number()).optional(),
      map: z.record(z.string(), z.number()).default({}),
    });
    const vars = {
      C_N: ' 42 ',
      C_FLAG: 'YES',
      C_OFF: '0',
      C_LIST: '[1,2,3]',
      C_NAMES: 'a, b,c',
      C_OBJ: '{"a":5}',
      C_CHOICE: 'y',
      C_LIT: '7',
      C_EITHER: '12',
      C_NOTHING: 'null',
      C_MAYBE: 'null',
      C_TEXT: '',
      C_PIPED: '  t  ',
      C_LAZY: '9',
      C_MAP__MAX_RETRIES: '3',
      OTHER_N: '99',
      C_UNKNOWN: 'ignored',
    };
    const before = { ...vars };
    const config = createConfig({ schema, sources: { env: { prefix: 'C_', vars } } });
    expect(config.get()).toMatchObject({
      n: 42,
      flag: true,
      off: false,
      list: [1, 2, 3],
      names: ['a', 'b', 'c'],
      obj: { a: 5 },
      choice: 'y',
      lit: 7,
      either: 12,
      nothing: null,
      maybe: null,
      text: 'keep',
      piped: 't',
      lazy: 9,
      map: { maxRetries: 3 },
    });
    expect(vars).toEqual(before);
    const error = thrown(() =>
      createConfig({
        schema,
        sources: { env: { prefix: 'C_', vars: { C_BAD: 'abc', C_BAD_BOOL: 'maybe' } } },
      }),
    );
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ path: 'bad', rule: 'invalid_type', layer: 'env', source: 'C_BAD' }),
      expect.objectContaining({
        path: 'badBool',
        rule: 'invalid_type',
        layer: 'env',
        source: 'C_BAD_BOOL',
      }),
    ]);
  });

  it('reads process.env by default without changing it, with a custom separator', () => {
    const before = { ...process.env };
    process.env.FNDTEST_SERVER_PORT = '4321';
    try {
      const config = createConfig({
        schema: appSchema,
        sources: { env: { prefix: 'FNDTEST_', separator: '_' } },
      });
      expect(config.get('server.port')).toBe(4321);
    } finally {
      delete process.env.FNDTEST_SERVER_PORT;
    }
    expect(process.env).toEqual(before);
  });

  it('a whole object can come from one JSON variable and deeper variables win over it', () => {
    const config = createConfig({
      schema: appSchema,
      sources: {
        env: { prefix: 'A_', vars: { A_SERVER__PORT: '9', A_SERVER: '{"host":"h","port":1}' } },
      },
    });
    expect(config.get('server')).toEqual({ host: 'h', port: 9, tags: [] });
  });

  it('start-up validation reports every problem at once, with path, rule and layer', () => {
    const files = tempFiles({
      'c.json': JSON.stringify({ server: { port: 0 }, limits: { min: 5, max: 1 }, typo: 1 }),
    });
    const error = thrown(() =>
      createConfig({
        schema: appSchema.extend({ required: z.string() }),
        sources: {
          files: [files['c.json']!],
          env: { prefix: 'X_', vars: { X_MODE: 'staging' } },
        },
      }),
    );
    expect(error.code).toBe(1101);
    const problems = problemsOf(error);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'typo',
          rule: 'unknown_key',
          code: 'invalid_config_structure',
          layer: 'file',
        }),
        expect.objectContaining({
          path: 'server.port',
          rule: 'too_small',
          code: 'range_error',
          layer: 'file',
        }),
        expect.objectContaining({
          path: 'mode',
          rule: 'invalid_value',
          code: 'invalid_config_value',
          layer: 'env',
          source: 'X_MODE',
        }),
        expect.objectContaining({
          path: 'required',
          rule: 'required',
          code: 'missing_required_field',
          layer: 'default',
        }),
      ]),
    );
    expect(error.message).toContain('set X_REQUIRED');
    expect(error.context.path).toBe('typo');
    expect(error.context.rule).toBe('unknown_key');
  });

  it('picks the code of the most structural problem', () => {
    const missing = thrown(() =>
      createConfig({ schema: z.object({ a: z.string(), b: z.number().max(1).default(5) }) }),
    );
    expect(missing.code).toBe(1102);
    expect(missing.context.path).toBe('a');
    const refined = thrown(() =>
      createConfig({ schema: appSchema, sources: { overrides: { limits: { min: 9, max: 2 } } } }),
    );
    expect(refined.code).toBe(1202);
    expect(refined.context.path).toBe('limits');
    expect(refined.message).toContain('min must not exceed max');
  });

  it('unknownKeys: strip drops undeclared keys instead of refusing them', () => {
    const config = createConfig({
      schema: appSchema,
      unknownKeys: 'strip',
      sources: { overrides: { typo: true, server: { extra: 1 } } as never },
    });
    expect(config.get()).not.toHaveProperty('typo');
    expect(config.get('server')).not.toHaveProperty('extra');
    const loose = createConfig({
      schema: z.object({ open: z.looseObject({ a: z.number().default(1) }) }),
      sources: { overrides: { open: { b: 2 } } },
    });
    expect(loose.get('open')).toEqual({ a: 1, b: 2 });
  });

  it('file problems: missing, optional, unreadable, syntax, format, size, top level', () => {
    const files = tempFiles({
      'bad.json': '{ nope',
      'bad.yaml': 'a: [1, 2',
      'dup.yaml': 'a: 1\na: 2\n',
      'x.toml': 'a = 1',
      'list.json': '[1,2]',
      'big.json': JSON.stringify({ server: { host: 'x'.repeat(2000) } }),
      'ok.conf': '{"mode":"prod"}',
    });
    const dir = files['bad.json']!.replace(/bad\.json$/, '');
    const error = thrown(() =>
      createConfig({
        schema: appSchema,
        limits: { maxBytes: 1000 },
        sources: {
          files: [
            `${dir}missing.json`,
            { path: `${dir}missing-optional.json`, optional: true },
            dir,
            files['bad.json']!,
            files['bad.yaml']!,
            files['dup.yaml']!,
            files['x.toml']!,
            files['list.json']!,
            files['big.json']!,
            { path: files['ok.conf']!, format: 'json' },
          ],
        },
      }),
    );
    const rules = problemsOf(error).map((p) => p.rule);
    expect(rules).toEqual([
      'file_exists',
      'regular_file',
      'json_syntax',
      'yaml_syntax',
      'yaml_syntax',
      'file_format',
      'invalid_type',
      'max_size',
    ]);
    expect(problemsOf(error)[0]).toMatchObject({
      code: 'config_not_found',
      layer: 'file',
      source: `${dir}missing.json`,
    });
  });

  it('the schema must produce plain data it accepts again', () => {
    const dated = thrown(() =>
      createConfig({ schema: z.object({ at: z.date().default(new Date(0)) }) }),
    );
    expect(dated.context.rule).toBe('schema_output');
    const drifting = thrown(() =>
      createConfig({
        schema: z.object({
          n: z
            .number()
            .default(1)
            .transform((v) => v + 1),
        }),
      }),
    );
    expect(drifting.context.rule).toBe('schema_idempotent');
    expect(drifting.context.path).toBe('n');
  });

  it('applies the defaults inside objects declared zod-3 style with .default({} as never)', () => {
    const schema = z.object({
      ai: z
        .object({
          provider: z.string().default('mock'),
          planning: z
            .object({ samplingRate: z.number().min(0).max(1).default(1) })
            .default({} as never),
          limits: z
            .object({ tokens: z.number().default(100), burst: z.number().default(5) })
            .default({ tokens: 50 } as never),
        })
        .default({} as never),
    });
    const config = createConfig({ schema, updatable: ['ai.planning.samplingRate'] });
    expect(config.get()).toEqual({
      ai: { provider: 'mock', planning: { samplingRate: 1 }, limits: { tokens: 50, burst: 5 } },
    });
    expect(config.update('ai.planning.samplingRate', 0.5)).toBe(1);
    // A source that gives part of such an object still gets the rest from the defaults.
    const partial = createConfig({ schema, sources: { overrides: { ai: { planning: {} } } } });
    expect(partial.get('ai.planning.samplingRate')).toBe(1);
    expect(partial.explain('ai.provider').origin.layer).toBe('default');
  });

  it('reports a required field inside a .default({} as never) object at its own path', () => {
    const schema = z.object({
      db: z.object({ url: z.string(), pool: z.number().default(4) }).default({} as never),
    });
    const error = thrown(() => createConfig({ schema }));
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ path: 'db.url', rule: 'required', code: 'missing_required_field' }),
    ]);
  });

  it('refuses bad options: unknown updatable or secret paths, bad keys, bad history limit', () => {
    expect(
      thrown(() => createConfig({ schema: appSchema, updatable: ['nope' as never] })).context.path,
    ).toBe('updatable');
    expect(
      thrown(() => createConfig({ schema: appSchema, secrets: ['server.nope'] })).context.path,
    ).toBe('secrets');
    expect(
      thrown(() => createConfig({ schema: appSchema, secrets: ['server.*'] })).context.path,
    ).toBe('secrets');
    expect(thrown(() => createConfig({ schema: appSchema, historyLimit: 0 })).context.path).toBe(
      'historyLimit',
    );
    for (const [limits, path] of [
      [{ maxDepth: 0 }, 'limits.maxDepth'],
      [{ maxDepth: Number.NaN }, 'limits.maxDepth'],
      [{ maxDepth: Infinity }, 'limits.maxDepth'],
      [{ maxBytes: -1 }, 'limits.maxBytes'],
      [{ maxBytes: '10' as unknown as number }, 'limits.maxBytes'],
    ] as const) {
      const error = thrown(() => createConfig({ schema: appSchema, limits }));
      expect(error.code).toBe(1101);
      expect(error.context.path).toBe(path);
    }
    // A limit given as undefined keeps its default instead of switching the check off.
    const unlimited = createConfig({
      schema: appSchema,
      updatable: ['features.*'],
      limits: { maxDepth: undefined, maxBytes: undefined },
    });
    let deep: unknown = true;
    for (let i = 0; i < 40; i++) deep = { deep };
    expect(thrown(() => unlimited.update('features.x' as never, deep as never)).context.rule).toBe(
      'max_depth',
    );
    expect(
      thrown(() => createConfig({ schema: z.object({ 'a.b': z.number().default(1) }) })).context
        .path,
    ).toBe('schema');
    expect(
      thrown(() => createConfig({ schema: z.object({ constructor: z.number().default(1) }) }))
        .context.path,
    ).toBe('schema');
  });
});
