/**
 * Telemetry benchmarks, side by side in one process: event dispatch against EventEmitter,
 * metric updates against the OpenTelemetry SDK (and prom-client, for reference), and a log
 * line through createLogger against bare pino writing to the same destination.
 * Run: pnpm --filter @foundation/telemetry bench
 */
import { BenchSuite } from '@foundation/bench-kit';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import promClient from 'prom-client';
import { createLogger, createTelemetry, type EventName } from '../src/index.js';

class NoopReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

// Event names and measurements declared once as frozen constants, as the README recommends; the
// unfrozen copies show the cost of passing a plain array (compared segment by segment) and a
// plain measurements object (checked on every call).
const NAME: EventName = Object.freeze(['foundation', 'config', 'updated']);
const UNFROZEN_NAME: EventName = [...NAME];
const MEASUREMENTS = Object.freeze({ count: 1 });
const UNFROZEN_MEASUREMENTS = { count: 1 };
const METADATA = { path: 'a.b' };
let sink = 0;

// Events.
const idle = createTelemetry();
const idleUnfrozen = createTelemetry();
const busy = createTelemetry();
busy.attach('one', NAME, (_name, measurements) => {
  sink += measurements.count!;
});
// A span's start and stop take turns: the single-name cache misses on every call.
const START: EventName = Object.freeze(['app', 'request', 'start']);
const STOP: EventName = Object.freeze(['app', 'request', 'stop']);
const turns = createTelemetry();
turns.attach('start', START, (_name, measurements) => {
  sink += measurements.count!;
});
turns.attach('stop', STOP, (_name, measurements) => {
  sink += measurements.count!;
});
const emitter = new EventEmitter();
emitter.on('foundation.config.updated', (measurements: { count: number }) => {
  sink += measurements.count;
});

// Metrics.
const ours = createTelemetry();
const counter = ours.metrics.counter('requests_total', { labelNames: ['route'] });
const boundCounter = counter.labels({ route: '/orders' });
const histogram = ours.metrics.histogram('latency_seconds', { labelNames: ['route'] });
const boundHistogram = histogram.labels({ route: '/orders' });
const LABELS = { route: '/orders' };

const provider = new MeterProvider({ readers: [new NoopReader()] });
const meter = provider.getMeter('bench');
const otelCounter = meter.createCounter('requests_total');
const otelHistogram = meter.createHistogram('latency_seconds', {
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
});

const promRegistry = new promClient.Registry();
const promCounter = new promClient.Counter({
  name: 'requests_total',
  help: 'h',
  labelNames: ['route'],
  registers: [promRegistry],
});

// Logs: both loggers write to the same destination, which drops the line.
const nowhere = { write: (line: string) => void (sink += line.length) };
const ourLogger = createLogger({ destination: nowhere });
const barePino = pino({}, nowhere);
const LINE = { orderId: 42, route: '/orders' };

let value = 0;
const next = (): number => (value = (value + 0.0137) % 3);

const suite = new BenchSuite('@foundation/telemetry', 5)
  .add('execute, no handler attached', () => {
    idle.execute(NAME, MEASUREMENTS, METADATA);
  })
  .add('execute, no handler attached, unfrozen name', () => {
    idleUnfrozen.execute(UNFROZEN_NAME, MEASUREMENTS, METADATA);
  })
  .add('execute, no handler attached, unfrozen measurements', () => {
    idle.execute(NAME, UNFROZEN_MEASUREMENTS, METADATA);
  })
  .add('execute, one handler', () => {
    busy.execute(NAME, MEASUREMENTS, METADATA);
  })
  .add('execute x2, two names taking turns, one handler each', () => {
    turns.execute(START, MEASUREMENTS, METADATA);
    turns.execute(STOP, MEASUREMENTS, METADATA);
  })
  .add('EventEmitter emit, one listener', () =>
    emitter.emit('foundation.config.updated', MEASUREMENTS, METADATA),
  )
  .add('counter.inc, one label', () => {
    counter.inc(LABELS);
  })
  .add('counter, bound series inc', () => {
    boundCounter.inc();
  })
  .add('OpenTelemetry SDK counter.add, one attribute', () => {
    otelCounter.add(1, LABELS);
  })
  .add('prom-client counter.inc, one label', () => {
    promCounter.inc(LABELS);
  })
  .add('histogram.record, one label', () => {
    histogram.record(LABELS, next());
  })
  .add('histogram, bound series record', () => {
    boundHistogram.record(next());
  })
  .add('OpenTelemetry SDK histogram.record, one attribute', () => {
    otelHistogram.record(next(), LABELS);
  })
  .add('log line, createLogger', () => {
    ourLogger.info(LINE, 'order created');
  })
  .add('log line, bare pino', () => {
    barePino.info(LINE, 'order created');
  })
  .underNs('execute, no handler attached', 5)
  .atMostTimes('execute, one handler', 'EventEmitter emit, one listener', 3)
  .fasterThan('counter.inc, one label', 'OpenTelemetry SDK counter.add, one attribute', 5)
  .fasterThan('histogram.record, one label', 'OpenTelemetry SDK histogram.record, one attribute', 5)
  .atMostTimes('log line, createLogger', 'log line, bare pino', 1.15);

await suite.run();
await provider.shutdown();
if (sink < 0) console.log(sink);
