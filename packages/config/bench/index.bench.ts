/**
 * Config benchmarks, side by side with convict and node-config in one process.
 * Run: pnpm --filter @foundation/config bench
 */
import { BenchSuite } from '@foundation/bench-kit';
import convict from 'convict';
import { z } from 'zod';
import { elixirScopeExampleSchema, elixirScopeUpdatablePaths } from '../src/examples/index.js';
import { createConfig } from '../src/index.js';

const PATH = 'ai.planning.samplingRate';
const SEGMENTS = PATH.split('.');

const config = createConfig({
  schema: elixirScopeExampleSchema,
  updatable: elixirScopeUpdatablePaths,
});

function num(value: number) {
  return { format: Number, default: value };
}
function bool(value: boolean) {
  return { format: Boolean, default: value };
}
function oneOf(values: string[], value: string) {
  return { format: values, default: value };
}

// The same ~35 fields in convict's schema language.
const convictConfig = convict({
  ai: {
    provider: oneOf(['mock', 'openai', 'anthropic', 'gemini'], 'mock'),
    apiKey: { format: String, default: null as unknown as string, nullable: true, sensitive: true },
    model: { format: String, default: 'gpt-4' },
    analysis: { maxFileSize: num(1_000_000), timeout: num(30_000), cacheTtl: num(3600) },
    planning: {
      defaultStrategy: oneOf(['fast', 'balanced', 'thorough'], 'balanced'),
      performanceTarget: num(0.01),
      samplingRate: {
        format: (value: unknown) => {
          if (typeof value !== 'number' || value < 0 || value > 1) throw new Error('0..1');
        },
        default: 1,
      },
    },
  },
  capture: {
    ringBuffer: {
      size: num(1024),
      maxEvents: num(1000),
      overflowStrategy: oneOf(['drop_oldest', 'drop_newest', 'block'], 'drop_oldest'),
      numBuffers: { format: '*', default: 'schedulers' },
    },
    processing: { batchSize: num(100), flushInterval: num(50), maxQueueSize: num(1000) },
    vmTracing: {
      enableSpawnTrace: bool(true),
      enableExitTrace: bool(true),
      enableMessageTrace: bool(false),
      traceChildren: bool(true),
    },
  },
  storage: {
    hot: { maxEvents: num(100_000), maxAgeSeconds: num(3600), pruneInterval: num(60_000) },
    warm: {
      enable: bool(false),
      path: { format: String, default: './elixir_scope_data' },
      maxSizeMb: num(100),
      compression: oneOf(['none', 'gzip', 'zstd'], 'zstd'),
    },
    cold: { enable: bool(false) },
  },
  interface: { queryTimeout: num(10_000), maxResults: num(1000), enableStreaming: bool(true) },
  dev: { debugMode: bool(false), verboseLogging: bool(false), performanceMonitoring: bool(true) },
});
convictConfig.validate({ allowed: 'strict' });

// node-config reads NODE_CONFIG at import; the bench (not the library) sets it for the peer.
process.env.SUPPRESS_NO_CONFIG_WARNING = 'y';
process.env.NODE_CONFIG = JSON.stringify(config.get());
const nodeConfig = (await import('config')).default;

const snapshot = config.get() as unknown;
// The baseline: a walk over a path split once, ahead of time.
function plainWalk(root: unknown, segments: readonly string[]): unknown {
  let current = root as Record<string, unknown> | undefined;
  for (const segment of segments) {
    if (current === undefined) return undefined;
    current = current[segment] as Record<string, unknown> | undefined;
  }
  return current;
}

// ---- a 30-field service schema, as users write them ----------------------------------------
// 30 leaves: a flat 24-field `server` object, a nested `database.pool`, and top-level leaves.
const port = z.number().int().min(1).max(65_535);
const ms = z.number().int().min(0);
const count = z.number().int().positive();
const serviceSchema = z.object({
  server: z.object({
    host: z.string().default('0.0.0.0'),
    port: port.default(8080),
    basePath: z.string().default('/'),
    requestTimeoutMs: ms.default(30_000),
    keepAliveMs: ms.default(5000),
    headersTimeoutMs: ms.default(60_000),
    maxBodyBytes: count.default(1_048_576),
    maxHeaderBytes: count.default(16_384),
    maxConnections: count.default(1024),
    backlog: count.default(511),
    trustProxy: z.boolean().default(false),
    compression: z.boolean().default(true),
    etag: z.boolean().default(true),
    cors: z.boolean().default(false),
    corsOrigin: z.string().default('*'),
    logRequests: z.boolean().default(true),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    rateLimitPerMinute: count.default(600),
    rateLimitBurst: count.default(50),
    shutdownGraceMs: ms.default(10_000),
    drainMs: ms.default(5000),
    http2: z.boolean().default(false),
    tlsEnabled: z.boolean().default(false),
    sampleRate: z.number().min(0).max(1).default(1),
  }),
  database: z.object({
    pool: z.object({ min: z.number().int().min(0).default(2), max: count.default(10) }),
    url: z.string().default('postgres://localhost/app'),
  }),
  cache: z.object({ ttlSeconds: count.default(60), enabled: z.boolean().default(true) }),
  region: z.string().default('eu-west-1'),
});
const service = createConfig({
  schema: serviceSchema,
  updatable: ['server.*', 'database.*', 'cache.*', 'region'],
});

