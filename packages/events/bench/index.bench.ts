/**
 * Benchmarks of @foundation/events, side by side with the CloudEvents SDK in one process.
 * Run with `pnpm --filter @foundation/events bench`; a missed target exits non-zero.
 */
import { BenchSuite } from '@foundation/bench-kit';
import { generateId } from '@foundation/core';
import { CloudEvent, HTTP } from 'cloudevents';
import { z } from 'zod';
import {
  createEvent,
  defineEvents,
  deserialize,
  EventStore,
  serialize,
  type CreateEventOptions,
} from '../src/index.js';

const payload = {
  userId: 12345,
  email: 'user@example.com',
  plan: 'pro',
  tags: ['beta', 'newsletter'],
  active: true,
};

// ---- creation -------------------------------------------------------------------------
const create = new BenchSuite('@foundation/events: create', 3)
  .add(
    'new CloudEvent()',
    () => new CloudEvent({ type: 'user.created', source: '/bench/users', data: payload }),
  )
  .add('createEvent()', () => createEvent('user.created', payload))
  .fasterThan('createEvent()', 'new CloudEvent()', 4);

// ---- serialization round trip --------------------------------------------------------
const event = createEvent('user.created', payload);
const cloudEvent = new CloudEvent({ type: 'user.created', source: '/bench/users', data: payload });
const registry = defineEvents({
  'user.created': z.object({
    userId: z.number(),
    email: z.string(),
    plan: z.string(),
    tags: z.array(z.string()),
    active: z.boolean(),
  }),
});
const binary = serialize(event, { format: 'binary' });
// The realistic case: a payload with nested objects and arrays (see orderPayload below).
const nested = createEvent('order.placed', orderPayload(7));

const roundTrip = new BenchSuite('@foundation/events: JSON round trip', 3)
  .add('JSON.parse(JSON.stringify(event))', () => JSON.parse(JSON.stringify(event)) as unknown)
  .add('deserialize(serialize(event))', () => deserialize(serialize(event)))
  .add('registry.deserialize(serialize(event))', () => registry.deserialize(serialize(event)))
  .add('binary deserialize(serialize(event))', () =>
    deserialize(serialize(event, { format: 'binary' })),
  )
  .add('binary deserialize only', () => deserialize(binary))
  .add(
    'nested payload: JSON.parse(JSON.stringify(event))',
    () => JSON.parse(JSON.stringify(nested)) as unknown,
  )
  .add('nested payload: deserialize(serialize(event))', () => deserialize(serialize(nested)))
  .add('nested payload: binary deserialize(serialize(event))', () =>
    deserialize(serialize(nested, { format: 'binary' })),
  )
  .add('CloudEvents SDK HTTP.toEvent(HTTP.structured(ce))', () =>
    HTTP.toEvent(HTTP.structured(cloudEvent)),
  )
  .atMostTimes('deserialize(serialize(event))', 'JSON.parse(JSON.stringify(event))', 2)
  .fasterThan(
    'deserialize(serialize(event))',
    'CloudEvents SDK HTTP.toEvent(HTTP.structured(ce))',
    5,
  )
  .atMostTimes(
    'nested payload: deserialize(serialize(event))',
    'nested payload: JSON.parse(JSON.stringify(event))',
    2,
  )
  .fasterThan(
    'nested payload: binary deserialize(serialize(event))',
    'nested payload: deserialize(serialize(event))',
    1,
  )
  .fasterThan('binary deserialize(serialize(event))', 'deserialize(serialize(event))', 1)
  .check('nested payload: binary smaller than JSON', () => {
    const json = serialize(nested).byteLength;
    const bytes = serialize(nested, { format: 'binary' }).byteLength;
    return { ok: bytes < json, actual: `${bytes} against ${json} bytes` };
  });

// ---- store ------------------------------------------------------------------------------
const HELD = 100_000;
// A payload with nested objects and arrays, made per event as an application would.
function orderPayload(index: number) {
  return {
    order: { id: index, customer: { id: `c-${index % 977}`, tier: 'gold', tags: ['vip', 'eu'] } },
    lines: [
      { sku: 'A-1', qty: 2, price: 12.5 },
      { sku: 'B-7', qty: 1, price: 99 },
    ],
    total: 124,
    currency: 'EUR',
    paid: true,
  };
}
const CORRELATIONS = Array.from({ length: 10_000 }, (_, index) => `corr-${index}`);
// How events get their correlation id: a fresh one each (createEvent outside any context), one
// of 10k (requests of a few events each), or one shared by all.
const patterns = {
  'own correlation each': (): CreateEventOptions | undefined => undefined,
  '10k correlations': (index: number): CreateEventOptions => ({
    correlationId: CORRELATIONS[index % CORRELATIONS.length]!,
  }),
  'one shared correlation': (): CreateEventOptions => ({ correlationId: 'shared-correlation' }),
};

