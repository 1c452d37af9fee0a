// Malformed request targets, hostile headers and arbitrary paths are @foundation/http's to
// answer, and its raw-socket property tests (packages/http/test/hostile.test.ts) cover them.
// What stays here is what the playground's own routes do with careless or broken clients.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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

/** Writes the start of a PUT whose body never completes; resolves with what the server sent. */
function halfSentPut(port: number, onSent?: (socket: ReturnType<typeof connect>) => void) {
  return new Promise<string>((resolve, reject) => {
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
      () => onSent?.(socket),
    );
  });
}

describe('the playground service under hostile requests', () => {
  it('answers malformed %-encoding in a config path with a 400 problem', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/config/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      codeName: 'http_malformed_request',
      path: 'url',
      rule: 'path must use valid percent-encoding of UTF-8',
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers HEAD wherever GET works, without a body', async () => {
    const { base } = await start();
    for (const path of ['/healthz', '/status', '/metrics', '/config', '/events/recent']) {
      const response = await fetch(`${base}${path}`, { method: 'HEAD' });
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe('');
      // The next request on the same keep-alive connection parses cleanly: a body written
      // after the HEAD reply would be read as the start of this response.
      const next = await fetch(`${base}/status`);
      expect(next.status, path).toBe(200);
      expect(((await next.json()) as { state: string }).state, path).toBe('running');
    }
  });

  it('answers a known path with the wrong method 405 and lists the allowed ones', async () => {
    const { base } = await start();
    const post = await fetch(`${base}/healthz`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const remove = await fetch(`${base}/config/ai.model`, { method: 'DELETE' });
    expect(remove.status).toBe(405);
    expect(remove.headers.get('allow')).toBe('GET, PUT, HEAD');
    expect(await remove.json()).toMatchObject({ codeName: 'http_method_not_allowed' });
  });

  it('cuts off a half-sent body with 408 after the request timeout, not minutes later', async () => {
    const { port } = await start({ requestTimeoutMs: 200, headersTimeoutMs: 200 });
    const response = await halfSentPut(port);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('survives a client that drops its body mid-way and records it under its route', async () => {
    const { base, port } = await start();
    await halfSentPut(port, (socket) => setImmediate(() => socket.destroy()));
    // The server is still up, and the request is recorded under the route the client asked
    // for, with no status: it never got a response (OpenTelemetry leaves the status unset).
    const dropped =
      'http_server_request_duration_seconds_count{http_route="/config/:path",' +
      'http_request_method="PUT",http_response_status_code=""} 1';
    let metrics = '';
    for (let attempt = 0; attempt < 50 && !metrics.includes(dropped); attempt++) {
      metrics = await (await fetch(`${base}/metrics`)).text();
    }
    expect(metrics).toContain(dropped);
  });
});
