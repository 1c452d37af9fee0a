import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { createEvent, deserialize, EventStore, serialize } from '../src/index.js';
import { failure } from './failure.js';

const clock = new ManualClock();
const event = createEvent('ok', null, { clock });
const bytes = serialize(event);

const entryPoints: Record<string, (options: never) => unknown> = {
  createEvent: (options) => createEvent('ok', null, options),
  serialize: (options) => serialize(event, options),
  deserialize: (options) => deserialize(bytes, options),
  EventStore: (options) => new EventStore(options),
};

describe('events entry points refuse bad and unknown options', () => {
  it('names an unknown option and lists the known ones, and refuses a non-object', () => {
    for (const [name, call] of Object.entries(entryPoints)) {
      const unknown = failure(() => call({ corelationId: 'x' } as never));
      expect(unknown.code, name).toBe(3204);
      expect(unknown.context.path, name).toBe('options.corelationId');
      expect(unknown.message, name).toMatch(/known: /);
      expect(failure(() => call(5 as never)).context.path, name).toBe('options');
    }
  });

  it('refuses any key outside the known ones (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(entryPoints)),
        fc.string({ minLength: 1, maxLength: 10 }),
        (name, key) => {
          const known = /known: ([^)]*)\)/
            .exec(failure(() => entryPoints[name]!({ zz: 1 } as never)).message)![1]!
            .split(', ');
          fc.pre(!known.includes(key));
          const options = JSON.parse(`{${JSON.stringify(key)}: 1}`) as never;
          expect(failure(() => entryPoints[name]!(options)).code).toBe(3204);
        },
      ),
    );
  });
});
