import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createConfig, type ConfigChange } from '../src/index.js';
import { appSchema, thrown } from './helpers.js';

function store(onListenerError?: (error: unknown, change: ConfigChange) => void) {
  return createConfig({
    schema: appSchema,
    updatable: ['server.*', 'limits.*', 'features.*'],
    ...(onListenerError && { onListenerError }),
  });
}

describe('subscribe', () => {
  it('a listener gets the path, old and new value, version and source', () => {
    const config = store();
    const seen: ConfigChange[] = [];
    config.subscribe('server.port', (change) => seen.push(change));
    config.update('server.port', 1234);
    config.update('server.host', 'elsewhere');
    expect(seen).toEqual([
      { path: 'server.port', oldValue: 8080, newValue: 1234, version: 1, source: 'update' },
    ]);
  });

  it('a prefix gets every change below it; "*" gets everything', () => {
    const config = store();
    const server: string[] = [];
    const all: string[] = [];
    config.subscribe('server', (c) => server.push(c.path));
    config.subscribe('*', (c) => all.push(`${c.path}@${c.version}`));
    config.update('server.port', 1);
    config.update('server.host', 'h');
    config.updateMany({ 'limits.min': 2, 'limits.max': 3 });
    expect(server).toEqual(['server.port', 'server.host']);
    expect(all).toEqual(['server.port@1', 'server.host@2', 'limits.min@3', 'limits.max@3']);
  });

  it('a listener below a replaced subtree gets its own part, only when it changed', () => {
    const config = store();
    const seen: ConfigChange[] = [];
    config.subscribe('server.port', (c) => seen.push(c));
    config.update('server', { host: 'x', port: 8080, tags: [] });
    expect(seen).toEqual([]);
    config.update('server', { host: 'x', port: 1, tags: [] });
    expect(seen).toEqual([
      { path: 'server.port', oldValue: 8080, newValue: 1, version: 2, source: 'update' },
    ]);
  });

  it('a throwing listener neither undoes the update nor stops the others', () => {
    const failures: unknown[] = [];
    const config = store((error) => failures.push(error));
    const after = vi.fn();
    config.subscribe('server.port', () => {
      throw new Error('listener bug');
    });
    config.subscribe('server.port', after);
    expect(config.update('server.port', 5)).toBe(1);
    expect(config.get('server.port')).toBe(5);
    expect(after).toHaveBeenCalledTimes(1);
    expect(failures).toEqual([new Error('listener bug')]);
  });

  it('a failing error hook is contained too', () => {
    const config = store(() => {
      throw new Error('hook bug');
    });
    config.subscribe('*', () => {
      throw new Error('listener bug');
    });
    expect(() => config.update('server.port', 5)).not.toThrow();
  });

  it('unsubscribe stops delivery, is idempotent and updates the count', () => {
    const config = store();
    const listener = vi.fn();
    const off = config.subscribe('server', listener);
    expect(config.status().subscriberCount).toBe(1);
    config.update('server.port', 1);
    off();
    off();
    config.update('server.port', 2);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(config.status().subscriberCount).toBe(0);
  });

  it('an abort signal unsubscribes', () => {
    const config = store();
    const listener = vi.fn();
    const controller = new AbortController();
    const off = config.subscribe('server', listener, { signal: controller.signal });
    config.update('server.port', 1);
    controller.abort();
    config.update('server.port', 2);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
    const already = config.subscribe('server', listener, { signal: AbortSignal.abort() });
    config.update('server.port', 3);
    expect(listener).toHaveBeenCalledTimes(1);
    already();
    expect(config.status().subscriberCount).toBe(0);
  });

  it('a listener that unsubscribes another mid-delivery stops it', () => {
    const config = store();
    const second = vi.fn();
    let offSecond = (): void => undefined;
    config.subscribe('server', () => {
      offSecond();
    });
    offSecond = config.subscribe('server', second);
    config.updateMany({ 'server.port': 1, 'server.host': 'h' });
    expect(second).not.toHaveBeenCalled();
  });

  it('changes made by a listener are delivered after the current one, in version order', () => {
    const config = store();
    const order: string[] = [];
    config.subscribe('server.port', (c) => {
      order.push(`a:${c.version}`);
      if (c.newValue === 1) config.update('server.port', 2);
    });
    config.subscribe('server.port', (c) => order.push(`b:${c.version}`));
    config.update('server.port', 1);
    expect(order).toEqual(['a:1', 'b:1', 'a:2', 'b:2']);
    expect(config.get('server.port')).toBe(2);
  });

  it('subscribing to an undeclared or forbidden path is refused', () => {
    const config = store();
    const untyped = config as unknown as { subscribe(path: string, fn: () => void): unknown };
    expect(thrown(() => untyped.subscribe('nope', () => undefined)).code).toBe(1301);
    expect(thrown(() => untyped.subscribe('__proto__', () => undefined)).code).toBe(1101);
  });

  it('reset and rollback notify each changed leaf', () => {
    const config = createConfig({
      schema: z.object({ a: z.number().default(1), b: z.number().default(2) }),
      updatable: ['*'],
    });
    const seen: string[] = [];
    config.subscribe('*', (c) => seen.push(`${c.source}:${c.path}:${String(c.newValue)}`));
    config.updateMany({ a: 10, b: 20 });
    config.reset();
    config.rollback(1);
    expect(seen).toEqual([
      'update:a:10',
      'update:b:20',
      'reset:a:1',
      'reset:b:2',
      'rollback:a:10',
      'rollback:b:20',
    ]);
  });
});
