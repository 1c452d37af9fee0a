import { ManualClock } from '@foundation/core';
import { FoundationError, withContext } from '@foundation/errors';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, createTelemetry, REDACTED } from '../src/index.js';

/** A destination that keeps lines in memory and counts synchronous flushes. */
function memoryDestination() {
  const lines: Record<string, unknown>[] = [];
  let flushes = 0;
  return {
    lines,
    get flushes() {
      return flushes;
    },
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
    flushSync() {
      flushes++;
    },
  };
}

describe('createLogger', () => {
  it('writes JSON lines with name, package and the correlation id, operation and span of the flow', () => {
    const destination = memoryDestination();
    const clock = new ManualClock({ wallStartMs: Date.UTC(2026, 0, 2) });
    const logger = createLogger({ name: 'api', package: 'root', destination, clock });
    logger.info('outside');
    withContext({ operation: 'orders.create', correlationId: 'corr-1' }, () => {
      logger.child({ package: 'orders' }).info({ orderId: 7 }, 'inside');
    });
    const t = createTelemetry();
    t.span(['job'], {}, () => {
      logger.info({ correlationId: 'explicit' }, 'in span');
    });
    const [outside, inside, inSpan] = destination.lines;
    expect(outside).toMatchObject({
      level: 30,
      name: 'api',
      package: 'root',
      msg: 'outside',
      time: Date.UTC(2026, 0, 2),
    });
    expect(outside).not.toHaveProperty('correlationId');
    expect(inside).toMatchObject({
      package: 'orders',
      correlationId: 'corr-1',
      operation: 'orders.create',
      orderId: 7,
    });
    expect(typeof inSpan!.spanId).toBe('string');
    expect(inSpan!.correlationId).toBe('explicit');
  });

  it('redacts the secret paths given, in children too', () => {
    const destination = memoryDestination();
    const logger = createLogger({ destination, redact: ['password', 'db.password', '*.token'] });
    logger.info(
      { password: 'p', db: { password: 'q', host: 'h' }, api: { token: 't' } },
      'secrets',
    );
    logger.child({ package: 'x' }).info({ password: 'p2' }, 'child');
    expect(destination.lines[0]).toMatchObject({
      password: REDACTED,
      db: { password: REDACTED, host: 'h' },
      api: { token: REDACTED },
    });
    expect(destination.lines[1]).toMatchObject({ password: REDACTED });
    expect(JSON.stringify(destination.lines)).not.toMatch(/"p"|"q"|"t"|p2/);
  });

  it('serializes errors with the errors package, cause chain and code included', () => {
    const destination = memoryDestination();
    const logger = createLogger({ destination });
    const error = new FoundationError('timeout', 'too slow', {
      cause: new Error('socket'),
      context: { path: 'a' },
    });
    logger.error({ err: error }, 'failed');
    logger.error(new Error('plain'));
    const [first, second] = destination.lines;
    expect(first!.err).toMatchObject({
      kind: 'foundation',
      code: 4301,
      codeName: 'timeout',
      cause: { message: 'socket' },
    });
    expect(second!.err).toMatchObject({ kind: 'error', message: 'plain' });
    expect(second!.msg).toBe('plain');
  });

  it('flushes synchronously after a fatal line, and only then', () => {
    const destination = memoryDestination();
    const logger = createLogger({ destination, level: 'trace' });
    logger.error('not fatal');
    expect(destination.flushes).toBe(0);
    logger.fatal('dying');
    expect(destination.flushes).toBe(1);
    let flushed = false;
    logger.flush(() => {
      flushed = true;
    });
    expect(flushed).toBe(true);
  });

  it('survives destinations without flush support and delegates async flush when there is one', () => {
    const plain = {
      lines: [] as string[],
      write(line: string) {
        this.lines.push(line);
      },
    };
    const logger = createLogger({ destination: plain });
    logger.fatal('no flush here');
    expect(plain.lines).toHaveLength(1);
    let called = 0;
    const flushing = {
      write: () => undefined,
      flush: (cb?: () => void) => {
        called++;
        cb?.();
      },
      flushSync: () => {
        throw new Error('not ready');
      },
    };
    const second = createLogger({ destination: flushing });
    second.fatal('flushSync throws, the caller does not see it');
    second.flush();
    expect(called).toBe(1);
  });

  it('refuses an unknown level and malformed redact paths', () => {
    expect(() => createLogger({ level: 'loud' as 'info' })).toThrow(FoundationError);
    expect(() => createLogger({ redact: 'password' as unknown as string[] })).toThrow(/redact/);
    expect(() => createLogger({ redact: [''] })).toThrow(/redact\[0\]/);
    let caught: unknown;
    try {
      createLogger({ redact: ['a['], destination: memoryDestination() });
    } catch (error) {
      caught = error;
    }
    expect(FoundationError.is(caught) && caught.context.path).toBe('redact');
    expect(() =>
      createLogger({ redact: ['creds["..a"]'], destination: memoryDestination() }),
    ).toThrow(/valid pino path syntax/);
  });

  it('loses no line when the process exits right after logging, or is killed after a fatal line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'telemetry-logger-'));
    try {
      const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
      const script = join(dir, 'child.ts');
      writeFileSync(
        script,
        `import { createLogger } from ${JSON.stringify(entry)};
const logger = createLogger({ name: 'child' });
for (let i = 0; i < 2000; i++) logger.info({ i }, 'line');
if (process.argv[2] === 'kill') { logger.fatal('last words'); process.kill(process.pid, 'SIGKILL'); }
else process.exit(0);
`,
      );
      const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
      const run = (mode: string): string[] => {
        let out: string;
        try {
          out = execFileSync(tsx, [script, mode], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          });
        } catch (error) {
          out = (error as { stdout: string }).stdout;
        }
        return out.trim().split('\n');
      };
      const exited = run('exit');
      expect(exited).toHaveLength(2000);
      expect(JSON.parse(exited.at(-1)!)).toMatchObject({ i: 1999 });
      const killed = run('kill');
      expect(killed).toHaveLength(2001);
      expect(JSON.parse(killed.at(-1)!)).toMatchObject({ level: 60, msg: 'last words' });
      expect(readFileSync(script, 'utf8')).toContain('createLogger');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createLogger and pino conventions', () => {
  it("keeps pino's pid and hostname unless base says otherwise", () => {
    const destination = memoryDestination();
    createLogger({ destination, name: 'api' }).info('hello');
    expect(destination.lines[0]).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      name: 'api',
    });
    const bare = memoryDestination();
    createLogger({ destination: bare, base: null }).info('hello');
    expect(bare.lines[0]).not.toHaveProperty('pid');
    expect(bare.lines[0]).not.toHaveProperty('hostname');
    const custom = memoryDestination();
    createLogger({ destination: custom, base: { service: 'orders' }, package: 'p' }).info('x');
    expect(custom.lines[0]).toMatchObject({ service: 'orders', package: 'p' });
    expect(custom.lines[0]).not.toHaveProperty('pid');
    expect(() => createLogger({ destination, base: 'x' as never })).toThrow(/base/);
  });

  it("writes pino-std-serializers' type next to Foundation's fields, on causes too", () => {
    class PaymentError extends Error {}
    const destination = memoryDestination();
    const cause = new PaymentError('declined');
    const error = new FoundationError('external_service_error', 'charge failed', { cause });
    createLogger({ destination }).error({ err: error }, 'failed');
    createLogger({ destination }).error({ err: new AggregateError([new TypeError('t')], 'many') });
    const [line, aggregate] = destination.lines as { err: Record<string, unknown> }[];
    expect(line!.err).toMatchObject({
      type: 'FoundationError',
      codeName: 'external_service_error',
      message: 'charge failed',
      cause: { type: 'PaymentError', message: 'declined', kind: 'error' },
    });
    expect(aggregate!.err).toMatchObject({
      type: 'AggregateError',
      errors: [{ type: 'TypeError' }],
    });
  });

  it('redacts secrets in error causes and error contexts at any depth', () => {
    const destination = memoryDestination();
    const logger = createLogger({ destination, redact: ['*.token', 'password', 'db["api-key"]'] });
    const context = { token: 'inner-secret', password: 'pw', db: { 'api-key': 'k', host: 'h' } };
    const cause = new FoundationError('network_error', 'down', { context });
    const error = new FoundationError('external_service_error', 'failed', {
      cause,
      context: { request: { token: 'outer-secret', id: 7 } },
    });
    logger.error({ err: error, request: { token: 'top-secret' } }, 'failed');
    const text = JSON.stringify(destination.lines[0]);
    for (const secret of ['inner-secret', 'outer-secret', 'top-secret', '"pw"', '"k"']) {
      expect(text).not.toContain(secret);
    }
    const err = destination.lines[0]!.err as {
      context: { request: { token: string; id: number } };
      cause: {
        context: { token: string; password: string; db: { 'api-key': string; host: string } };
      };
    };
    expect(err.cause.context.token).toBe(REDACTED);
    expect(err.cause.context.password).toBe(REDACTED);
    expect(err.cause.context.db).toEqual({ 'api-key': REDACTED, host: 'h' });
    expect(err.context.request).toEqual({ token: REDACTED, id: 7 });
    // The live error is untouched: only the log line is redacted.
    expect(cause.context.token).toBe('inner-secret');
  });
});

describe('redaction in error trees (property)', () => {
  it('redacts a bracket-quoted key at any cause depth and leaves its siblings', () => {
    const key = fc
      .string({
        unit: fc.constantFrom(...'abcXYZ09-_ .:@$'.split('')),
        minLength: 1,
        maxLength: 12,
      })
      // pino refuses any path containing '..' (even inside quotes): such keys cannot be named.
      .filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k) && !k.includes('..'));
    fc.assert(
      fc.property(key, fc.integer({ min: 0, max: 4 }), (secretKey, depth) => {
        const destination = memoryDestination();
        const logger = createLogger({ destination, redact: [`creds["${secretKey}"]`] });
        let error = new FoundationError('network_error', 'deep', {
          context: { creds: { [secretKey]: 'hidden-value', keep: 'visible' } },
        });
        for (let i = 0; i < depth; i++) {
          error = new FoundationError('external_service_error', `level ${i}`, { cause: error });
        }
        logger.error({ err: error }, 'failed');
        const text = JSON.stringify(destination.lines[0]);
        expect(text).not.toContain('hidden-value');
        expect(text).toContain('visible');
      }),
      { numRuns: 60 },
    );
  });
});
