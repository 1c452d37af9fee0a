import { isForbiddenKey } from '@foundation/errors';
import { z } from 'zod';
import { qualityError } from '../errors.js';

const percent = z.number().min(0).max(100);
const count = z.number().int().min(0);
const relPath = z.string().min(1);
const command = z.string().trim().min(1);

const coverage = z.strictObject({
  threshold: percent.default(95),
  metrics: z
    .array(z.enum(['lines', 'branches', 'functions', 'statements']))
    .min(1)
    .default(['lines', 'branches', 'functions', 'statements']),
  summaryFile: relPath.default('coverage/coverage-summary.json'),
  command: command.optional(),
  leastCovered: count.default(5),
});
const types = z.strictObject({
  projects: z.array(relPath).optional(),
  maxErrors: count.default(0),
});
const lint = z.strictObject({
  patterns: z.array(relPath).min(1).optional(),
  maxErrors: count.default(0),
  maxWarnings: count.default(0),
  minScore: percent.default(0),
});
const docs = z.strictObject({
  entry: relPath.default('src/index.ts'),
  maxUndocumented: count.default(0),
  requireParams: z.boolean().default(true),
  requireReturns: z.boolean().default(true),
  requireThrows: z.boolean().default(true),
});
const performance = z.strictObject({
  command,
  baseline: relPath.default('quality/baseline.json'),
  maxRegression: z.number().gt(0).lt(1).default(0.05),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  rounds: z.number().int().min(3).max(1000).default(10),
});
const dependencies = z.strictObject({
  command: command.default('pnpm audit --json'),
  severity: z.enum(['low', 'moderate', 'high', 'critical']).default('high'),
  timeoutMs: z.number().int().min(1).default(120_000),
});
const secrets = z.strictObject({ allowList: relPath.optional() });
const api = z.strictObject({
  reportDir: relPath.default('quality/api'),
  entry: relPath.default('dist/index.d.ts'),
  changesetDir: relPath.default('.changeset'),
});
const level = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  command,
  cwd: relPath.optional(),
  description: z.string().optional(),
});

const schema = z.strictObject({
  rootDir: relPath.optional(),
  packages: z.array(relPath).min(1).default(['packages/*']),
  gates: z
    .strictObject({
      coverage: coverage.optional(),
      types: types.optional(),
      lint: lint.optional(),
      docs: docs.optional(),
      performance: performance.optional(),
      dependencies: dependencies.optional(),
      secrets: secrets.optional(),
      api: api.optional(),
    })
    .default({}),
  levels: z
    .array(level)
    .default([])
    .refine((levels) => new Set(levels.map((l) => l.name)).size === levels.length, {
      message: 'level names must be unique',
    }),
});

/** A configuration with every default filled in. */
export type ResolvedConfig = z.output<typeof schema>;
/** The options of each gate after defaults. */
export type ResolvedGates = ResolvedConfig['gates'];

/** The first forbidden key (`__proto__`, `constructor`, `prototype`) anywhere in `value`. */
function forbiddenKeyPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (isForbiddenKey(key)) return at;
    const nested = forbiddenKeyPath((value as Record<string, unknown>)[key], at, depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/**
 * Checks a configuration and fills in the defaults. Every problem is named with its path and
 * the rule it breaks, in one error, so a user fixes them all at once.
 *
 * @param raw - the configuration as loaded
 * @param source - where it came from, for the message
 * @returns the configuration with defaults
 * @throws FoundationError 8101 (`quality_config_invalid`) listing each problem
 */
export function validateConfig(raw: unknown, source: string): ResolvedConfig {
  const forbidden = forbiddenKeyPath(raw, '');
  if (forbidden !== undefined) {
    throw qualityError(
      'quality_config_invalid',
      `${source}: ${forbidden}: forbidden key`,
      'Remove the key: __proto__, constructor and prototype are refused',
      { source, problems: [{ path: forbidden, rule: 'forbidden key' }] },
    );
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    rule: issue.message,
  }));
  throw qualityError(
    'quality_config_invalid',
    `${source} is invalid: ${problems.map((p) => `${p.path}: ${p.rule}`).join('; ')}`,
    'Fix each listed path (see the README for every option)',
    { source, problems },
  );
}
