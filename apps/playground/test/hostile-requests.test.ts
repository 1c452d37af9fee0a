import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPlaygroundService, type PlaygroundService } from '../src/service.js';

let service: PlaygroundService | undefined;

afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function start(
  options: Parameters<typeof createPlaygroundService>[0] = {},
): Promise<{ base: string; port: number }> {
  service = createPlaygroundService({ ratePerSecond: 1e6, burst: 1e6, ...options });
  const { port } = await service.listen(0);
  return { base: `http://127.0.0.1:${port}`, port };
}

/** Sends `head` (and `body`) as raw bytes and resolves with the whole response text. */
function raw(port: number, head: string, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      resolve(text);
    });
    socket.on('error', reject);
    socket.write(`${head}\r\nhost: x\r\nconnection: close\r\n\r\n${body}`);
  });
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

describe('the playground service under hostile requests', () => {
  it('answers request targets that are not URLs with 400 and stays up', async () => {
    const { base, port } = await start();
    for (const target of ['//[', 'http://[/', 'http://%zz/', 'http://a:99999/health']) {
      const response = await raw(port, `GET ${target} HTTP/1.1`);
      expect(statusOf(response), target).toBeGreaterThanOrEqual(400);
      expect(statusOf(response), target).toBeLessThan(500);
    }
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers malformed %-encoding in a path with 400', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/config/%E0%A4%A`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; context: { rule: string } } };
    expect(body.error.code).toBe(3202);
    expect(body.error.context.rule).toBe('valid %-encoding');
  });

  it('answers HEAD wherever GET works, without a body', async () => {
    const { port } = await start();
    for (const path of ['/health', '/status', '/metrics', '/config', '/events/recent']) {
      const response = await raw(port, `HEAD ${path} HTTP/1.1`);
      expect(statusOf(response), path).toBe(200);
      expect(response.endsWith('\r\n\r\n'), path).toBe(true);
    }
  });

  it('answers a known path with the wrong method 405 and lists the allowed ones', async () => {
    const { base } = await start();
    const post = await fetch(`${base}/health`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const remove = await fetch(`${base}/config/ai.model`, { method: 'DELETE' });
    expect(remove.status).toBe(405);
    expect(remove.headers.get('allow')).toBe('GET, PUT, HEAD');
  });

  it('cuts off a half-sent body with 408 after the request timeout, not minutes later', async () => {
    const { port } = await start({ requestTimeoutMs: 200, headersTimeoutMs: 200 });
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => {
        resolve(text);
      });
      socket.on('error', reject);
      socket.write(
        'PUT /config/ai.planning.samplingRate HTTP/1.1\r\nhost: x\r\n' +
          'content-type: application/json\r\ncontent-length: 100\r\n\r\n{"value":',
      );
    });
    expect(statusOf(response)).toBe(408);
  });

  it('survives a client that drops its body mid-way and counts it as a 500 of that route', async () => {
    const { base, port } = await start();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'PUT /config/ai.planning.samplingRate HTTP/1.1\r\nhost: x\r\n' +
            'content-length: 100\r\n\r\n{"value":',
          () => setImmediate(() => socket.destroy()),
        );
      });
      socket.on('close', () => {
        resolve();
      });
    });
    // The server is still up, and the failure is labelled with the route the client asked for.
    let metrics = '';
    for (let attempt = 0; attempt < 50 && !metrics.includes('status="500"'); attempt++) {
      metrics = await (await fetch(`${base}/metrics`)).text();
    }
    expect(metrics).toMatch(/http_requests_total\{route="\/config\/:path",status="500"\} 1/);
  });

  it('answers every request target and path with a status below 500', async () => {
    const { port } = await start();
    // Request targets as a careless or hostile client writes them: any printable ASCII
    // without spaces, often starting with a slash, %-escapes included.
    const target = fc
      .array(
        fc.oneof(
          fc.constantFrom('/', '//', '%', '%zz', '%E0%A4', '[', ']', ':', '?', '#', '@', '..'),
          fc.string({
            unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
            maxLength: 8,
          }),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        target,
        fc.constantFrom('GET', 'HEAD', 'PUT', 'POST'),
        async (path, method) => {
          const response = await raw(port, `${method} ${path} HTTP/1.1`, '');
          const status = statusOf(response);
          expect(status, `${method} ${path}`).toBeGreaterThanOrEqual(200);
          expect(status, `${method} ${path}`).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
