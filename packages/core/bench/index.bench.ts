/**
 * Benchmarks of @foundation/core's hot paths, side by side with the platform's own UUID
 * generator. Run with `pnpm --filter @foundation/core bench`; a missed target exits non-zero.
 */
import { randomUUID } from 'node:crypto';
import { BenchSuite } from '@foundation/bench-kit';
import { generateCorrelationId, generateId, measure, nextSequence } from '../src/index.js';

const noop = (): number => 0;

const suite = new BenchSuite('@foundation/core', 3)
  .add('crypto.randomUUID()', () => randomUUID())
  .add('generateId()', () => generateId())
  .add('generateCorrelationId()', () => generateCorrelationId())
  .add('nextSequence()', () => nextSequence())
  .add('measure(noop)', () => measure(noop))
  // The `uuid` package's v7 is not a dependency of this workspace, so it is not compared here.
  .atMostTimes('generateId()', 'crypto.randomUUID()', 1.2);

await suite.run();
