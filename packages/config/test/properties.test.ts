import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConfig } from '../src/index.js';
import { appSchema } from './helpers.js';

const UPDATABLE = [
  'server.port',
  'server.tags',
  'limits.*',
  'features.*',
  'plugin.*',
  'mode',
] as const;
const PATHS = [
  'server.port',
  'server.tags',
  'server.host',
  'limits.min',
  'limits.max',
  'features.a',
  'features.b',
  'plugin.name',
  'plugin.options.level',
  'mode',
  'nope',
  '__proto__.x',
];

const anyValue = fc.oneof(
  fc.integer({ min: -10, max: 70_000 }),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 5 }),
  fc.constantFrom('dev', 'prod', null, undefined),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.record({ name: fc.string({ maxLength: 3 }) }),
);

const operation = fc.oneof(
  fc.record({
    kind: fc.constant('update' as const),
    path: fc.constantFrom(...PATHS),
    value: anyValue,
  }),
  fc.record({
    kind: fc.constant('many' as const),
    entries: fc.dictionary(fc.constantFrom(...PATHS), anyValue, { maxKeys: 3 }),
  }),
  fc.record({ kind: fc.constant('reset' as const) }),
);

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function hasForbiddenKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some(
    (key) => FORBIDDEN.has(key) || hasForbiddenKey((value as Record<string, unknown>)[key]),
  );
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('properties', () => {
  it('any sequence of valid and invalid writes leaves a frozen snapshot that passes the schema', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 25 }), (operations) => {
        const config = createConfig({ schema: appSchema, updatable: UPDATABLE });
        const untyped = config as unknown as {
          update(path: string, value: unknown): number;
          updateMany(entries: unknown): number;
        };
        for (const op of operations) {
          const before = config.get();
          const version = config.version;
          try {
            if (op.kind === 'update') untyped.update(op.path, op.value);
            else if (op.kind === 'many') untyped.updateMany(op.entries);
            else config.reset();
          } catch {
            // Refused: nothing may have changed.
            expect(config.get()).toBe(before);
            expect(config.version).toBe(version);
          }
          expect(appSchema.safeParse(config.get()).success).toBe(true);
          expect(isDeepFrozen(config.get())).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('after reset the configuration equals the start value', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 15 }), (operations) => {
        const config = createConfig({ schema: appSchema, updatable: UPDATABLE });
        const start = config.get();
        const untyped = config as unknown as {
          update(p: string, v: unknown): number;
          updateMany(e: unknown): number;
        };
        for (const op of operations) {
          try {
            if (op.kind === 'update') untyped.update(op.path, op.value);
            else if (op.kind === 'many') untyped.updateMany(op.entries);
          } catch {
            // refusals are fine here
          }
        }
        config.reset();
        expect(config.get()).toEqual(start);
      }),
      { numRuns: 100 },
    );
  });

  it('every accepted update notifies exactly once; a refused one never', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path: fc.constantFrom(...PATHS), value: anyValue }), {
          maxLength: 25,
        }),
        (writes) => {
          const config = createConfig({ schema: appSchema, updatable: UPDATABLE });
          const untyped = config as unknown as { update(p: string, v: unknown): number };
          let notified = 0;
          config.subscribe('*', () => {
            notified++;
          });
          for (const { path, value } of writes) {
            const before = notified;
            let accepted = true;
            try {
              untyped.update(path, value);
            } catch {
              accepted = false;
            }
            expect(notified - before).toBe(accepted ? 1 : 0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('JSON data written into an open namespace reads back equal, unless it holds a forbidden key', () => {
    const config = createConfig({
      schema: z.object({ app: z.record(z.string(), z.unknown()).default({}) }),
      updatable: ['app.*'],
    });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        if (hasForbiddenKey(value)) {
          let code: unknown;
          try {
            config.update('app.data', value);
          } catch (error) {
            code = (error as { code?: unknown }).code;
          }
          expect(code).toBe(1101);
          return;
        }
        config.update('app.data', value);
        expect(config.get('app.data')).toEqual(value);
        expect(isDeepFrozen(config.get('app.data'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('environment strings coerce to the numbers and strings they spell', () => {
    const schema = z.object({ n: z.number().default(0), s: z.string().default('') });
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string({ minLength: 1 }),
        (n, s) => {
          const config = createConfig({
            schema,
            sources: { env: { prefix: 'E_', vars: { E_N: String(n), E_S: s } } },
          });
          expect(config.get('n')).toBe(Number(String(n)));
          expect(config.get('s')).toBe(s);
        },
      ),
    );
  });

  it('a secret value never shows in JSON output, whatever it is', () => {
    const schema = z.object({
      token: z.string().default('x').meta({ secret: true }),
      name: z.string().default('n'),
    });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (secret) => {
        const token = `S3CR3T${secret}`;
        const config = createConfig({
          schema,
          sources: { overrides: { token } },
          updatable: ['token'],
        });
        config.update('token', `${token}!`);
        const output = JSON.stringify([config, config.history(), config.explain('token')]);
        expect(output).not.toContain('S3CR3T');
      }),
    );
  });
});
