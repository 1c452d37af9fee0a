import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { elixirScopeExampleSchema } from '../src/examples/index.js';
import {
  createConfig,
  type ConfigStore,
  type DeepReadonly,
  type Paths,
  type PathValue,
} from '../src/index.js';

const config = createConfig({
  schema: z.object({
    server: z.object({ port: z.number().default(1), tags: z.array(z.string()).default([]) }),
    plugin: z.object({ name: z.string() }).optional(),
    features: z.record(z.string(), z.boolean()).default({}),
    mode: z.enum(['dev', 'prod']).default('dev'),
  }),
  updatable: ['server.port', 'features.*'],
});

describe('inferred paths', () => {
  it('get(path) returns the schema type of the path', () => {
    expectTypeOf(config.get('server.port')).toEqualTypeOf<number>();
    expectTypeOf(config.get('mode')).toEqualTypeOf<'dev' | 'prod'>();
    expectTypeOf(config.get('server.tags')).toEqualTypeOf<readonly string[]>();
    expectTypeOf(config.get('server')).toEqualTypeOf<{
      readonly port: number;
      readonly tags: readonly string[];
    }>();
    expectTypeOf(config.get('plugin.name')).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.get('features.beta')).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(config.get().server.port).toEqualTypeOf<number>();
  });

  it('a wrong path or value is a compile error', () => {
    // @ts-expect-error not a path of the schema
    config.get('server.nope');
    // @ts-expect-error arrays are leaves
    config.get('server.tags.0');
    // @ts-expect-error the value must have the path's type
    config.update('server.port', 'high');
    // @ts-expect-error not a path
    config.subscribe('nothing', () => undefined);
    // @ts-expect-error not an updatable path of the schema
    createConfig({ schema: z.object({ a: z.number() }), updatable: ['b'] });
  });

  it('getOr, updateMany and the exported helper types follow the schema', () => {
    expectTypeOf(config.getOr('plugin.name', 'none')).toEqualTypeOf<string>();
    expectTypeOf(config.updateMany).parameter(0).toHaveProperty('server.port');
    expectTypeOf<Paths<{ a: { b: number }; c: string[] }>>().toEqualTypeOf<'a' | 'a.b' | 'c'>();
    expectTypeOf<PathValue<{ a?: { b: number } }, 'a.b'>>().toEqualTypeOf<number | undefined>();
    expectTypeOf<DeepReadonly<{ a: { b: number[] } }>>().toEqualTypeOf<{
      readonly a: { readonly b: readonly number[] };
    }>();
  });

  it('the example schema gives the seed paths their types', () => {
    const example = createConfig({ schema: elixirScopeExampleSchema });
    expectTypeOf(example).toExtend<ConfigStore<z.output<typeof elixirScopeExampleSchema>>>();
    expectTypeOf(example.get('ai.planning.samplingRate')).toEqualTypeOf<number>();
    expectTypeOf(example.get('ai.provider')).toEqualTypeOf<
      'mock' | 'openai' | 'anthropic' | 'gemini'
    >();
    expectTypeOf(example.get('capture.ringBuffer.numBuffers')).toEqualTypeOf<
      number | 'schedulers'
    >();
  });
});