const int = (value: number) => ({ format: 'int', default: value });
const text = (value: string) => ({ format: String, default: value });
const convictService = convict({
  server: {
    host: text('0.0.0.0'),
    port: { format: 'port', default: 8080 },
    basePath: text('/'),
    requestTimeoutMs: int(30_000),
    keepAliveMs: int(5000),
    headersTimeoutMs: int(60_000),
    maxBodyBytes: int(1_048_576),
    maxHeaderBytes: int(16_384),
    maxConnections: int(1024),
    backlog: int(511),
    trustProxy: bool(false),
    compression: bool(true),
    etag: bool(true),
    cors: bool(false),
    corsOrigin: text('*'),
    logRequests: bool(true),
    logLevel: oneOf(['debug', 'info', 'warn', 'error'], 'info'),
    rateLimitPerMinute: int(600),
    rateLimitBurst: int(50),
    shutdownGraceMs: int(10_000),
    drainMs: int(5000),
    http2: bool(false),
    tlsEnabled: bool(false),
    sampleRate: {
      format: (value: unknown) => {
        if (typeof value !== 'number' || value < 0 || value > 1) throw new Error('0..1');
      },
      default: 1,
    },
  },
  database: { pool: { min: int(2), max: int(10) }, url: text('postgres://localhost/app') },
  cache: { ttlSeconds: int(60), enabled: bool(true) },
  region: text('eu-west-1'),
});
convictService.validate({ allowed: 'strict' });

// The leaves updated, each with two valid values to alternate between.
const LEAVES = {
  'a number in the 24-field object': ['server.requestTimeoutMs', 20_000, 40_000],
  'an enum in the 24-field object': ['server.logLevel', 'debug', 'warn'],
  'a nested number (database.pool.max)': ['database.pool.max', 20, 30],
  'a top-level string (region)': ['region', 'eu-central-1', 'us-east-1'],
} as const;

let flip = 0;
const suite = new BenchSuite('@foundation/config', 5)
  .add('plain walk (pre-split path)', () => plainWalk(snapshot, SEGMENTS))
  .add('config.get(dotted path)', () => config.get(PATH))
  .add('convict.get', () => convictConfig.get(PATH))
  .add('node-config get', () => nodeConfig.get(PATH))
  .add('config.update (number, ~35 fields, cheapest)', () => {
    flip ^= 1;
    return config.update(PATH, flip ? 0.25 : 0.75);
  })
  .add('convict set + validate (~35 fields)', () => {
    flip ^= 1;
    convictConfig.set(PATH, flip ? 0.25 : 0.75);
    convictConfig.validate({ allowed: 'strict' });
    return convictConfig;
  })
  .atMostTimes('config.get(dotted path)', 'plain walk (pre-split path)', 1.5)
  .fasterThan('config.get(dotted path)', 'convict.get', 5)
  .fasterThan(
    'config.update (number, ~35 fields, cheapest)',
    'convict set + validate (~35 fields)',
    5,
  );

// Every leaf of the 30-field schema, ours against convict's set + validate of the same leaf.
for (const [label, [path, a, b]] of Object.entries(LEAVES)) {
  const ours = `30 fields: config.update of ${label}`;
  const theirs = `30 fields: convict set + validate of ${label}`;
  let turn = 0;
  suite
    .add(ours, () => {
      turn ^= 1;
      return service.update(path as never, (turn ? a : b) as never);
    })
    .add(theirs, () => {
      turn ^= 1;
      convictService.set(path, turn ? a : b);
      convictService.validate({ allowed: 'strict' });
      return convictService;
    })
    .fasterThan(ours, theirs, 5);
}

await suite.run();
