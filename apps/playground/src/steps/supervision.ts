import {
  createFoundation,
  formatBytes,
  generateId,
  ManualClock,
  type Foundation,
} from '@foundation/core';
import { createConfig } from '@foundation/config';
import { FoundationError } from '@foundation/errors';
import { createEvent, EventStore } from '@foundation/events';
import {
  heal,
  SelfHealing,
  Supervisor,
  type CrashTarget,
  type SupervisorEvent,
} from '@foundation/resilience';
import { createTelemetry, PerformanceMonitor } from '@foundation/telemetry';
import { z } from 'zod';
import type { StepContext, StepGroup } from './types.js';

const configSchema = z.object({
  app: z.object({
    name: z.string().default('playground'),
    workers: z.number().int().min(1).default(4),
  }),
});

/** The playground's foundation: config, events, telemetry and self-healing under one supervisor. */
function buildStack() {
  const config = createConfig({ schema: configSchema, updatable: ['app.*'] });
  const events = new EventStore({ name: 'events', maxEvents: 10_000 });
  const telemetry = createTelemetry();
  const monitor = new PerformanceMonitor({
    name: 'telemetry',
    telemetry,
    intervalMs: 1_000,
    // The chaos steps allocate on purpose; only a runaway heap should count as degraded.
    thresholds: { heapUsedBytes: 1024 * 1024 * 1024 },
  });
  // The checks heal through the supervisor that also runs them (built just below).
  const target: CrashTarget = { reportCrash: (id, reason) => supervisor.reportCrash(id, reason) };
  const healing = new SelfHealing({
    name: 'self-healing',
    checks: [
      {
        name: 'config',
        intervalMs: 200,
        failureThreshold: 2,
        check: () => config.health(),
        heal: heal.restartChild(target, 'config'),
      },
      {
        name: 'events',
        intervalMs: 200,
        failureThreshold: 2,
        check: () => events.health(),
        heal: heal.restartChild(target, 'events'),
      },
      {
        name: 'telemetry',
        intervalMs: 200,
        failureThreshold: 2,
        check: () => monitor.health(),
        heal: heal.restartChild(target, 'telemetry'),
      },
    ],
  });
  const supervisor = new Supervisor({
    name: 'foundation',
    strategy: 'one_for_one',
    maxRestarts: 50,
    periodMs: 5_000,
    children: [
      // A short backoff leaves a real outage window for the chaos step to run into.
      { id: 'config', service: config, backoff: { initialDelayMs: 5, maxDelayMs: 50 } },
      { id: 'events', service: events, backoff: { initialDelayMs: 5, maxDelayMs: 50 } },
      { id: 'telemetry', service: monitor, backoff: { initialDelayMs: 5, maxDelayMs: 50 } },
      { id: 'self-healing', service: healing },
    ],
  });
  const foundation = createFoundation({ services: [supervisor] });
  return { config, events, monitor, healing, supervisor, foundation };
}

type Stack = ReturnType<typeof buildStack>;

function stackOf(ctx: StepContext): Stack {
  const stack = ctx.shared.get('supervision.stack') as Stack | undefined;
  if (!stack) throw new Error('the supervised foundation was not started');
  return stack;
}

/**
 * Resolves with the child's next `child_restarted` event, or fails after `deadlineMs`. The
 * deadline timer is a plain (ref'd) one on purpose: the supervisor's own timers never hold the
 * process open, so something must while the workflow waits for a restart.
 */
function restarted(
  supervisor: Supervisor,
  childId: string,
  deadlineMs = 2_000,
): Promise<SupervisorEvent> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      off();
      reject(new Error(`'${childId}' was not restarted within ${deadlineMs} ms`));
    }, deadlineMs);
    const off = supervisor.subscribe((event) => {
      if (event.type === 'child_restarted' && event.childId === childId) {
        off();
        clearTimeout(deadline);
        resolve(event);
      }
    });
  });
}

async function expectHealthy(foundation: Foundation): Promise<string> {
  const health = await foundation.health();
  if (health.status !== 'healthy') {
    throw new Error(`foundation is ${health.status}: ${health.services.foundation?.message ?? ''}`);
  }
  return health.services.foundation?.message ?? 'healthy';
}

