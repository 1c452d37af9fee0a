import { describe, expect, it, vi } from 'vitest';

// This file sees zod 3 wherever the config package imports `zod`: an application that has
// zod 3 installed next to @foundation/config.
vi.mock('zod', async () => await import('zod3'));

describe('a zod 3 install', () => {
  it('loads @foundation/config, and createConfig says zod 4 is required instead of failing deep inside', async () => {
    const { createConfig } = await import('../src/index.js');
    const { z } = await import('zod');
    const schema = z.object({ port: z.number().default(8080) });
    let caught: unknown;
    try {
      createConfig({ schema: schema as never });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      name: 'FoundationError',
      code: 1101,
      context: { path: 'schema' },
    });
    expect((caught as Error).message).toContain('needs zod 4');
  });
});
