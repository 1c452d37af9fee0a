import type { Service } from '@foundation/core';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ChildContext,
  ChildSpec,
  SelfHealing,
  Supervisor,
  SupervisorEvent,
} from '../../src/index.js';

describe('supervision types', () => {
  it('Supervisor and SelfHealing are core Services', () => {
    expectTypeOf<Supervisor>().toExtend<Service>();
    expectTypeOf<SelfHealing>().toExtend<Service>();
  });

  it('a child spec has start or service, never both', () => {
    const service = {} as Service;
    expectTypeOf({ id: 'a', service }).toExtend<ChildSpec>();
    expectTypeOf({ id: 'a', start: () => ({ stop: () => undefined }) }).toExtend<ChildSpec>();
    expectTypeOf({
      id: 'a',
      service,
      start: () => ({ stop: () => undefined }),
    }).not.toExtend<ChildSpec>();
    expectTypeOf({ id: 'a' }).not.toExtend<ChildSpec>();
  });

  it('crash and exit are plain functions that can be destructured', () => {
    expectTypeOf<ChildContext['crash']>().toEqualTypeOf<(reason?: unknown) => void>();
    expectTypeOf<ChildContext['exit']>().toEqualTypeOf<() => void>();
  });

  it('events narrow on their type', () => {
    const handle = (event: SupervisorEvent): number => {
      if (event.type === 'child_restarted') {
        expectTypeOf(event.latencyMs).toEqualTypeOf<number>();
        return event.latencyMs;
      }
      if (event.type === 'escalated') expectTypeOf(event.error).toEqualTypeOf<Error>();
      return 0;
    };
    expectTypeOf(handle).returns.toEqualTypeOf<number>();
  });
});
