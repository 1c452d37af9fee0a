import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkConformance,
  ConfigurableDescriptor,
  createFoundation,
  ManualClock,
  ServiceDescriptor,
} from '@foundation/core';
import { isFoundationError } from '@foundation/errors';
import { z } from 'zod';
import { CONFIG_CHANNELS, createConfig, type ConfigChange } from '../src/index.js';
import { appSchema, tempFiles, thrown } from './helpers.js';

function capture(name: string): { messages: unknown[]; stop: () => void } {
  const messages: unknown[] = [];
  const onMessage = (message: unknown): void => {
    messages.push(message);
  };
  subscribe(name, onMessage);
  return { messages, stop: () => unsubscribe(name, onMessage) };
}

describe('the store as a Service and a Configurable', () => {
  it('conforms to both contracts', () => {
    const config = createConfig({ schema: appSchema, name: 'settings' });
    expect(checkConformance(config, ServiceDescriptor)).toEqual([]);
    expect(checkConformance(config, ConfigurableDescriptor)).toEqual([]);
    expect(config.name).toBe('settings');
    expect(config.getConfig()).toBe(config.get());
  });

  it('validateConfig checks a candidate without applying it', () => {
    const config = createConfig({ schema: appSchema });
    const good = config.validateConfig({ server: {}, db: {}, limits: {} });
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.value.server.port).toBe(8080);
    const bad = config.validateConfig({ server: { port: -1 }, db: {}, limits: {} });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe(1203);
      expect(bad.error.context.path).toBe('server.port');
    }
    const missing = config.validateConfig({});
    expect(!missing.ok && missing.error.code).toBe(1102);
    expect(config.version).toBe(0);
  });

  it('runs inside createFoundation and reports status and health', async () => {
    const clock = new ManualClock({ wallStartMs: 5_000 });
    const config = createConfig({ schema: appSchema, updatable: ['server.port'], clock });
    const foundation = createFoundation({ services: [config] });
    await foundation.initialize();
    config.subscribe('*', () => undefined);
    config.update('server.port', 1);
    expect(config.status()).toEqual({
      version: 1,
      updateCount: 1,
      rejectedCount: 0,
      lastUpdateMs: 5_000,
      subscriberCount: 1,
      historySize: 1,
      started: true,
    });
    expect(config.health()).toEqual({ status: 'healthy', details: { version: 1 } });
    await foundation.shutdown();
    expect(config.status().started).toBe(false);
  });

  it('start refuses an aborted signal; stop and dispose are idempotent', async () => {
    const config = createConfig({ schema: appSchema });
    expect(() => {
      config.start(AbortSignal.abort(new Error('no')));
    }).toThrow('no');
    config.start(new AbortController().signal);
    config.start(new AbortController().signal);
    await config.stop();
    await config.stop();
    await config[Symbol.asyncDispose]();
    expect(config.status().started).toBe(false);
  });
});

