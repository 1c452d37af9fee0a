import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each case runs as its own process, to its natural exit: the question is whether Node keeps
// the process alive for a timer someone awaits (and only for those). The scripts import the
// built package, as a user's script would (the test task builds it first).
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function run(script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', `import * as core from ${JSON.stringify(entry)};\n${script}`],
      { timeout: 15_000 },
      (error, stdout) => {
        // A process killed by the test's own timeout has no exit code: null fails the test.
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout });
      },
    );
  });
}

const hangingStart = `
const service = {
  name: 'hangs',
  start: () => new Promise(() => {}),
  stop() {},
  health: () => ({ status: 'healthy' }),
};`;

describe('timers behind an awaited operation keep the process alive (child processes)', () => {
  it('a createFoundation start timeout is reached and reported, not cut short by exit 13', async () => {
    const { code, stdout } = await run(`${hangingStart}
const foundation = core.createFoundation({ services: [service], startTimeoutMs: 150 });
try {
  await foundation.initialize();
  console.log('started');
} catch (error) {
  console.log('refused', error.code);
}`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'refused 2101\n' });
  });

  it('a createFoundation health timeout is reached and reported', async () => {
    const { code, stdout } = await run(`
const service = {
  name: 'slow-health',
  start() {},
  stop() {},
  health: () => new Promise(() => {}),
};
const foundation = core.createFoundation({ services: [service], healthTimeoutMs: 150 });
await foundation.initialize();
const health = await foundation.health();
console.log(health.status, health.services['slow-health'].message);`);
    expect({ code, stdout }).toEqual({
      code: 0,
      stdout: 'unhealthy health check exceeded 150 ms\n',
    });
  });

  it('within() on work that holds nothing itself still reaches its deadline', async () => {
    const { code, stdout } = await run(`
const outcome = await core.within(() => new Promise(() => {}), 100, core.systemClock);
console.log(outcome === core.TIMED_OUT ? 'timed out' : 'finished');`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'timed out\n' });
  });

  it('background timers (setTimeout, setInterval) never hold the process open', async () => {
    const { code, stdout } = await run(`
core.systemClock.setInterval(() => console.log('tick'), 60_000);
core.systemClock.setTimeout(() => console.log('late'), 60_000);
console.log('done');`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'done\n' });
  });

  it('a background within() never holds the process open', async () => {
    const { code, stdout } = await run(`
void core.within(() => new Promise(() => {}), 60_000, core.systemClock, { background: true })
  .then(() => console.log('late'));
console.log('done');`);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'done\n' });
  });
});
