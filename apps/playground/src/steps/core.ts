import {
  createFoundation,
  formatBytes,
  formatDuration,
  generateCorrelationId,
  generateId,
  idTimestampMs,
  ManualClock,
  measure,
  type Service,
} from '@foundation/core';
import type { StepGroup } from './types.js';

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function demoService(name: string, log: string[]): Service {
  return {
    name,
    start: () => {
      log.push(`start ${name}`);
    },
    stop: () => {
      log.push(`stop ${name}`);
    },
    health: () => ({ status: 'healthy' }),
  };
}

/** The core steps: ids, measuring, the clock and the lifecycle. */
export const coreSteps: StepGroup = {
  title: 'Core',
  steps: [
    {
      name: 'unique, time-sortable ids',
      run: (ctx) => {
        const ids = Array.from({ length: 1000 }, () => generateId());
        if (new Set(ids).size !== ids.length) throw new Error('duplicate id generated');
        if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) throw new Error('ids out of order');
        ctx.detail(`first ${ids[0]!}, last ${ids.at(-1)!}`);
        ctx.detail(`correlation id ${generateCorrelationId()}`);
        return `1000 ids unique and ordered; timestamp ${new Date(idTimestampMs(ids[0]!)).toISOString()}`;
      },
    },
    {
      name: 'measure a computation',
      run: () => {
        const { result, durationNs } = measure(() => fib(20));
        if (result !== 6765) throw new Error(`fib(20) = ${result}`);
        return `fib(20) = ${result} in ${formatDuration(durationNs)}; heap ${formatBytes(process.memoryUsage().heapUsed)}`;
      },
    },
    {
      name: 'manual clock fires timers in order',
      run: async () => {
        const clock = new ManualClock();
        const fired: string[] = [];
        clock.setTimeout(() => fired.push('b@200'), 200);
        clock.setTimeout(() => fired.push('a@100'), 100);
        const slept = clock.sleep(150).then(() => fired.push('sleep@150'));
        await clock.advanceAsync(250);
        await slept;
        const order = fired.join(', ');
        if (order !== 'a@100, sleep@150, b@200') throw new Error(`unexpected order: ${order}`);
        return order;
      },
    },
    {
      name: 'lifecycle starts in order and stops in reverse',
      run: async () => {
        const log: string[] = [];
        const foundation = createFoundation({
          services: [demoService('config', log), demoService('events', log)],
        });
        await foundation.initialize();
        const health = await foundation.health();
        await foundation.shutdown();
        if (health.status !== 'healthy') throw new Error(`health ${health.status}`);
        return log.join(' → ');
      },
    },
  ],
};
