/**
 * The seed's default configuration (ElixirScope's `Foundation.Config`), as an example schema:
 * the Elixir defaults, its validation rules and its runtime-updatable paths. The store itself
 * knows no application's schema; the playground uses this one.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
// Choices are literal unions (not z.enum) so the documented type stays a plain union.

/** The ElixirScope configuration schema with the Elixir defaults. */
export const elixirScopeExampleSchema = z.object({
  ai: z.object({
    provider: z.literal(['mock', 'openai', 'anthropic', 'gemini']).default('mock'),
    apiKey: z.string().nullable().default(null).meta({ secret: true }),
    model: z.string().default('gpt-4'),
    analysis: z.object({
      maxFileSize: positiveInt.default(1_000_000),
      timeout: positiveInt.default(30_000),
      cacheTtl: positiveInt.default(3600),
    }),
    planning: z.object({
      defaultStrategy: z.literal(['fast', 'balanced', 'thorough']).default('balanced'),
      performanceTarget: z.number().min(0).default(0.01),
      samplingRate: z.number().min(0).max(1).default(1.0),
    }),
  }),
  capture: z.object({
    ringBuffer: z.object({
      size: positiveInt.default(1024),
      maxEvents: positiveInt.default(1000),
      overflowStrategy: z.literal(['drop_oldest', 'drop_newest', 'block']).default('drop_oldest'),
      numBuffers: z.union([positiveInt, z.literal('schedulers')]).default('schedulers'),
    }),
    processing: z.object({
      batchSize: positiveInt.default(100),
      flushInterval: positiveInt.default(50),
      maxQueueSize: positiveInt.default(1000),
    }),
    vmTracing: z.object({
      enableSpawnTrace: z.boolean().default(true),
      enableExitTrace: z.boolean().default(true),
      enableMessageTrace: z.boolean().default(false),
      traceChildren: z.boolean().default(true),
    }),
  }),
  storage: z.object({
    hot: z.object({
      maxEvents: positiveInt.default(100_000),
      maxAgeSeconds: positiveInt.default(3600),
      pruneInterval: positiveInt.default(60_000),
    }),
    warm: z.object({
      enable: z.boolean().default(false),
      path: z.string().default('./elixir_scope_data'),
      maxSizeMb: positiveInt.default(100),
      compression: z.literal(['none', 'gzip', 'zstd']).default('zstd'),
    }),
    cold: z.object({
      // The seed accepts only a disabled cold tier.
      enable: z.literal(false).default(false),
    }),
  }),
  interface: z.object({
    queryTimeout: positiveInt.default(10_000),
    maxResults: positiveInt.default(1000),
    enableStreaming: z.boolean().default(true),
  }),
  dev: z.object({
    debugMode: z.boolean().default(false),
    verboseLogging: z.boolean().default(false),
    performanceMonitoring: z.boolean().default(true),
  }),
});

/** The configuration type of {@link elixirScopeExampleSchema}. */
export type ElixirScopeExampleConfig = z.output<typeof elixirScopeExampleSchema>;

/** The seed's runtime-updatable paths (`@updatable_paths`). */
export const elixirScopeUpdatablePaths = [
  'ai.planning.samplingRate',
  'ai.planning.performanceTarget',
  'capture.processing.batchSize',
  'capture.processing.flushInterval',
  'interface.queryTimeout',
  'interface.maxResults',
  'dev.debugMode',
  'dev.verboseLogging',
  'dev.performanceMonitoring',
] as const;
