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

// Event names as users write them: a frozen constant (the cheapest case, as the README
// suggests), a plain array kept in a constant (the common case), and a fresh literal at the call
// site. Measurements likewise: a frozen constant, or a fresh object per call ({ durationNs }).
const NAME: EventName = Object.freeze(['foundation', 'config', 'updated']);
const PLAIN_NAME: EventName = ['foundation', 'config', 'updated'];
const MEASUREMENTS = Object.freeze({ count: 1 });
const PLAIN_MEASUREMENTS = { count: 1 };
const METADATA = { path: 'a.b' };
let sink = 0;
let tick = 0;
// A fresh count per call that stays a small integer (a counter growing past 2^30 turns into a
// heap number and makes V8 recompile the cases halfway through).
const nextCount = (): number => (tick = (tick + 1) & 1023);

// Events: one instance per case, so one case's names never warm another's cache.
const idle = createTelemetry();
const idlePlain = createTelemetry();
const idlePlainMeasured = createTelemetry();
const idleFresh = createTelemetry();
const idleLiteral = createTelemetry();
const handler = (_name: EventName, measurements: Readonly<Record<string, number>>): void => {
  sink += measurements.count!;
};
const busy = createTelemetry();
busy.attach('one', NAME, handler);
const busyPlain = createTelemetry();
busyPlain.attach('one', PLAIN_NAME, handler);
const busyLiteral = createTelemetry();
busyLiteral.attach('one', PLAIN_NAME, handler);
// A span's start and stop take turns, as plain arrays.
const START: EventName = ['app', 'request', 'start'];
const STOP: EventName = ['app', 'request', 'stop'];
const turns = createTelemetry();
turns.attach('start', START, handler);
turns.attach('stop', STOP, handler);
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
  .add('execute, no handler, frozen name and measurements (cheapest)', () => {
    idle.execute(NAME, MEASUREMENTS, METADATA);
  })
  .add('execute, no handler, plain name array kept by the caller', () => {
    idlePlain.execute(PLAIN_NAME, MEASUREMENTS, METADATA);
  })
  .add('execute, no handler, plain name and plain measurements kept', () => {
    idlePlainMeasured.execute(PLAIN_NAME, PLAIN_MEASUREMENTS, METADATA);
  })
  .add('execute, no handler, plain name, fresh measurements', () => {
    idleFresh.execute(PLAIN_NAME, { count: nextCount() }, METADATA);
  })
  .add('execute, no handler, fresh literal name and measurements', () => {
    idleLiteral.execute(['foundation', 'config', 'updated'], { count: nextCount() }, METADATA);
  })
  .add('execute, one handler, frozen name and measurements (cheapest)', () => {
    busy.execute(NAME, MEASUREMENTS, METADATA);
  })
  .add('execute, one handler, plain name, fresh measurements', () => {
    busyPlain.execute(PLAIN_NAME, { count: nextCount() }, METADATA);
  })
  .add('execute, one handler, fresh literal name and measurements', () => {
    busyLiteral.execute(['foundation', 'config', 'updated'], { count: nextCount() }, METADATA);
  })
  .add('EventEmitter emit, one listener, fresh measurements', () =>
    emitter.emit('foundation.config.updated', { count: nextCount() }, METADATA),
  )
  .add('EventEmitter emit, one listener, constant measurements (cheapest)', () =>
    emitter.emit('foundation.config.updated', MEASUREMENTS, METADATA),
  )
  .add('execute x2, plain names taking turns, one handler each', () => {
    turns.execute(START, { count: nextCount() }, METADATA);
    turns.execute(STOP, { count: nextCount() }, METADATA);
  })
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
  .underNs('execute, no handler, frozen name and measurements (cheapest)', 5)
  .underNs('execute, no handler, plain name array kept by the caller', 5)
  .atMostTimes(
    'execute, one handler, plain name, fresh measurements',
    'EventEmitter emit, one listener, fresh measurements',
    3,
  )
  .atMostTimes(
    'execute, one handler, fresh literal name and measurements',
    'EventEmitter emit, one listener, fresh measurements',
    3,
  )
  .fasterThan('counter.inc, one label', 'OpenTelemetry SDK counter.add, one attribute', 5)
  .fasterThan('histogram.record, one label', 'OpenTelemetry SDK histogram.record, one attribute', 5)
  .atMostTimes('log line, createLogger', 'log line, bare pino', 1.15);

await suite.run();
await provider.shutdown();
if (sink < 0) console.log(sink);
