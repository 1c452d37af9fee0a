/**
 * Benchmarks of @foundation/errors: creating a FoundationError (outside and inside an error
 * context) next to a plain `new Error()`, and the JSON round trip of an error next to a plain
 * JSON round trip of the same data. Run with `pnpm --filter @foundation/errors bench`; a missed
 * target exits non-zero. Memory figures need `--expose-gc` (the package script passes it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { BenchSuite, retainedBytes } from '@foundation/bench-kit';
import {
  addBreadcrumb,
  deserializeError,
  FoundationError,
  serializeError,
  withContext,
} from '../src/index.js';

// Creation is measured in batches of 100 so that switching into the flow once per batch costs
// next to nothing per error; every figure of these three cases is per 100 errors.
const BATCH = 100;
const context = { path: 'orders.items[3].quantity', rule: 'must be positive' };

function plainErrors(): Error[] {
  const out: Error[] = [];
  for (let i = 0; i < BATCH; i++) out.push(new Error('quantity must be positive'));
  return out;
}

function foundationErrors(): FoundationError[] {
  const out: FoundationError[] = [];
  for (let i = 0; i < BATCH; i++) {
    out.push(new FoundationError('invalid_input', 'quantity must be positive', { context }));
  }
  return out;
}

// A realistic flow: a parent and a child operation with ten breadcrumbs recorded. The snapshot
// runs each batch inside that flow, so the case measures creation, not entering the context.
const runInFlow = withContext({ operation: 'orders.create', metadata: { userId: 'u-1' } }, () =>
  withContext({ operation: 'orders.validate' }, () => {
    for (let i = 0; i < 10; i++) addBreadcrumb(`step ${i}`);
    return AsyncLocalStorage.snapshot();
  }),
);
const inContext = (): FoundationError[] => runInFlow(foundationErrors);

const sample = withContext({ operation: 'config.load' }, () => {
  addBreadcrumb('reading file');
  return new FoundationError('config_not_found', 'no config file', {
    context: { path: '/etc/app/config.json' },
    cause: Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2 }),
  });
});
// The same data as a plain object, so both round trips move the same JSON.
const plainObject = serializeError(sample);

// Memory is measured only when the GC is exposed (the package script runs with --expose-gc).
const memory = 'gc' in globalThis ? await measureMemory() : undefined;

async function measureMemory(): Promise<{ plain: number; foundation: number }> {
  const count = 10_000;
  const per = async (make: () => unknown[]): Promise<number> => {
    const bytes = await retainedBytes(() => Array.from({ length: count / BATCH }, make));
    return bytes / count;
  };
  return { plain: await per(plainErrors), foundation: await per(inContext) };
}

const suite = new BenchSuite('@foundation/errors', 3)
  .add('new Error() ×100', plainErrors)
  .add('new FoundationError() ×100, outside a context', foundationErrors)
  .add('new FoundationError() ×100, inside a context', inContext)
  .add(
    'JSON.parse(JSON.stringify(plain object))',
    () => JSON.parse(JSON.stringify(plainObject)) as unknown,
  )
  .add('deserializeError(JSON.stringify(serializeError(error)))', () =>
    deserializeError(JSON.stringify(serializeError(sample))),
  )
  // The issue sets no figures; these are this package's own, with room for a noisy machine.
  .atMostTimes('new FoundationError() ×100, outside a context', 'new Error() ×100', 2)
  .atMostTimes('new FoundationError() ×100, inside a context', 'new Error() ×100', 3)
  .atMostTimes(
    'deserializeError(JSON.stringify(serializeError(error)))',
    'JSON.parse(JSON.stringify(plain object))',
    5,
  );

if (memory) {
  suite.check('retained heap per FoundationError (in a context) < 1.5 KB', () => ({
    ok: memory.foundation < 1536,
    actual: `${Math.round(memory.foundation)} B (new Error(): ${Math.round(memory.plain)} B)`,
  }));
}

await suite.run();
