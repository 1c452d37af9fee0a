/**
 * Benchmarks of @foundation/resilience side by side with cockatiel, opossum, p-retry and
 * rate-limiter-flexible, in one process, on an async function that resolves at once. Run with
 * `pnpm --filter @foundation/resilience bench`; a missed target exits non-zero.
 */
import { BenchSuite, retainedBytes } from '@foundation/bench-kit';
import { systemClock } from '@foundation/core';
import {
  circuitBreaker as cockatielBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleAll,
  retry as cockatielRetry,
  wrap,
} from 'cockatiel';
import Opossum from 'opossum';
import pRetry from 'p-retry';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { circuitBreaker, pipeline, rateLimiter, retry, timeout } from '../src/index.js';

const work = async (): Promise<number> => 1;

const foundationBreaker = circuitBreaker({ openMs: 10_000 });
const cockatielOnly = cockatielBreaker(handleAll, {
  halfOpenAfter: 10_000,
  breaker: new ConsecutiveBreaker(5),
});
const opossum = new Opossum(work, { resetTimeout: 10_000, timeout: false });

const foundationRetry = retry({ maxAttempts: 3 });

const foundationPipeline = pipeline(
  retry({ maxAttempts: 3 }),
  circuitBreaker({ openMs: 10_000 }),
  timeout(10_000),
);
const cockatielWrapped = wrap(
  cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
  cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
);

const limiter = rateLimiter({ rate: 1e12, burst: 1e12, keyed: true });
const flexible = new RateLimiterMemory({ points: 1e12, duration: 1 });

const suite = new BenchSuite('@foundation/resilience policies', 3)
  .add('bare await', async () => await work())
  .add('foundation breaker.execute', () => foundationBreaker.execute(work))
  .add('cockatiel breaker.execute', () => cockatielOnly.execute(work))
  .add('opossum fire', () => opossum.fire())
  .add('foundation retry (no failure)', () => foundationRetry.execute(work))
  .add('p-retry (no failure)', () => pRetry(work, { retries: 2 }))
  .add('foundation retry+breaker+timeout', () => foundationPipeline.execute(work))
  .add('cockatiel wrap(retry, breaker)', () => cockatielWrapped.execute(work))
  .add('foundation rateLimiter.check', () => limiter.check('user-1'))
  .add('rate-limiter-flexible consume', () => flexible.consume('user-1'))
  // The floor under any token bucket: one monotonic clock read (shown for context).
  .add('systemClock.nowMs()', () => systemClock.nowMs())
  .atMostTimes('foundation breaker.execute', 'cockatiel breaker.execute', 1)
  .fasterThan('foundation retry (no failure)', 'p-retry (no failure)', 20)
  .atMostTimes('foundation retry+breaker+timeout', 'cockatiel wrap(retry, breaker)', 1.5)
  .fasterThan('foundation rateLimiter.check', 'rate-limiter-flexible consume', 5);

const CALLS = 1_000_000;
let foundationRetained = 0;
let opossumRetained = 0;
suite.check('1M breaker calls retain < 200 KB after GC', () => ({
  ok: foundationRetained < 200 * 1024,
  actual: `${(foundationRetained / 1024).toFixed(1)} KB (opossum: ${(opossumRetained / 1024 / 1024).toFixed(1)} MB)`,
}));

async function millionCalls(fire: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < CALLS; i++) await fire();
}

// Memory first, on fresh instances, before the timing loops warm everything up.
const memoryBreaker = circuitBreaker({ openMs: 10_000 });
foundationRetained = await retainedBytes(async () => {
  await millionCalls(() => memoryBreaker.execute(work));
  return memoryBreaker;
});
const memoryOpossum = new Opossum(work, { resetTimeout: 10_000, timeout: false });
opossumRetained = await retainedBytes(async () => {
  await millionCalls(() => memoryOpossum.fire());
  return memoryOpossum;
});
memoryOpossum.shutdown();

await suite.run();
opossum.shutdown();

// The supervision benchmarks (restart latency) run in the same `pnpm bench`.
await import('./supervision.bench.js');
