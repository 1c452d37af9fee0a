import { EventEmitter } from 'node:events';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { handleShutdownSignals, type GracefulShutdownReport } from '@foundation/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlaygroundService, shutdownSteps, type PlaygroundService } from '../src/service.js';

let service: PlaygroundService | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  agent?.destroy();
  await service?.close();
  service = undefined;
});

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
}

/** Sends a PUT whose body is held back until `finish` is called. */
function heldPut(port: number, body: string): { req: ClientRequest; answer: Promise<Answer> } {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: '/config/ai.planning.samplingRate',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (response: IncomingMessage) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          connection: response.headers.connection,
          body: text,
        });
      });
      response.on('error', reject);
    });
  });
  req.flushHeaders();
  return { req, answer };
}

describe('graceful shutdown of the playground service', () => {
  it('lets 20 in-flight keep-alive requests finish on SIGTERM, none reset, then stops the foundation', async () => {
    service = createPlaygroundService({ ratePerSecond: 1e6, burst: 1e6 });
    const { port } = await service.listen(0);
    agent = new Agent({ keepAlive: true, maxSockets: 20 });

    // 20 requests on 20 keep-alive connections, each with its headers sent and its body held.
    const arrived = new Promise<void>((resolve) => {
      let count = 0;
      service!.server.on('request', () => {
        if (++count === 20) resolve();
      });
    });
    const body = JSON.stringify({ value: 0.5 });
    const held = Array.from({ length: 20 }, () => heldPut(port, body));
    await arrived;

    const signals = new EventEmitter();
    const exits: number[] = [];
    let report: GracefulShutdownReport | undefined;
    const shutdown = handleShutdownSignals({
      steps: shutdownSteps(service),
      source: signals,
      exit: (code) => exits.push(code),
      drainTimeoutMs: 30_000,
      onEvent: (event) => {
        if (event.type === 'finished') report = event.report;
      },
    });
    const closed = new Promise<void>((resolve) => service!.server.once('close', resolve));
    signals.emit('SIGTERM', 'SIGTERM');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(service.ready).toBe(false);
    expect(service.foundation.status().state).toBe('running');

    // The bodies arrive after the signal: every request still gets its answer.
    for (const { req } of held) req.end(body);
    const answers = await Promise.all(held.map(({ answer }) => answer));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(answers.every((a) => a.connection === 'close')).toBe(true);

    await closed;
    const final = await shutdown.shutdown();
    expect(final).toBe(report);
    expect(final).toEqual({
      reason: 'SIGTERM',
      stopped: ['http', 'foundation'],
      failed: [],
      timedOut: [],
      exitCode: 0,
    });
    expect(exits).toEqual([0]);
    expect(service.foundation.status().state).toBe('stopped');
  });

  it('answers /readyz with 200 while serving and refuses new connections once draining', async () => {
    service = createPlaygroundService();
    const { port } = await service.listen(0);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    await service.drain();
    expect(service.ready).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
  });

  it('closes connections still open when the drain deadline aborts', async () => {
    service = createPlaygroundService();
    const { port } = await service.listen(0);
    agent = new Agent({ keepAlive: true });
    const arrived = new Promise<void>((resolve) =>
      service!.server.once('request', () => {
        resolve();
      }),
    );
    const { answer } = heldPut(port, '{"value":0.5}');
    const failed = answer.then(
      () => 'answered',
      (error: unknown) => (error as NodeJS.ErrnoException).code,
    );
    await arrived;
    const deadline = new AbortController();
    const drained = service.drain(deadline.signal);
    deadline.abort();
    await drained;
    expect(await failed).toBe('ECONNRESET');
  });
});
