/**
 * Config benchmarks, side by side with convict and node-config in one process.
 * Run: pnpm --filter @foundation/config bench
 */
import { BenchSuite } from '@foundation/bench-kit';
import convict from 'convict';
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

let flip = 0;
const suite = new BenchSuite('@foundation/config', 5)
  .add('plain walk (pre-split path)', () => plainWalk(snapshot, SEGMENTS))
  .add('config.get(dotted path)', () => config.get(PATH))
  .add('convict.get', () => convictConfig.get(PATH))
  .add('node-config get', () => nodeConfig.get(PATH))
  .add('config.update (number, ~35 fields)', () => {
    flip ^= 1;
    return config.update(PATH, flip ? 0.25 : 0.75);
  })
  .add('convict set + validate', () => {
    flip ^= 1;
    convictConfig.set(PATH, flip ? 0.25 : 0.75);
    convictConfig.validate({ allowed: 'strict' });
    return convictConfig;
  })
  .atMostTimes('config.get(dotted path)', 'plain walk (pre-split path)', 1.5)
  .fasterThan('config.get(dotted path)', 'convict.get', 5)
  .fasterThan('config.update (number, ~35 fields)', 'convict set + validate', 5);

await suite.run();
