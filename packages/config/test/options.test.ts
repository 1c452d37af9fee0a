import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { appSchema, thrown } from './helpers.js';

/** Calls createConfig the way an untyped caller (JavaScript, JSON) can. */
const untyped = (options?: unknown): unknown =>
  (createConfig as unknown as (options?: unknown) => unknown)(options);

describe('createConfig refuses bad options with a FoundationError naming the option', () => {
  it.each([
    [undefined, 'options'],
    [null, 'options'],
    [5, 'options'],
    [[], 'options'],
    [{}, 'schema'],
    [{ schema: 5 }, 'schema'],
    [{ schema: 'z.object()' }, 'schema'],
    [{ schema: {} }, 'schema'],
    [{ schema: z.string() }, 'schema'],
    [{ schema: appSchema, updatable: 'x' }, 'updatable'],
    [{ schema: appSchema, updatable: [5] }, 'updatable[0]'],
    [{ schema: appSchema, secrets: 'db.password' }, 'secrets'],
    [{ schema: appSchema, sources: 'env' }, 'sources'],
    [{ schema: appSchema, sources: { files: 'a.json' } }, 'sources.files'],
    [{ schema: appSchema, sources: { files: [5] } }, 'sources.files[0]'],
    [{ schema: appSchema, sources: { files: [{ path: '' }] } }, 'sources.files[0].path'],
    [
      { schema: appSchema, sources: { files: [{ path: 'a', format: 'toml' }] } },
      'sources.files[0].format',
    ],
    [{ schema: appSchema, sources: { env: 'APP_' } }, 'sources.env'],
    [{ schema: appSchema, sources: { env: {} } }, 'sources.env.prefix'],
    [
      { schema: appSchema, sources: { env: { prefix: 'A_', separator: '' } } },
      'sources.env.separator',
    ],
    [{ schema: appSchema, sources: { env: { prefix: 'A_', vars: 'x' } } }, 'sources.env.vars'],
    [{ schema: appSchema, name: 5 }, 'name'],
    [{ schema: appSchema, limits: 5 }, 'limits'],
    [{ schema: appSchema, limits: { maxDepth: '5' } }, 'limits.maxDepth'],
    [{ schema: appSchema, historyLimit: -1 }, 'historyLimit'],
    [{ schema: appSchema, unknownKeys: 'allow' }, 'unknownKeys'],
    [{ schema: appSchema, clock: {} }, 'clock'],
    [{ schema: appSchema, reloadIntervalMs: '5' }, 'reloadIntervalMs'],
    [{ schema: appSchema, onListenerError: 'log' }, 'onListenerError'],
  ])('createConfig(%j) names %s', (options, path) => {
    const error = thrown(() => untyped(options));
    expect(error.code).toBe(1101);
    expect(error.context.path).toBe(path);
    expect(error.message).toContain(`createConfig: ${path} `);
  });

  it('says an updatable given as a string must be an array', () => {
    const error = thrown(() => untyped({ schema: appSchema, updatable: 'server.port' }));
    expect(error.message).toBe('createConfig: updatable must be an array of strings, got string');
  });

  it('refuses an option it does not know, listing the ones it does (a typo is not ignored)', () => {
    const error = thrown(() => untyped({ schema: appSchema, updateable: ['server.port'] }));
    expect(error.context.path).toBe('options.updateable');
    expect(error.message).toContain('is not an option (known: schema, sources, updatable');
    const nested = thrown(() => untyped({ schema: appSchema, sources: { file: ['a.json'] } }));
    expect(nested.context.path).toBe('sources.file');
    expect(nested.message).toContain('known: files, env, overrides');
  });

  it('never throws anything but a FoundationError, whatever the options', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              schema: fc.oneof(fc.constant(appSchema), fc.anything()),
              sources: fc.anything(),
              updatable: fc.oneof(fc.constant(['server.port']), fc.anything()),
              secrets: fc.anything(),
              limits: fc.anything(),
              name: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          try {
            untyped(options);
          } catch (error) {
            expect(error).toMatchObject({ name: 'FoundationError' });
          }
        },
      ),
    );
  });
});
