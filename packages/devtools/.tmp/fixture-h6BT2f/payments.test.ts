import { ServiceDescriptor, checkConformance } from '@foundation/core';
import { isFoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import { Payments } from './payments.js';

describe('Payments', () => {
  it('is a Service', () => {
    expect(checkConformance(new Payments(), ServiceDescriptor)).toEqual([]);
  });

  it('is healthy while running and unhealthy once stopped', () => {
    const service = new Payments();
    expect(service.health().status).toBe('unhealthy');
    service.start(new AbortController().signal);
    expect(service.health().status).toBe('healthy');
    service.stop();
    expect(service.health().status).toBe('unhealthy');
  });

  it('does not start when the signal has aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    expect(() => {
      new Payments().start(controller.signal);
    }).toThrow('cancelled');
  });

  it('refuses invalid options with a FoundationError naming the option', () => {
    let thrown: unknown;
    try {
      new Payments({ stopTimeoutMs: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(isFoundationError(thrown) && thrown.context.path).toBe('options.stopTimeoutMs');
  });

  it.todo('Payments: does the work it exists for');
});