describe('reload', () => {
  it('re-reads files and environment and applies the difference as one change', async () => {
    const files = tempFiles({ 'c.json': JSON.stringify({ server: { host: 'one' } }) });
    const vars: Record<string, string> = { R_SERVER__PORT: '1000' };
    const config = createConfig({
      schema: appSchema,
      sources: { files: [files['c.json']!], env: { prefix: 'R_', vars } },
    });
    const seen: ConfigChange[] = [];
    config.subscribe('server', (c) => seen.push(c));
    const reloaded = capture(CONFIG_CHANNELS.reloaded);
    try {
      expect(await config.reload()).toBe(0);
      writeFileSync(files['c.json']!, JSON.stringify({ server: { host: 'two' } }));
      vars.R_SERVER__PORT = '2000';
      expect(await config.reload()).toBe(1);
    } finally {
      reloaded.stop();
    }
    expect(config.get('server')).toMatchObject({ host: 'two', port: 2000 });
    expect(seen.map((c) => [c.path, c.newValue, c.version, c.source])).toEqual([
      ['server.host', 'two', 1, 'reload'],
      ['server.port', 2000, 1, 'reload'],
    ]);
    expect(reloaded.messages).toEqual([
      expect.objectContaining({ name: 'config', version: 1, source: 'reload' }),
    ]);
    expect(config.explain('server.host').origin).toEqual({
      layer: 'file',
      source: files['c.json'],
    });
    // reset now returns to the reloaded layered value.
    expect(config.reset()).toBe(1);
  });

  it('keeps runtime updates on top of the reloaded values', async () => {
    const files = tempFiles({ 'c.json': JSON.stringify({ server: { host: 'one' } }) });
    const config = createConfig({
      schema: appSchema,
      updatable: ['server.port', 'limits.*'],
      sources: { files: [files['c.json']!] },
    });
    config.update('server.port', 4242);
    writeFileSync(files['c.json']!, JSON.stringify({ server: { host: 'two' } }));
    await config.reload();
    expect(config.get('server')).toMatchObject({ host: 'two', port: 4242 });
    // A runtime value that no longer fits the reloaded values refuses the reload.
    config.update('limits.min', 5);
    writeFileSync(files['c.json']!, JSON.stringify({ limits: { max: 3 } }));
    const error = await config.reload().catch((e: unknown) => e);
    expect(isFoundationError(error) && error.code).toBe(1202);
    expect(config.get('limits')).toEqual({ min: 5, max: 10 });
  });

  it('an invalid reload changes nothing, is published and makes health degraded', async () => {
    const files = tempFiles({ 'c.json': JSON.stringify({ server: { port: 1 } }) });
    const config = createConfig({ schema: appSchema, sources: { files: [files['c.json']!] } });
    const before = config.get();
    writeFileSync(files['c.json']!, JSON.stringify({ server: { port: 'nope' } }));
    const rejected = capture(CONFIG_CHANNELS.rejected);
    let error: unknown;
    try {
      error = await config.reload().catch((e: unknown) => e);
    } finally {
      rejected.stop();
    }
    expect(isFoundationError(error) && error.code).toBe(1201);
    expect(config.get()).toBe(before);
    expect(rejected.messages).toEqual([expect.objectContaining({ operation: 'reload', error })]);
    const health = config.health();
    expect(health.status).toBe('degraded');
    expect(health.message).toContain('last reload failed');
    writeFileSync(files['c.json']!, JSON.stringify({ server: { port: 2 } }));
    await config.reload();
    expect(config.health().status).toBe('healthy');
  });

  it('gives up when its signal aborts, before or during the read', async () => {
    const files = tempFiles({ 'c.json': '{}' });
    const config = createConfig({ schema: appSchema, sources: { files: [files['c.json']!] } });
    await expect(config.reload({ signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow(
      'stop',
    );
    const controller = new AbortController();
    const pending = config.reload({ signal: controller.signal });
    controller.abort(new Error('late'));
    await expect(pending).rejects.toThrow();
    expect(config.version).toBe(0);
  });

  it('reloads run one at a time, in call order', async () => {
    const files = tempFiles({ 'c.json': JSON.stringify({ server: { port: 1 } }) });
    const config = createConfig({ schema: appSchema, sources: { files: [files['c.json']!] } });
    writeFileSync(files['c.json']!, JSON.stringify({ server: { port: 2 } }));
    const versions = await Promise.all([config.reload(), config.reload(), config.reload()]);
    expect(versions).toEqual([1, 1, 1]);
  });

  it('the started service reloads on its interval with the injected clock', async () => {
    const files = tempFiles({ 'c.json': JSON.stringify({ server: { port: 1 } }) });
    const clock = new ManualClock();
    const config = createConfig({
      schema: appSchema,
      clock,
      reloadIntervalMs: 1_000,
      sources: { files: [files['c.json']!] },
    });
    config.start(new AbortController().signal);
    writeFileSync(files['c.json']!, JSON.stringify({ server: { port: 2 } }));
    clock.advance(1_000);
    await config.stop();
    expect(config.get('server.port')).toBe(2);
    writeFileSync(files['c.json']!, JSON.stringify({ server: { port: 3 } }));
    clock.advance(5_000);
    await config.stop();
    expect(config.get('server.port')).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a failing periodic reload keeps the last good values', async () => {
    const files = tempFiles({ 'c.json': JSON.stringify({ server: { port: 1 } }) });
    const clock = new ManualClock();
    const config = createConfig({
      schema: appSchema,
      clock,
      reloadIntervalMs: 10,
      sources: { files: [files['c.json']!] },
    });
    config.start(new AbortController().signal);
    writeFileSync(files['c.json']!, '{ broken');
    clock.advance(10);
    await config.stop();
    expect(config.get('server.port')).toBe(1);
    expect(config.health().status).toBe('degraded');
  });
});

describe('channels', () => {
  it('publishes updated and rejected with the store name', () => {
    const config = createConfig({ schema: appSchema, updatable: ['server.port'], name: 'cfg' });
    const updated = capture(CONFIG_CHANNELS.updated);
    const rejected = capture(CONFIG_CHANNELS.rejected);
    try {
      config.update('server.port', 3);
      thrown(() => config.update('server.port', -3));
      thrown(() => config.updateMany({ 'server.host': 'x' }));
      thrown(() => config.rollback(99));
    } finally {
      updated.stop();
      rejected.stop();
    }
    expect(updated.messages).toEqual([
      {
        name: 'cfg',
        version: 1,
        source: 'update',
        changes: [{ path: 'server.port', oldValue: 8080, newValue: 3 }],
      },
    ]);
    expect(
      rejected.messages.map((m) => (m as { operation: string; path: string }).operation),
    ).toEqual(['update', 'updateMany', 'rollback']);
  });

  it('publishes listener failures', () => {
    const config = createConfig({
      schema: z.object({ a: z.number().default(1) }),
      updatable: ['a'],
    });
    config.subscribe('a', () => {
      throw new Error('bad listener');
    });
    const failed = capture(CONFIG_CHANNELS.listenerFailed);
    try {
      config.update('a', 2);
    } finally {
      failed.stop();
    }
    expect(failed.messages).toEqual([
      expect.objectContaining({ name: 'config', error: new Error('bad listener') }),
    ]);
  });

  it('an unexpected non-Foundation failure is wrapped as internal_error', () => {
    const config = createConfig({
      schema: z.object({
        a: z
          .number()
          .default(1)
          .refine((v) => {
            if (v === 13) throw new TypeError('refinement bug');
            return true;
          }),
      }),
      updatable: ['a'],
    });
    const error = thrown(() => config.update('a', 13));
    expect(error.code).toBe(2401);
    expect(error.cause).toBeInstanceOf(TypeError);
    // validateConfig returns a Result: a schema that throws must not escape it.
    const checked = config.validateConfig({ a: 13 });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.code).toBe(2401);
    expect(config.get('a')).toBe(1);
  });

  it('createConfig wraps a schema that throws at start-up as internal_error', () => {
    const schema = z.object({
      a: z
        .number()
        .default(13)
        .refine(() => {
          throw new TypeError('refinement bug');
        }),
    });
    const error = thrown(() => createConfig({ schema }));
    expect(error.code).toBe(2401);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