/** Waits (on a ref'd timer) until every child of the supervisor runs again. */
async function allRunning(supervisor: Supervisor, deadlineMs = 2_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    const { specs, active } = supervisor.countChildren();
    if (specs === active) return;
    if (performance.now() - start > deadlineMs) {
      throw new Error(`only ${active} of ${specs} children running after ${deadlineMs} ms`);
    }
    await sleep(5);
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Supervision and the seed's chaos level: services are killed and come back. */
export const supervisionSteps: StepGroup = {
  title: 'Supervision & chaos',
  steps: [
    {
      name: 'initialize config, events, telemetry and self-healing under one supervisor',
      run: async (ctx) => {
        const stack = buildStack();
        ctx.defer(() => stack.foundation.shutdown());
        await stack.foundation.initialize();
        ctx.shared.set('supervision.stack', stack);
        const children = stack.supervisor.whichChildren().map((c) => `${c.id}:${c.state}`);
        ctx.detail(`children ${children.join(', ')}`);
        return `supervisor 'foundation' running; ${await expectHealthy(stack.foundation)}`;
      },
    },
    {
      name: 'kill the config service: restarted with its configuration intact',
      run: async (ctx) => {
        const { config, supervisor, foundation } = stackOf(ctx);
        config.update('app.workers', 8);
        const back = restarted(supervisor, 'config');
        await supervisor.reportCrash('config', new Error('chaos: config killed'));
        const event = await back;
        const workers = config.get('app.workers');
        if (workers !== 8) throw new Error(`app.workers is ${String(workers)} after the restart`);
        const latencyMs = (event as { latencyMs: number }).latencyMs;
        ctx.detail(`restart latency ${latencyMs.toFixed(3)} ms; app.workers still ${workers}`);
        return `config restarted (${supervisor.whichChildren()[0]!.restarts} restart); ${await expectHealthy(foundation)}`;
      },
    },
    {
      name: 'crash a child past the intensity: the supervisor escalates',
      run: async (ctx) => {
        const clock = new ManualClock();
        const crashes: ((reason: unknown) => void)[] = [];
        const strict = new Supervisor({
          name: 'strict',
          maxRestarts: 2,
          periodMs: 5_000,
          clock,
          children: [
            {
              id: 'flaky',
              start: ({ crash }) => {
                crashes.push(crash);
                return { stop: () => undefined };
              },
            },
          ],
        });
        const escalation = new Promise<unknown>((resolve) => strict.onCrash(resolve));
        await strict.start();
        for (let i = 0; i < 3; i++) {
          crashes.at(-1)!(new Error(`crash ${i + 1}`));
          await clock.advanceAsync(1_000);
        }
        const error = await escalation;
        if (!FoundationError.is(error) || error.code !== 5201) throw new Error('no escalation');
        const history = error.context.restarts as { childId: string; atMs: number }[];
        ctx.detail(`restarts: ${history.map((r) => `${r.childId}@${r.atMs}ms`).join(', ')}`);
        const health = await strict.health();
        return `escalated [${error.code} ${error.codeName}] after ${history.length} restarts in 5 s; health ${health.status}`;
      },
    },
    {
      name: '100 concurrent tasks while services are killed',
      run: async (ctx) => {
        const { config, events, supervisor, healing, foundation } = stackOf(ctx);
        const acknowledged: string[] = [];
        const refused: FoundationError[] = [];
        let retries = 0;
        let kills = 0;
        // An object, so the monkey's loop sees the change made after the tasks finish.
        const chaos = { on: true };
        const monkey = (async () => {
          const victims = ['events', 'config', 'telemetry'] as const;
          // Bounded, so the kills stay within the supervisor's intensity (50 in 5 s).
          while (chaos.on && kills < 20) {
            await supervisor.reportCrash(victims[kills % victims.length]!, new Error('chaos'));
            kills++;
            await sleep(1);
          }
        })();
        const task = async (n: number): Promise<void> => {
          for (let step = 0; step < 10; step++) {
            await sleep(1);
            const correlationId = generateId();
            for (let attempt = 0; ; attempt++) {
              try {
                const name = config.get('app.name');
                const event = createEvent('playground.task', { n, step, name }, { correlationId });
                events.append(event);
                acknowledged.push(event.id);
                break;
              } catch (error) {
                // The one documented failure while a service restarts: 2102 service_unavailable.
                if (!FoundationError.is(error) || error.code !== 2102) throw error;
                if (attempt === 100) {
                  refused.push(error);
                  break;
                }
                retries++;
                await sleep(1);
              }
            }
          }
        };
        const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, n) => task(n)));
        chaos.on = false;
        await monkey;
        const failed = outcomes.filter((o) => o.status === 'rejected');
        if (failed.length > 0) throw new Error(`${failed.length} tasks failed unexpectedly`);
        const lost = acknowledged.filter((id) => !events.has(id));
        if (lost.length > 0) throw new Error(`${lost.length} acknowledged events lost`);
        ctx.detail(
          `${kills} kills; ${retries} retries after 2102; ${refused.length} writes given up`,
        );
        await allRunning(supervisor);
        // Checks that ran during an outage count a failure until they run again: re-check now.
        await healing.checkNow();
        return `${acknowledged.length} events appended, none lost; ${await expectHealthy(foundation)}`;
      },
    },
    {
      name: 'memory pressure: the foundation still answers status() and health()',
      run: async (ctx) => {
        const { foundation } = stackOf(ctx);
        const before = process.memoryUsage().heapUsed;
        const pressure: number[][] = Array.from({ length: 40 }, (_, i) =>
          Array.from({ length: 250_000 }, (_, k) => k + i),
        );
        const during = process.memoryUsage().heapUsed;
        const status = foundation.status();
        const health = await foundation.health();
        if (status.state !== 'running') throw new Error(`foundation is ${status.state}`);
        ctx.detail(
          `heap ${formatBytes(before)} → ${formatBytes(during)}, ${pressure.length} arrays held`,
        );
        pressure.length = 0;
        return `status ${status.state}, health ${health.status} with ${formatBytes(during - before)} of extra heap`;
      },
    },
    {
      name: 'shut the supervised foundation down',
      run: async (ctx) => {
        const { foundation, supervisor, healing } = stackOf(ctx);
        const totalRestarts = (supervisor.status() as { totalRestarts: number }).totalRestarts;
        const report = await foundation.shutdown();
        ctx.shared.delete('supervision.stack');
        if (report.failed.length > 0 || report.timedOut.length > 0) {
          throw new Error(`shutdown problems: ${JSON.stringify(report)}`);
        }
        return `stopped ${report.stopped.join(', ')}; ${totalRestarts} restarts in all; self-healing ${healing.state}`;
      },
    },
  ],
};
