import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isFoundationError, type FoundationError } from '@foundation/errors';

/** A small schema with nesting, a record namespace, a refinement and a secret. */
export const appSchema = z.object({
  server: z.object({
    host: z.string().default('localhost'),
    port: z.number().int().min(1).max(65_535).default(8080),
    tags: z.array(z.string()).default([]),
  }),
  db: z.object({
    url: z.string().default('postgres://localhost/app'),
    password: z.string().default('hunter2').meta({ secret: true }),
  }),
  limits: z
    .object({
      min: z.number().default(1),
      max: z.number().default(10),
    })
    .refine((v) => v.min <= v.max, { message: 'min must not exceed max' }),
  features: z.record(z.string(), z.boolean()).default({}),
  plugin: z
    .object({
      name: z.string().default('none'),
      options: z.object({ level: z.number().default(1) }).optional(),
    })
    .optional(),
  mode: z.enum(['dev', 'prod']).default('dev'),
});

/** Writes files into a fresh temporary directory and returns their paths. */
export function tempFiles(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'foundation-config-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, text);
    paths[name] = path;
  }
  return paths;
}

/** Runs `fn` and returns the FoundationError it throws (fails the test otherwise). */
export function thrown(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    if (isFoundationError(error)) return error;
    throw new Error(`expected a FoundationError, got ${String(error)}`);
  }
  throw new Error('expected a FoundationError, nothing was thrown');
}

/** The problems listed in an error's context. */
export function problemsOf(error: FoundationError): Record<string, unknown>[] {
  return error.context.problems as Record<string, unknown>[];
}
