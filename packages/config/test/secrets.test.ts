import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_CHANNELS, createConfig, REDACTED, type ConfigChange } from '../src/index.js';
import { appSchema, thrown } from './helpers.js';

const schema = appSchema.extend({
  services: z.record(z.string(), z.object({ url: z.string(), token: z.string() })).default({}),
  vault: z.object({
    key: z.string().default('k'),
    nested: z.object({ pin: z.string().default('1234') }),
  }),
});

function store() {
  return createConfig({
    schema,
    secrets: ['services.*.token', 'vault'],
    updatable: ['db.password', 'services.*', 'vault.*', 'server.port'],
    sources: {
      overrides: { services: { api: { url: 'https://api', token: 'tok-1' } } },
      env: { prefix: 'S_', vars: { S_DB__PASSWORD: 'env-secret' } },
    },
  });
}

const SECRETS = ['env-secret', 'tok-1', 'tok-2', 'new-secret', '1234', 'hunter2'];

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('secrets', () => {
  it('the real values stay readable through get', () => {
    const config = store();
    expect(config.get('db.password')).toBe('env-secret');
    expect(config.get('services.api.token')).toBe('tok-1');
    expect(config.get('vault.nested.pin')).toBe('1234');
  });

  it('are handed to a logger as pino redact paths', () => {
    expect(store().secretPaths()).toEqual(['db.password', 'services.*.token', 'vault']);
  });

  it('a key pino cannot name shortens its redact path to the parent, never drops it', () => {
    const headersSchema = z.object({ headers: z.record(z.string(), z.string()).default({}) });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), (key) => {
        fc.pre(!key.includes('.') && !['__proto__', 'constructor', 'prototype', '*'].includes(key));
        const config = createConfig({ schema: headersSchema, secrets: [`headers.${key}`] });
        const [path] = config.secretPaths();
        if (/\.\.|[,"'[\]]/.test(key)) expect(path).toBe('headers');
        else if (/^[A-Za-z_$][\w$]*$/.test(key)) expect(path).toBe(`headers.${key}`);
        else expect(path).toBe(`headers["${key}"]`);
      }),
    );
  });

  it('are masked in toJSON, JSON.stringify and util.inspect', () => {
    const config = store();
    const json = config.toJSON() as Record<string, Record<string, unknown>>;
    expect(json.db).toEqual({ url: 'postgres://localhost/app', password: REDACTED });
    expect(json.services).toEqual({ api: { url: 'https://api', token: REDACTED } });
    expect(json.vault).toBe(REDACTED);
    expectNoSecret(JSON.stringify(config));
    const shown = inspect(config, { depth: 10 });
    expect(shown).toContain('ConfigStore(config) v0');
    expect(shown).toContain('https://api');
    expectNoSecret(shown);
  });

  it('are masked in explain, change events, history and channels', () => {
    const config = store();
    expect(config.explain('db.password')).toMatchObject({
      value: REDACTED,
      origin: { layer: 'env', source: 'S_DB__PASSWORD' },
    });
    expect(config.explain('services').value).toEqual({
      api: { url: 'https://api', token: REDACTED },
    });
    const events: ConfigChange[] = [];
    config.subscribe('*', (c) => events.push(c));
    config.subscribe('vault.nested.pin', (c) => events.push(c));
    const published: unknown[] = [];
    const onMessage = (message: unknown): void => {
      published.push(message);
    };
    subscribe(CONFIG_CHANNELS.updated, onMessage);
    try {
      config.update('db.password', 'new-secret');
      config.update('services.web', { url: 'https://web', token: 'tok-2' });
      config.update('vault.nested', { pin: '9999' });
    } finally {
      unsubscribe(CONFIG_CHANNELS.updated, onMessage);
    }
    expect(events[0]).toMatchObject({
      path: 'db.password',
      oldValue: REDACTED,
      newValue: REDACTED,
    });
    expect(events[1]).toMatchObject({ newValue: { url: 'https://web', token: REDACTED } });
    expect(events.slice(2)).toMatchObject([
      { path: 'vault.nested', newValue: REDACTED },
      { path: 'vault.nested.pin', newValue: REDACTED },
    ]);
    expect(published).toHaveLength(3);
    const text = JSON.stringify([events, published, config.history()]);
    expectNoSecret(text);
    expect(text).not.toContain('9999');
  });

  it('never appear in error messages', () => {
    const config = createConfig({
      schema: z.object({ key: z.string().min(10).default('0123456789').meta({ secret: true }) }),
      updatable: ['key'],
    });
    const error = thrown(() => config.update('key', 'short-pw'));
    expect(error.code).toBe(1203);
    expect(JSON.stringify(error.toJSON())).not.toContain('short-pw');
    expect(inspect(error)).not.toContain('short-pw');
    const startup = thrown(() =>
      createConfig({
        schema: z.object({ key: z.string().min(10).meta({ secret: true }) }),
        sources: { overrides: { key: 'short-pw' } },
      }),
    );
    expect(JSON.stringify(startup.toJSON())).not.toContain('short-pw');
  });

  it('a secret that is absent stays absent, and no secrets cost nothing', () => {
    const config = createConfig({
      schema: z.object({
        token: z.string().optional().meta({ secret: true }),
        plain: z.number().default(1),
      }),
    });
    expect(config.toJSON()).toEqual({ plain: 1 });
    expect(createConfig({ schema: z.object({ a: z.number().default(1) }) }).toJSON()).toEqual({
      a: 1,
    });
  });
});
