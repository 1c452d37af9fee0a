import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Each case runs as its own process, to its natural exit: a timer some caller awaits must keep
// Node alive (else it exits with code 13 and no output), and a background timer must not. The
// scripts import the built package, as a user's script would.
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(entry)) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  }
}, 120_000);

function run(script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', `import * as r from ${JSON.stringify(entry)};\n${script}`],
      { timeout: 15_000 },
      (error, stdout) => {
        // A process killed by the test's own timeout has no exit code: null fails the test.
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout });
      },
    );
  });
}

describe('timers behind an awaited operation keep the process alive (child processes)', () => {
  it('timeout(300) on a call that heeds its signal but holds nothing rejects with 5104, not exit 13', async () => {
    const { code, stdout } = await run(`
const waitForAbort = ({ signal }) =>
  new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
try {
  await r.timeout(300).execute(waitForAbort);
  console.log('finished');
} catch (error) {
  console.log('refused', error.code);
}`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'refused 5104\n' });
  });

  it('an aggressive timeout does too', async () => {
    const { code, stdout } = await run(`
const policy = r.timeout(200, { strategy: 'aggressive' });
const error = await policy.execute(() => new Promise(() => {})).catch((e) => e);
console.log('refused', error.code, policy.pending);`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'refused 5104 0\n' });
  });

  it('a SelfHealing check run awaited by a script reaches its timeout', async () => {
    const { code, stdout } = await run(`
const healing = new r.SelfHealing({
  checks: [{ name: 'db', intervalMs: 60_000, timeoutMs: 200, failureThreshold: 1, check: () => new Promise(() => {}) }],
});
await healing.checkNow('db');
const [state] = healing.checks();
console.log(state.status, state.lastError.code);`);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^unhealthy \d+\n$/);
  });

  it('a queued acquire waits for its token', async () => {
    const { code, stdout } = await run(`
const limiter = r.rateLimiter({ rate: 5, per: 1_000, burst: 1 });
limiter.check();
await limiter.acquire(undefined, { maxWaitMs: 1_000 });
console.log('acquired');`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'acquired\n' });
  });

  it("a bulkhead waiter's queue timeout is reached behind a call that holds nothing", async () => {
    const { code, stdout } = await run(`
const policy = r.bulkhead({ concurrency: 1, queue: 1, queueTimeoutMs: 200 });
void policy.execute(() => new Promise(() => {}));
const error = await policy.execute(() => 'ran').catch((e) => e);
console.log('refused', error.code, error.context.reason);`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'refused 5103 queue_timeout\n' });
  });

  it('background timers (self-healing intervals, finished policies) never hold the process', async () => {
    const { code, stdout } = await run(`
const healing = new r.SelfHealing({ checks: [{ name: 'ok', intervalMs: 60_000, check: () => true }] });
await healing.start();
const policy = r.timeout(60_000);
await policy.execute(() => 1);
const limiter = r.rateLimiter({ rate: 1, per: 60_000 });
limiter.check();
console.log('done', healing.health().status);`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'done healthy\n' });
  });

  it('a health poll in flight (supervisor child, self-healing run) never holds the process', async () => {
    const { code, stdout } = await run(`
const hangs = () => new Promise(() => {});
const supervisor = new r.Supervisor({
  children: [{
    id: 'polled',
    healthCheck: { intervalMs: 20, timeoutMs: 60_000 },
    start: () => ({ stop() {}, health: hangs }),
  }],
});
await supervisor.start();
let polls = 0;
const healing = new r.SelfHealing({
  checks: [{ name: 'slow', intervalMs: 20, jitter: 0, timeoutMs: 60_000,
    check: () => (++polls === 1 ? true : hangs()) }],
});
await healing.start();
// Both polls are now waiting on a 60 s deadline that nobody awaits.
await new Promise((resolve) => setTimeout(resolve, 100));
console.log('done', polls > 1);`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'done true\n' });
  });
});
