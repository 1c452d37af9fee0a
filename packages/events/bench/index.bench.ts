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
  type FoundationEvent,
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

const roundTrip = new BenchSuite('@foundation/events: JSON round trip', 3)
  .add('JSON.parse(JSON.stringify(event))', () => JSON.parse(JSON.stringify(event)) as unknown)
  .add('deserialize(serialize(event))', () => deserialize(serialize(event)))
  .add('registry.deserialize(serialize(event))', () => registry.deserialize(serialize(event)))
  .add('binary deserialize(serialize(event))', () =>
    deserialize(serialize(event, { format: 'binary' })),
  )
  .add('binary deserialize only', () => deserialize(binary))
  .add('CloudEvents SDK HTTP.toEvent(HTTP.structured(ce))', () =>
    HTTP.toEvent(HTTP.structured(cloudEvent)),
  )
  .atMostTimes('deserialize(serialize(event))', 'JSON.parse(JSON.stringify(event))', 2)
  .fasterThan(
    'deserialize(serialize(event))',
    'CloudEvents SDK HTTP.toEvent(HTTP.structured(ce))',
    5,
  );

// ---- store ------------------------------------------------------------------------------
const HELD = 100_000;
const base = createEvent('order.placed', payload);

function filledStore(make: (index: number) => FoundationEvent): EventStore {
  // Default bounds (24 h age, 64 MiB), so the age check runs on every append as in real use.
  const store = new EventStore({ maxEvents: HELD });
  const batch: FoundationEvent[] = [];
  for (let index = 0; index < HELD; index++) batch.push(make(index));
  store.appendBatch(batch);
  return store;
}

// Appending: the store is full, so every append also prunes the oldest event.
const appendStore = filledStore(() => ({ ...base, id: generateId() }));

// One correlation with 10 events spread among 100k; one type with 100 events among 100k.
const target = 'correlation-under-test';
const queryStore = filledStore((index) => ({
  ...base,
  id: generateId(),
  type: index % 1000 === 0 ? 'order.refunded' : 'order.placed',
  correlationId: index % 10_000 === 0 ? target : `c-${index % 50_000}`,
}));

const store: BenchSuite = new BenchSuite('@foundation/events: store with 100k events held', 3)
  .add('spread + generateId (event making, for reference)', () => ({ ...base, id: generateId() }))
  .add('append (incl. event making)', () => appendStore.append({ ...base, id: generateId() }))
  .add('query one correlation (10 of 100k)', () => queryStore.query({ correlationId: target }))
  .add('query one type (100 of 100k)', () =>
    queryStore.query({ types: ['order.refunded'], limit: 100 }),
  )
  .add('recent(10)', () => queryStore.recent(10))
  // The append itself: measured side by side with making the event, which it includes.
  .check('append (making the event subtracted) < 1.00 µs', (): { ok: boolean; actual: string } => {
    const results = store.results;
    const appendNs: number =
      results.get('append (incl. event making)')!.avgNs -
      results.get('spread + generateId (event making, for reference)')!.avgNs;
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
await store.run();
