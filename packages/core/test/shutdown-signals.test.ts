import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  handleShutdownSignals,
  InvalidInputError,
  ManualClock,
  type GracefulShutdownOptions,
  type ShutdownEvent,
  type ShutdownStep,
} from '../src/index.js';

function setup(steps: ShutdownStep[], options: Partial<GracefulShutdownOptions> = {}) {
  const clock = new ManualClock();
  const source = new EventEmitter();
  const exits: number[] = [];
  const events: ShutdownEvent[] = [];
  const handle = handleShutdownSignals({
    steps,
    clock,
    source,
    exit: (code) => exits.push(code),
    onEvent: (event) => events.push(event),
    drainTimeoutMs: 1000,
    forceTimeoutMs: 200,
    ...options,
  });
  return { clock, source, exits, events, handle };
}

/** A step that stops when told to (or when its deadline aborts, if `forcible`). */
function step(name: string, log: string[], forcible = true) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const value: ShutdownStep = {
    name,
    stop: (deadline) => {
      log.push(`stop ${name}`);
      const force = () => {
        log.push(`forced ${name}`);
        finish();
      };
      if (forcible && deadline.aborted) force();
      else if (forcible) deadline.addEventListener('abort', force);
      return done;
    },
  };
  return {
    step: value,
    finish: () => {
      finish();
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('handleShutdownSignals', () => {
  it('stops the steps in reverse order on SIGTERM, then exits 0', async () => {
    const log: string[] = [];
    const db = step('db', log);
    const http = step('http', log);
    const { source, exits, events, clock } = setup([db.step, http.step]);
    source.emit('SIGTERM', 'SIGTERM');
    await flush();
    expect(log).toEqual(['stop http']);
    http.finish();
    await flush();
    expect(log).toEqual(['stop http', 'stop db']);
    db.finish();
    await clock.advanceAsync(0);
    expect(exits).toEqual([0]);
    expect(events.at(-1)).toEqual({
      type: 'finished',
      report: { reason: 'SIGTERM', stopped: ['http', 'db'], failed: [], timedOut: [], exitCode: 0 },
    });
    expect(source.listenerCount('SIGTERM')).toBe(0);
    expect(source.listenerCount('SIGINT')).toBe(0);
  });

  it('aborts the deadline signal when the drain time is up, so steps can force', async () => {
    const log: string[] = [];
    const http = step('http', log);
    const { source, exits, clock, handle } = setup([http.step]);
    source.emit('SIGINT', 'SIGINT');
    await clock.advanceAsync(999);
    expect(log).toEqual(['stop http']);
    await clock.advanceAsync(1);
    expect(log).toEqual(['stop http', 'forced http']);
    const report = await handle.shutdown();
    expect(report.stopped).toEqual(['http']);
    expect(exits).toEqual([0]);
  });

  it('abandons a step that ignores its deadline and still stops the ones after it', async () => {
    const log: string[] = [];
    const db = step('db', log);
    const stuck = step('stuck', log, false);
    const { source, exits, clock, handle } = setup([db.step, stuck.step]);
    source.emit('SIGTERM', 'SIGTERM');
    await clock.advanceAsync(1000 + 199);
    expect(log).toEqual(['stop stuck']);
    await clock.advanceAsync(1);
    expect(log).toEqual(['stop stuck', 'stop db', 'forced db']);
    await clock.advanceAsync(0);
    const report = await handle.shutdown();
    expect(report).toMatchObject({ stopped: ['db'], timedOut: ['stuck'], exitCode: 1 });
    expect(exits).toEqual([1]);
  });

  it('reports a failing step and goes on', async () => {
    const log: string[] = [];
    const db = step('db', log);
    const { exits, handle } = setup([
      db.step,
      {
        name: 'broken',
        stop: () => {
          throw new Error('socket gone');
        },
      },
    ]);
    const pending = handle.shutdown('deploy');
    await flush();
    db.finish();
    const report = await pending;
    expect(report).toEqual({
      reason: 'deploy',
      stopped: ['db'],
      failed: [{ name: 'broken', error: { name: 'Error', message: 'socket gone' } }],
      timedOut: [],
      exitCode: 1,
    });
    expect(exits).toEqual([1]);
  });

  it('exits at once on a second signal, with 128 + its number', async () => {
    const log: string[] = [];
    const stuck = step('stuck', log, false);
    const { source, exits, events } = setup([stuck.step]);
    source.emit('SIGTERM', 'SIGTERM');
    await flush();
    source.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(events).toContainEqual({ type: 'forced', signal: 'SIGINT', exitCode: 130 });
    source.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([130]);
  });

  it('listens only to the signals asked for and can be disposed', () => {
    const { source, handle } = setup([], { signals: ['SIGHUP'] });
    expect(source.listenerCount('SIGHUP')).toBe(1);
    expect(source.listenerCount('SIGTERM')).toBe(0);
    handle.dispose();
    expect(source.listenerCount('SIGHUP')).toBe(0);
  });

  it('keeps going when the event listener throws', async () => {
    const { handle, exits } = setup([{ name: 'a', stop: () => undefined }], {
      onEvent: () => {
        throw new Error('printer on fire');
      },
    });
    await expect(handle.shutdown()).resolves.toMatchObject({ stopped: ['a'], exitCode: 0 });
    expect(exits).toEqual([0]);
  });

  it('refuses bad options, naming them', () => {
    const cases: [unknown, string][] = [
      [null, 'options'],
      [{}, 'options.steps'],
      [{ steps: [{ stop: () => undefined }] }, 'options.steps[0].name'],
      [{ steps: [{ name: 'x' }] }, 'options.steps[0].stop'],
      [{ steps: [], signals: 'SIGTERM' }, 'options.signals'],
      [{ steps: [], drainTimeoutMs: -1 }, 'options.drainTimeoutMs'],
      [{ steps: [], forceTimeoutMs: Number.NaN }, 'options.forceTimeoutMs'],
      [{ steps: [], exit: 1 }, 'options.exit'],
    ];
    for (const [options, path] of cases) {
      let caught: unknown;
      try {
        handleShutdownSignals(options as GracefulShutdownOptions);
      } catch (error) {
        caught = error;
      }
      expect(caught, path).toBeInstanceOf(InvalidInputError);
      expect((caught as InvalidInputError).path).toBe(path);
    }
  });
});
