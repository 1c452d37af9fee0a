import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@foundation/core';
import { createTelemetry } from '@foundation/telemetry';
import { createHttpFoundation } from '../src/index.js';
import { close, listen } from './support.js';

/** Writes a raw request and reads until the server closes the connection. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => {
      resolve(reply);
    });
    socket.on('error', reject);
    socket.end(text, 'latin1');
  });
}

describe('hostile requests over a raw socket', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const http = createHttpFoundation({ telemetry: createTelemetry() });
    server = createServer(
      http.handler((_request, response, context) => {
        if (context.path === '/boom') throw new Error('boom');
        response.end(`${context.correlationId} ${context.path}`);
      }),
    );
    port = Number(new URL(await listen(server)).port);
  });
  afterAll(() => close(server));

  const headerValue = fc
    .string({ unit: 'binary-ascii', maxLength: 200 })
    .map((s) => s.replace(/[\r\n]/g, ''));
  const target = fc.oneof(
    fc.string({
      unit: fc.constantFrom(...'/%a-zA-Z09.?#&=:@\\\'"<>{}|^`~!*()[];,+$ '.split('')),
      maxLength: 40,
    }),
    fc.constantFrom('/boom', '/metrics', '/readyz', '*', 'http://x/%zz', '//evil/', '/%ff%fe'),
  );

  it('answers every request with a status line and never crashes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'HEAD', 'PROPFIND', 'OPTIONS'),
        target,
        headerValue,
        headerValue,
        headerValue,
        async (method, path, traceparent, requestId, accept) => {
          const request =
            `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
            `traceparent: ${traceparent}\r\nx-request-id: ${requestId}\r\naccept: ${accept}\r\n\r\n`;
          const reply = await raw(port, request);
          expect(reply).toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
          const status = Number(reply.slice(9, 12));
          if (status === 500) expect(reply).not.toContain('boom');
        },
      ),
      { numRuns: 60 },
    );
    // Still serving.
    expect(await raw(port, 'GET /fine HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 200 /,
    );
  });
});

describe('rate-limit headers', () => {
  it('stay within the policy whatever the timing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 40 }),
        (rate, burst, gaps) => {
          const clock = new ManualClock();
          const http = createHttpFoundation({
            telemetry: createTelemetry(),
            clock,
            rateLimit: { rate, per: 1000, burst, key: () => 'client' },
          });
          const windowSeconds = Math.max(1, Math.ceil(burst / rate));
          let allowed = 0;
          let elapsedMs = 0;
          for (const gap of gaps) {
            clock.advance(gap);
            elapsedMs += gap;
            const outcome = http.checkRateLimit({} as never)!;
            expect(outcome.headers['ratelimit-policy']).toBe(
              `"default";q=${burst};w=${windowSeconds}`,
            );
            const match = /^"default";r=(\d+);t=(\d+)$/.exec(outcome.headers.ratelimit!);
            expect(match).not.toBeNull();
            const remaining = Number(match![1]);
            const untilFull = Number(match![2]);
            expect(remaining).toBeGreaterThanOrEqual(0);
            expect(remaining).toBeLessThanOrEqual(burst);
            expect(untilFull).toBeLessThanOrEqual(windowSeconds);
            if (outcome.allowed) {
              allowed++;
              // Never more than the burst plus what refilled meanwhile.
              expect(allowed).toBeLessThanOrEqual(burst + Math.floor((elapsedMs * rate) / 1000));
              expect(outcome.headers['retry-after']).toBeUndefined();
            } else {
              expect(outcome.error?.code).toBe(5102);
              expect(remaining).toBe(0);
              expect(Number(outcome.headers['retry-after'])).toBeGreaterThanOrEqual(1);
              expect(Number(outcome.headers['retry-after'])).toBeLessThanOrEqual(
                Math.ceil(1 / rate) + 1,
              );
            }
          }
          // The first request always finds a full bucket.
          expect(allowed).toBeGreaterThan(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
