import { describe, expect, it } from 'vitest';
import { z as z3 } from 'zod3';
import { createConfig } from '../src/index.js';
import { thrown } from './helpers.js';

describe('zod 3', () => {
  it('a zod 3 schema is refused with a FoundationError saying zod 4 is required', () => {
    const schema = z3.object({ port: z3.number().default(8080) });
    const error = thrown(() => createConfig({ schema: schema as never }));
    expect(error.code).toBe(1101);
    expect(error.context.path).toBe('schema');
    expect(error.message).toContain('zod 3 schema: zod 4 is required');
  });
});
