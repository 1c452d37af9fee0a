/**
 * Restart latency of the supervisor: from a child's crash to the child (or, for one_for_all,
 * every child) running again, on the real clock with trivial children.
 *
 * Run: `npx tsx bench/supervision.bench.ts` (from packages/resilience).
 */
import { BenchSuite } from '@foundation/bench-kit';
import { Supervisor, type StartChildSpec, type SupervisorStrategy } from '../src/index.js';

interface Rig {
  readonly supervisor: Supervisor;
  /** Crashes the first child and resolves when the whole restart is done. */
  readonly crashAndWait: () => Promise<void>;
}

async function rig(strategy: SupervisorStrategy, size: number): Promise<Rig> {
  const crash = new Map<string, (reason?: unknown) => void>();
  const children: StartChildSpec[] = Array.from({ length: size }, (_, i) => ({
    id: `c${i}`,
    start: (context) => {
      crash.set(`c${i}`, context.crash);
      return { stop: () => undefined, health: () => ({ status: 'healthy' as const }) };
    },
  }));
  // A 1 ms period keeps the intensity window short, so back-to-back crashes never escalate.
  const supervisor = new Supervisor({ strategy, maxRestarts: 1_000_000, periodMs: 1, children });
  let pending = 0;
  let done: () => void = () => undefined;
  supervisor.subscribe((event) => {
    if (event.type === 'child_restarted' && --pending === 0) done();
  });
  await supervisor.start();
  const crashAndWait = (): Promise<void> =>
    new Promise<void>((resolve) => {
      pending = strategy === 'one_for_all' ? size : 1;
      done = resolve;
      crash.get('c0')!(new Error('bench crash'));
    });
  return { supervisor, crashAndWait };
}

const one = await rig('one_for_one', 1);
const all = await rig('one_for_all', 10);

const suite = new BenchSuite('Supervisor restart latency (crash → running again)')
  .add('one_for_one, 1 child: crash → restarted', () => one.crashAndWait())
  .add('one_for_all, 10 children: crash → all restarted', () => all.crashAndWait())
  .underNs('one_for_one, 1 child: crash → restarted', 100_000)
  .underNs('one_for_all, 10 children: crash → all restarted', 1_000_000)
  .check('supervisors healthy after the runs', () => {
    const ok = one.supervisor.state === 'running' && all.supervisor.state === 'running';
    return { ok, actual: `${one.supervisor.state} / ${all.supervisor.state}` };
  });

await suite.run();
const health = await Promise.all([one.supervisor.health(), all.supervisor.health()]);
console.log(`\nhealth after the runs: ${health.map((h) => h.status).join(' / ')}`);
await one.supervisor.stop();
await all.supervisor.stop();