/** A store at its bound of 100k events, so every append also prunes the oldest. */
function fullStore(options: (index: number) => CreateEventOptions | undefined): EventStore {
  // Default bounds otherwise (24 h age, 64 MiB), so the age check runs on every append.
  const store = new EventStore({ maxEvents: HELD });
  for (let index = 0; index < HELD; index++) {
    store.append(createEvent('order.placed', orderPayload(index), options(index)));
  }
  return store;
}

// One suite per pattern, each with its own full store (dropped before the next is filled), so
// no store's heap slows another's garbage collection.
const appendSuites = Object.entries(patterns).map(([pattern, options]) => {
  let store: EventStore | undefined;
  let index = HELD;
  const make = `createEvent, nested payload, ${pattern} (event making, for reference)`;
  const append = `append of that event, ${pattern}, 100k held, pruning`;
  const suite: BenchSuite = new BenchSuite(`@foundation/events: append, ${pattern}`, 3)
    .add(make, () => createEvent('order.placed', orderPayload(index), options(index++)))
    .add(append, () =>
      store!.append(createEvent('order.placed', orderPayload(index), options(index++))),
    )
    .check(`append (making the event subtracted), ${pattern} < 1.00 µs`, () => {
      const appendNs = suite.results.get(append)!.avgNs - suite.results.get(make)!.avgNs;
      return { ok: appendNs < 1000, actual: `${appendNs.toFixed(1)} ns` };
    })
    .check(`the store stays at its bound, ${pattern}`, () => {
      const count = store!.stats().count;
      return { ok: count === HELD, actual: `${count} held` };
    });
  return {
    run: async () => {
      store = fullStore(options);
      await suite.run();
      store = undefined;
    },
  };
});

// The cheap case the README used to report: events copied from one base object, one
// correlation, a flat payload (labelled as such).
const base = createEvent('order.placed', payload);
const cheapStore = new EventStore({ maxEvents: HELD });
for (let index = 0; index < HELD; index++) cheapStore.append({ ...base, id: generateId() });

// One correlation with 10 events spread among 100k; one type with 100 events among 100k.
const target = 'correlation-under-test';
const queryStore = new EventStore({ maxEvents: HELD });
for (let index = 0; index < HELD; index++) {
  queryStore.append({
    ...createEvent('order.placed', orderPayload(index)),
    type: index % 1000 === 0 ? 'order.refunded' : 'order.placed',
    correlationId: index % 10_000 === 0 ? target : `c-${index % 50_000}`,
  });
}

const store: BenchSuite = new BenchSuite('@foundation/events: store with 100k events held', 3)
  .add('spread + generateId (cheapest event making, for reference)', () => ({
    ...base,
    id: generateId(),
  }))
  .add('append of a copied flat event, one correlation (cheapest)', () =>
    cheapStore.append({ ...base, id: generateId() }),
  )
  .add('query one correlation (10 of 100k)', () => queryStore.query({ correlationId: target }))
  .add('query one type (100 of 100k)', () =>
    queryStore.query({ types: ['order.refunded'], limit: 100 }),
  )
  .add('recent(10)', () => queryStore.recent(10))
  .check('append of a copied flat event (making subtracted) < 1.00 µs', () => {
    const results = store.results;
    const appendNs =
      results.get('append of a copied flat event, one correlation (cheapest)')!.avgNs -
      results.get('spread + generateId (cheapest event making, for reference)')!.avgNs;
    return { ok: appendNs < 1000, actual: `${appendNs.toFixed(1)} ns` };
  })
  .underNs('query one correlation (10 of 100k)', 50_000)
  .underNs('query one type (100 of 100k)', 1_000_000)
  .check('queries return what they should', () => {
    const correlated = queryStore.query({ correlationId: target }).events.length;
    const typed = queryStore.query({ types: ['order.refunded'], limit: 100 }).events.length;
    return { ok: correlated === 10 && typed === 100, actual: `${correlated} and ${typed} events` };
  });

await create.run();
await roundTrip.run();
for (const suite of appendSuites) await suite.run();
await store.run();
