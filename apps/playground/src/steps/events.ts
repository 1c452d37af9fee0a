import { isDeepStrictEqual } from 'node:util';
import { systemClock } from '@foundation/core';
import {
  createEvent,
  defineEvents,
  deserialize,
  EventStore,
  serialize,
  toCloudEvent,
} from '@foundation/events';
import { z } from 'zod';
import type { StepGroup } from './types.js';

/** The events steps (the seed's event creation and round trip, plus the store). */
export const eventsSteps: StepGroup = {
  title: 'Events',
  steps: [
    {
      name: 'create an event with a timestamp',
      run: (ctx) => {
        const event = createEvent('dev_test', { timestamp: systemClock.wallMs() });
        ctx.shared.set('events.first', event);
        ctx.detail(`type ${event.type}, correlation ${event.correlationId}`);
        return `event created: id ${event.id}`;
      },
    },
    {
      name: 'serialize and deserialize it (JSON and binary)',
      run: (ctx) => {
        const original = createEvent('dev_test', {
          timestamp: systemClock.wallMs(),
          big: 2n ** 64n,
          at: new Date(),
          tags: new Set(['a', 'b']),
          counts: new Map([['x', 1]]),
        });
        const sizes: string[] = [];
        for (const format of ['json', 'binary'] as const) {
          const bytes = serialize(original, { format });
          const copy = deserialize(bytes);
          if (!isDeepStrictEqual(copy, original))
            throw new Error(`${format} round trip changed the event`);
          sizes.push(`${format} ${bytes.length} B`);
        }
        ctx.detail(`CloudEvents source ${toCloudEvent(original).source}`);
        return `round trips equal (${sizes.join(', ')})`;
      },
    },
    {
      name: 'a typed registry validates on create and decode',
      run: () => {
        const events = defineEvents({
          'order.placed': z.object({ orderId: z.number().int(), total: z.number() }),
        });
        const placed = events.create('order.placed', { orderId: 7, total: 19.5 });
        const copy = events.deserialize(serialize(placed));
        try {
          events.create('order.placed', { orderId: 1.5, total: 1 });
        } catch (error) {
          return `order ${copy.data.orderId} decoded; bad data refused: ${(error as Error).message}`;
        }
        throw new Error('invalid order data was accepted');
      },
    },
    {
      name: 'store correlated events: the chain and the newest ones',
      run: (ctx) => {
        const store = new EventStore({ name: 'playground-events', maxEvents: 100 });
        const request = store.append(createEvent('request.received', { path: '/orders' }));
        const validated = store.append(
          createEvent('order.validated', { orderId: 7 }, { causedBy: request }),
        );
        const charged = store.append(
          createEvent('payment.charged', { amount: 19.5 }, { causedBy: validated }),
        );
        store.append(createEvent('order.shipped', { orderId: 7 }, { causedBy: charged }));
        store.append(createEvent('unrelated.tick', null));
        const chain = store.correlationChain(charged.id).map((event) => event.type);
        const correlated = store.byCorrelation(request.correlationId).length;
        const newest = store.recent(2).map((event) => event.type);
        if (chain.length !== 3 || correlated !== 4) throw new Error('correlation lost');
        ctx.detail(`chain: ${chain.join(' -> ')}`);
        const stats = store.stats();
        ctx.detail(`store: ${stats.count} events, about ${stats.bytes} bytes held`);
        return `${correlated} correlated events; newest first: ${newest.join(', ')}`;
      },
    },
  ],
};
