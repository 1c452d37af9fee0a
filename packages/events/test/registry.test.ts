import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '@foundation/core';
import { createEvent, defineEvents, serialize, type FoundationEvent } from '../src/index.js';
import { failure } from './failure.js';

const clock = new ManualClock({ startMs: 1, wallStartMs: 1_000 });
const events = defineEvents(
  {
    'user.created': z.object({
      userId: z.number().int(),
      email: z.email(),
      plan: z.enum(['free', 'pro']).default('free'),
    }),
    'user.deleted': z.object({ userId: z.number(), at: z.date() }),
  },
  { clock, source: { service: 'users' } },
);

describe('defineEvents', () => {
  it('lists and recognises its types', () => {
    expect(events.types).toEqual(['user.created', 'user.deleted']);
    expect(events.has('user.created')).toBe(true);
    expect(events.has('user.updated')).toBe(false);
  });

  it('creates checked events with the schema output as data and the registry defaults', () => {
    const event = events.create('user.created', { userId: 7, email: 'a@b.co' });
    expect(event.data).toEqual({ userId: 7, email: 'a@b.co', plan: 'free' });
    expect(event.wallTime).toBe(1_000);
    expect(event.source.service).toBe('users');
    const override = events.create(
      'user.created',
      { userId: 7, email: 'a@b.co' },
      { source: { host: 'elsewhere' }, correlationId: 'c-1' },
    );
    expect(override.source).toMatchObject({ service: 'users', host: 'elsewhere' });
    expect(override.correlationId).toBe('c-1');
  });

  it('refuses invalid data on creation with 3203, naming the path and rule', () => {
    const error = failure(() => events.create('user.created', { userId: 1.5, email: 'a@b.co' }));
    expect(error.code).toBe(3203);
    expect(error.codeName).toBe('validation_failed');
    expect(error.context.path).toBe('data.userId');
    expect(String(error.context.rule)).toMatch(/int/i);
    const nested = defineEvents({
      'n.x': z.object({ items: z.array(z.object({ q: z.string() })) }),
    });
    expect(failure(() => nested.create('n.x', { items: [{ q: 1 }] } as never)).context.path).toBe(
      'data.items[0].q',
    );
  });

  it('runs the same validation on decoding', () => {
    const event = events.create('user.deleted', { userId: 3, at: new Date(5) });
    const copy = events.deserialize(serialize(event, { format: 'binary' }));
    expect(copy).toStrictEqual(event);
    if (events.is(copy, 'user.deleted')) expect(copy.data.at.getTime()).toBe(5);
    const forged = createEvent('user.deleted', { userId: 'three', at: new Date(5) });
    const error = failure(() => events.deserialize(serialize(forged)));
    expect(error.code).toBe(3203);
    expect(error.context.path).toBe('data.userId');
    const unknown = createEvent('user.renamed', {});
    expect(failure(() => events.deserialize(serialize(unknown))).context).toMatchObject({
      path: 'type',
      rule: "unknown event type 'user.renamed'",
    });
  });

  it('validates any value as an event', () => {
    const event = events.create('user.created', { userId: 1, email: 'x@y.zz' });
    expect(events.validate(event)).toBe(event);
    expect(failure(() => events.validate({ type: 'user.created' })).context.path).toBe('id');
    expect(failure(() => events.validate('nope')).context.path).toBe('$');
  });

  it('narrows by type', () => {
    const event: FoundationEvent = events.create('user.created', { userId: 1, email: 'x@y.zz' });
    expect(events.is(event, 'user.created')).toBe(true);
    expect(events.is(event, 'user.deleted')).toBe(false);
  });

  it('refuses bad definitions with 3204 invalid_input', () => {
    expect(failure(() => defineEvents(null as never)).codeName).toBe('invalid_input');
    expect(failure(() => defineEvents({ '': z.string() })).context.path).toBe('schemas.');
    expect(failure(() => defineEvents({ ok: 'not a schema' } as never)).context).toMatchObject({
      path: 'schemas.ok',
      rule: 'expected a zod schema',
    });
    const withProto = JSON.parse('{"__proto__": 1}') as Record<string, never>;
    expect(failure(() => defineEvents(withProto)).codeName).toBe('invalid_input');
  });

  it('uses the system clock and default source without defaults', () => {
    const plain = defineEvents({ ping: z.null() });
    const event = plain.create('ping', null, { clock });
    expect(event.wallTime).toBe(1_000);
    expect(plain.create('ping', null).source.service).toBe(createEvent('x', 1).source.service);
  });
});
