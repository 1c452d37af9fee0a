import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineEvents, type FoundationEvent, type RegisteredEvent } from '../src/index.js';

const schemas = {
  'user.created': z.object({ userId: z.number(), plan: z.enum(['free', 'pro']).default('free') }),
  'user.deleted': z.object({ userId: z.number() }),
};
const events = defineEvents(schemas);

describe('event registry types', () => {
  it('types created events by their schema', () => {
    const created = events.create('user.created', { userId: 1 });
    expectTypeOf(created).toEqualTypeOf<
      FoundationEvent<'user.created', { userId: number; plan: 'free' | 'pro' }>
    >();
    expectTypeOf(created.data.plan).toEqualTypeOf<'free' | 'pro'>();
  });

  it('rejects unknown types and wrong data at compile time', () => {
    // @ts-expect-error: not a registered type
    events.create('user.renamed', { userId: 1 });
    // @ts-expect-error: userId must be a number
    events.create('user.deleted', { userId: 'one' });
  });

  it('types decoded events as the union of registered events, narrowed by is()', () => {
    const decoded = events.deserialize(new Uint8Array());
    expectTypeOf(decoded).toEqualTypeOf<RegisteredEvent<typeof schemas>>();
    expectTypeOf(decoded.type).toEqualTypeOf<'user.created' | 'user.deleted'>();
    if (events.is(decoded, 'user.deleted')) {
      expectTypeOf(decoded.data).toEqualTypeOf<{ userId: number }>();
    }
  });
});
