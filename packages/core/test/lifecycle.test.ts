import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  createFoundation,
  LifecycleError,
  ManualClock,
  type HealthReport,
  type Service,
} from '../src/index.js';
import { rejection } from './helpers.js';

type Overrides = Partial<Pick<Service, 'start' | 'stop' | 'health' | 'status'>>;

/** A service that records its calls in `log`; any method can be replaced. */
function service(name: string, log: string[], overrides: Overrides = {}): Service {
  return {
    name,
    start: (signal) => {
      log.push(`start ${name}`);
      return overrides.start?.(signal);
    },
    stop: () => {
      log.push(`stop ${name}`);
      return overrides.stop?.();
    },
    health: () => (overrides.health ? overrides.health() : { status: 'healthy' }),
    ...(overrides.status ? { status: overrides.status } : {}),
  };
}

function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

describe('createFoundation: options', () => {
  it('refuses duplicate service names with LifecycleError 3204', () => {
    const log: string[] = [];
    let thrown: unknown;
    try {
      createFoundation({ services: [service('db', log), service('db', log)] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LifecycleError);
    const error = thrown as LifecycleError;
    expect(error.code).toBe(3204);
    expect(error.codeName).toBe('invalid_input');
    expect(error.service).toBe('db');
    expect(error.message).toMatch(/duplicate service name 'db'/);
    expect(log).toEqual([]);
  });

  it('refuses values that are not services, saying which member is wrong', () => {
    const bad = { name: 'half', start() {} } as unknown as Service;
    expect(() => createFoundation({ services: [service('ok', []), bad] })).toThrow(
      /services\[1\] is not a Service: stop \(missing\), health \(missing\)/,
    );
    for (const services of [[null], [42], ['svc']] as unknown as Service[][]) {
      expect(() => createFoundation({ services })).toThrow(LifecycleError);
    }
  });

  it('refuses a missing services array, missing options and bad timeouts', () => {
    const cases: unknown[] = [
      {},
      { services: 'db' },
      null,
      undefined,
      { services: [], startTimeoutMs: -1 },
      { services: [], stopTimeoutMs: Number.NaN },
      { services: [], healthTimeoutMs: Number.POSITIVE_INFINITY },
      { services: [], stopTimeoutMs: '10' },
    ];
    for (const options of cases) {
      let thrown: unknown;
      try {
        createFoundation(options as Parameters<typeof createFoundation>[0]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(LifecycleError);
      expect((thrown as LifecycleError).code).toBe(3204);
    }
    expect(() => createFoundation({ services: [], stopTimeoutMs: -5 })).toThrow(
      /stopTimeoutMs must be a finite number >= 0, got -5/,
    );
    expect(() =>
      createFoundation({ services: [], startTimeoutMs: 0, stopTimeoutMs: 0, healthTimeoutMs: 0 }),
    ).not.toThrow();
  });
});

describe('initialize', () => {
  it('starts services in order and reports them running, with uptimes from the clock', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const signals: AbortSignal[] = [];
    const foundation = createFoundation({
      clock,
      services: [
        service('config', log, { start: (signal) => void signals.push(signal) }),
        service('store', log, { start: () => clock.sleep(100) }),
        service('monitor', log),
      ],
    });
    expect(foundation.status().state).toBe('idle');

    const init = foundation.initialize();
    await new Promise<void>((resolve) => setImmediate(resolve));
    const midway = foundation.status();
    expect(midway.state).toBe('starting');
    expect(midway.services.map((s) => s.state)).toEqual(['running', 'starting', 'idle']);
    expect(midway.uptimeMs).toBe(0);

    await clock.advanceAsync(100);
    await init;
    expect(log).toEqual(['start config', 'start store', 'start monitor']);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]!.aborted).toBe(false);

    clock.advance(50);
    const status = foundation.status();
    expect(status.state).toBe('running');
    expect(status.uptimeMs).toBe(50);
    expect(status.services).toEqual([
      { name: 'config', state: 'running', uptimeMs: 150, lastError: undefined, details: undefined },
      { name: 'store', state: 'running', uptimeMs: 50, lastError: undefined, details: undefined },
      { name: 'monitor', state: 'running', uptimeMs: 50, lastError: undefined, details: undefined },
    ]);
  });

  it('is idempotent: a second call returns the same outcome and starts nothing again', async () => {
    const log: string[] = [];
    const foundation = createFoundation({
      services: [service('a', log)],
      clock: new ManualClock(),
    });
    const first = foundation.initialize();
    const second = foundation.initialize();
    expect(second).toBe(first);
    await first;
    await foundation.initialize();
    expect(log).toEqual(['start a']);
  });

  it('on a failing start, stops the started services in reverse and throws 2101 with the cause', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const cause = new Error('port in use');
    const foundation = createFoundation({
      clock,
      services: [
        service('a', log),
        service('b', log, { start: async () => undefined }),
        service('c', log, {
          start: () => {
            throw cause;
          },
        }),
        service('d', log),
      ],
    });
    const error = await rejection(foundation.initialize());
    expect(error).toBeInstanceOf(LifecycleError);
    const lifecycle = error as LifecycleError;
    expect(lifecycle.code).toBe(2101);
    expect(lifecycle.codeName).toBe('initialization_failed');
    expect(lifecycle.name).toBe('LifecycleError');
    expect(lifecycle.service).toBe('c');
    expect(lifecycle.message).toBe("service 'c' failed to start: port in use");
    expect(lifecycle.cause).toBe(cause);
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop b', 'stop a']);

    const status = foundation.status();
    expect(status.state).toBe('failed');
    expect(status.services.map((s) => [s.name, s.state])).toEqual([
      ['a', 'stopped'],
      ['b', 'stopped'],
      ['c', 'failed'],
      ['d', 'idle'],
    ]);
    expect(status.services[2]!.lastError).toEqual({ name: 'Error', message: 'port in use' });

    // The outcome sticks, and shutdown has nothing left to stop.
    expect(await rejection(foundation.initialize())).toBe(error);
    expect(await foundation.shutdown()).toEqual({ stopped: [], failed: [], timedOut: [] });
    expect(foundation.status().state).toBe('stopped');
    expect(log).toHaveLength(5);
  });

  it('summarizes a non-Error rejection', async () => {
    const foundation = createFoundation({
      clock: new ManualClock(),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- on purpose
      services: [service('odd', [], { start: () => Promise.reject('plain string') })],
    });
    const error = (await rejection(foundation.initialize())) as LifecycleError;
    expect(error.message).toBe("service 'odd' failed to start: plain string");
    expect(error.cause).toBe('plain string');
    expect(foundation.status().services[0]!.lastError).toEqual({
      name: 'NonError',
      message: 'plain string',
    });
  });

  it('gives up on a start that exceeds startTimeoutMs and aborts its signal', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    let seen: AbortSignal | undefined;
    const foundation = createFoundation({
      clock,
      startTimeoutMs: 1000,
      services: [
        service('fast', log),
        service('slow', log, {
          start: (signal) => {
            seen = signal;
            return never();
          },
        }),
      ],
    });
    const init = rejection(foundation.initialize());
    await clock.advanceAsync(999);
    expect(foundation.status().state).toBe('starting');
    await clock.advanceAsync(1);
    const error = (await init) as LifecycleError;
    expect(error.code).toBe(2101);
    expect(error.service).toBe('slow');
    expect(error.message).toMatch(/start exceeded 1000 ms/);
    expect(seen?.aborted).toBe(true);
    expect(log).toEqual(['start fast', 'start slow', 'stop fast']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('honours an already-aborted signal: nothing starts', async () => {
    const log: string[] = [];
    const foundation = createFoundation({
      services: [service('a', log)],
      clock: new ManualClock(),
    });
    const reason = new Error('shutting down');
    const signal = AbortSignal.abort(reason);
    const error = (await rejection(foundation.initialize(signal))) as LifecycleError;
    expect(error.code).toBe(2101);
    expect(error.cause).toBe(reason);
    expect(log).toEqual([]);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('forwards an abort to the service being started and cleans its listener up', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const controller = new AbortController();
    const foundation = createFoundation({
      clock,
      services: [
        service('a', log),
        service('waits', log, { start: (signal) => clock.sleep(10_000, signal) }),
      ],
    });
    const init = rejection(foundation.initialize(controller.signal));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('deploy cancelled');
    controller.abort(reason);
    const error = (await init) as LifecycleError;
    expect(error.service).toBe('waits');
    expect(error.cause).toBe(reason);
    expect(log).toEqual(['start a', 'start waits', 'stop a']);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('removes its abort listener after a successful start', async () => {
    const controller = new AbortController();
    const foundation = createFoundation({ services: [service('a', [])], clock: new ManualClock() });
    await foundation.initialize(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('status', () => {
  it('includes details from service.status(), and survives one that throws', async () => {
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [
        service('queue', [], { status: () => ({ depth: 3, version: '1.2.0' }) }),
        service('broken', [], {
          status: () => {
            throw new TypeError('no status today');
          },
        }),
        service('plain', []),
      ],
    });
    await foundation.initialize();
    const [queue, broken, plain] = foundation.status().services;
    expect(queue!.details).toEqual({ depth: 3, version: '1.2.0' });
    expect(broken!.details).toBeUndefined();
    expect(broken!.lastError).toEqual({ name: 'TypeError', message: 'no status today' });
    expect(plain!.details).toBeUndefined();
  });

  it('reports zero uptime when not running', async () => {
    const clock = new ManualClock();
    const foundation = createFoundation({ clock, services: [service('a', [])] });
    clock.advance(10);
    expect(foundation.status()).toMatchObject({ state: 'idle', uptimeMs: 0 });
    await foundation.initialize();
    clock.advance(10);
    expect(foundation.status().uptimeMs).toBe(10);
    await foundation.shutdown();
    clock.advance(10);
    expect(foundation.status()).toMatchObject({ state: 'stopped', uptimeMs: 0 });
    expect(foundation.status().services[0]).toMatchObject({ state: 'stopped', uptimeMs: 0 });
  });
});

describe('health', () => {
  async function healthOf(reports: (HealthReport | (() => HealthReport))[]) {
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: reports.map((report, i) =>
        service(`s${i}`, [], { health: typeof report === 'function' ? report : () => report }),
      ),
    });
    await foundation.initialize();
    return foundation.health();
  }

  it('is the worst status of all services', async () => {
    expect(await healthOf([])).toEqual({ status: 'healthy', services: {} });
    expect((await healthOf([{ status: 'healthy' }, { status: 'healthy' }])).status).toBe('healthy');
    expect((await healthOf([{ status: 'healthy' }, { status: 'degraded' }])).status).toBe(
      'degraded',
    );
    const mixed = await healthOf([
      { status: 'degraded', message: 'slow' },
      { status: 'unhealthy', message: 'down', details: { errors: 3 } },
      { status: 'healthy' },
    ]);
    expect(mixed).toEqual({
      status: 'unhealthy',
      services: {
        s0: { status: 'degraded', message: 'slow' },
        s1: { status: 'unhealthy', message: 'down', details: { errors: 3 } },
        s2: { status: 'healthy' },
      },
    });
  });

  it('counts a throwing health check as unhealthy and records the error', async () => {
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [
        service('ok', []),
        service('throws', [], {
          health: () => {
            throw new Error('db unreachable');
          },
        }),
      ],
    });
    await foundation.initialize();
    const health = await foundation.health();
    expect(health.status).toBe('unhealthy');
    expect(health.services.throws).toEqual({
      status: 'unhealthy',
      message: 'health check failed: db unreachable',
    });
    expect(health.services.ok).toEqual({ status: 'healthy' });
    expect(foundation.status().services[1]!.lastError?.message).toBe('db unreachable');
  });

  it('counts a hanging health check as unhealthy after healthTimeoutMs', async () => {
    const clock = new ManualClock();
    const foundation = createFoundation({
      clock,
      healthTimeoutMs: 250,
      services: [
        service('hangs', [], { health: never }),
        service('fine', [], { health: () => Promise.resolve({ status: 'healthy' }) }),
      ],
    });
    await foundation.initialize();
    const pending = foundation.health();
    await clock.advanceAsync(250);
    const health = await pending;
    expect(health.status).toBe('unhealthy');
    expect(health.services.hangs).toEqual({
      status: 'unhealthy',
      message: 'health check exceeded 250 ms',
    });
    expect(health.services.fine).toEqual({ status: 'healthy' });
    expect(foundation.status().services[0]!.lastError?.name).toBe('HealthTimeout');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts an invalid report as unhealthy instead of healthy', async () => {
    for (const report of [
      null,
      undefined,
      'healthy',
      { status: 'ok' },
      { status: 'toString' },
      {},
    ]) {
      const health = await healthOf([() => report as unknown as HealthReport]);
      expect(health.status, JSON.stringify(report)).toBe('unhealthy');
      expect(health.services.s0?.message).toBe('health() returned an invalid report');
    }
  });

  it('reports services that are not running as unhealthy without asking them', async () => {
    let asked = 0;
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [
        service('a', [], {
          health: () => {
            asked += 1;
            return { status: 'healthy' };
          },
        }),
      ],
    });
    expect(await foundation.health()).toEqual({
      status: 'unhealthy',
      services: { a: { status: 'unhealthy', message: 'service is idle' } },
    });
    expect(asked).toBe(0);
  });

  it('keeps a service named __proto__ as a plain key', async () => {
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [service('__proto__', [], { health: () => ({ status: 'degraded' }) })],
    });
    await foundation.initialize();
    const health = await foundation.health();
    expect(Object.getPrototypeOf(health.services)).toBe(Object.prototype);
    expect(Object.keys(health.services)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(health.services, '__proto__')?.value).toEqual({
      status: 'degraded',
    });
  });
});

describe('shutdown', () => {
  it('stops running services in reverse order and reports them', async () => {
    const log: string[] = [];
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [service('a', log), service('b', log), service('c', log)],
    });
    await foundation.initialize();
    const report = await foundation.shutdown();
    expect(report).toEqual({ stopped: ['c', 'b', 'a'], failed: [], timedOut: [] });
    expect(log.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
    const status = foundation.status();
    expect(status.state).toBe('stopped');
    expect(status.services.every((s) => s.state === 'stopped')).toBe(true);
  });

  it('abandons a hanging stop after stopTimeoutMs and goes on with the rest', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      stopTimeoutMs: 2000,
      services: [
        service('a', log),
        service('hangs', log, { stop: never }),
        service('fails', log, {
          stop: () => {
            throw new Error('disk full');
          },
        }),
      ],
    });
    await foundation.initialize();
    const pending = foundation.shutdown();
    await clock.advanceAsync(1999);
    expect(log.slice(3)).toEqual(['stop fails', 'stop hangs']);
    expect(foundation.status().state).toBe('stopping');
    await clock.advanceAsync(1);
    const report = await pending;
    expect(report).toEqual({
      stopped: ['a'],
      failed: [{ name: 'fails', error: { name: 'Error', message: 'disk full' } }],
      timedOut: ['hangs'],
    });
    expect(log.slice(3)).toEqual(['stop fails', 'stop hangs', 'stop a']);
    const services = foundation.status().services;
    expect(services.map((s) => s.state)).toEqual(['stopped', 'failed', 'failed']);
    expect(services[1]!.lastError).toEqual({
      name: 'StopTimeout',
      message: 'stop exceeded 2000 ms',
    });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('is idempotent and refuses to initialize afterwards', async () => {
    const log: string[] = [];
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [service('a', log)],
    });
    await foundation.initialize();
    const first = foundation.shutdown();
    expect(foundation.shutdown()).toBe(first);
    const report = await first;
    expect(await foundation.shutdown()).toBe(report);
    expect(log).toEqual(['start a', 'stop a']);
    const error = (await rejection(foundation.initialize())) as LifecycleError;
    expect(error).toBeInstanceOf(LifecycleError);
    expect(error.code).toBe(2101);
    expect(error.message).toBe('foundation was shut down');
  });

  it('before initialize, stops nothing', async () => {
    const log: string[] = [];
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [service('a', log)],
    });
    expect(await foundation.shutdown()).toEqual({ stopped: [], failed: [], timedOut: [] });
    expect(log).toEqual([]);
  });

  it('lets an initialize in progress finish, then stops everything', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      services: [service('a', log), service('b', log, { start: () => clock.sleep(50) })],
    });
    const init = foundation.initialize();
    const stop = foundation.shutdown();
    await clock.advanceAsync(50);
    await init;
    expect(await stop).toEqual({ stopped: ['b', 'a'], failed: [], timedOut: [] });
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('stops a service whose start was abandoned at its deadline but completed late', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      startTimeoutMs: 1000,
      services: [
        service('fast', log),
        // Ignores its abort signal and finishes starting half a second too late.
        service('late', log, { start: () => clock.sleep(1500) }),
      ],
    });
    const init = rejection(foundation.initialize());
    await clock.advanceAsync(1000);
    expect(((await init) as LifecycleError).service).toBe('late');
    expect(log).toEqual(['start fast', 'start late', 'stop fast']);
    await clock.advanceAsync(500);
    expect(log).toEqual(['start fast', 'start late', 'stop fast', 'stop late']);
    expect(await foundation.shutdown()).toEqual({ stopped: ['late'], failed: [], timedOut: [] });
  });

  it('shutdown waits for an abandoned start to settle instead of returning while it runs', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      startTimeoutMs: 1000,
      stopTimeoutMs: 5000,
      services: [service('late', log, { start: () => clock.sleep(3000) })],
    });
    const init = rejection(foundation.initialize());
    await clock.advanceAsync(1000);
    await init;
    let report: unknown;
    void foundation.shutdown().then((r) => (report = r));
    await clock.advanceAsync(1999);
    expect(report).toBeUndefined();
    expect(foundation.status().state).toBe('stopping');
    await clock.advanceAsync(1);
    expect(report).toEqual({ stopped: ['late'], failed: [], timedOut: [] });
    expect(log).toEqual(['start late', 'stop late']);
    expect(foundation.status().state).toBe('stopped');
  });

  it('reports an abandoned start that never settles as timed out, after stopTimeoutMs', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      startTimeoutMs: 100,
      stopTimeoutMs: 200,
      services: [service('stuck', log, { start: never })],
    });
    const init = rejection(foundation.initialize());
    await clock.advanceAsync(100);
    await init;
    const stopping = foundation.shutdown();
    await clock.advanceAsync(200);
    expect(await stopping).toEqual({ stopped: [], failed: [], timedOut: ['stuck'] });
    expect(log).toEqual(['start stuck']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('does not stop a service whose abandoned start gave up on its abort', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      startTimeoutMs: 100,
      services: [
        service('gives-up', log, {
          start: (signal) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                clock.setTimeout(() => {
                  reject(new Error('aborted'));
                }, 10);
              });
            }),
        }),
      ],
    });
    const init = rejection(foundation.initialize());
    await clock.advanceAsync(100);
    await init;
    const stopping = foundation.shutdown();
    await clock.advanceAsync(10);
    expect(await stopping).toEqual({ stopped: [], failed: [], timedOut: [] });
    expect(log).toEqual(['start gives-up']);
  });

  it('reports the failing stop of a start that completed late', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const foundation = createFoundation({
      clock,
      startTimeoutMs: 100,
      services: [
        service('late-broken', log, {
          start: () => clock.sleep(150),
          stop: () => {
            throw new Error('stop failed');
          },
        }),
      ],
    });
    const init = rejection(foundation.initialize());
    await clock.advanceAsync(100);
    await init;
    const stopping = foundation.shutdown();
    await clock.advanceAsync(50);
    expect(await stopping).toEqual({
      stopped: [],
      failed: [{ name: 'late-broken', error: { name: 'Error', message: 'stop failed' } }],
      timedOut: [],
    });
    expect(foundation.status().services[0]!.lastError?.message).toBe('stop failed');
  });

  it('works with the system clock and leaves no timer behind', async () => {
    const log: string[] = [];
    const foundation = createFoundation({ services: [service('a', log), service('b', log)] });
    await foundation.initialize();
    expect((await foundation.health()).status).toBe('healthy');
    expect((await foundation.shutdown()).stopped).toEqual(['b', 'a']);
  });
});

describe('await using', () => {
  it('shuts the foundation down at the end of the scope', async () => {
    const log: string[] = [];
    let escaped: ReturnType<typeof createFoundation> | undefined;
    {
      await using foundation = createFoundation({
        clock: new ManualClock(),
        services: [service('a', log), service('b', log)],
      });
      escaped = foundation;
      await foundation.initialize();
      expect(foundation.status().state).toBe('running');
    }
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    expect(escaped.status().state).toBe('stopped');
  });

  it('exposes Symbol.asyncDispose', async () => {
    const log: string[] = [];
    const foundation = createFoundation({
      clock: new ManualClock(),
      services: [service('a', log)],
    });
    await foundation.initialize();
    await foundation[Symbol.asyncDispose]();
    expect(log).toEqual(['start a', 'stop a']);
  });
});

describe('LifecycleError', () => {
  it('carries code, code name and service, and a cause only when given', () => {
    const plain = new LifecycleError(3204, 'bad');
    expect(plain).toBeInstanceOf(Error);
    expect(plain.codeName).toBe('invalid_input');
    expect(plain.service).toBeUndefined();
    expect('cause' in plain).toBe(false);
    const withCause = new LifecycleError(2101, 'failed', { service: 'db', cause: undefined });
    expect('cause' in withCause).toBe(true);
    expect(withCause.codeName).toBe('initialization_failed');
    expect(withCause.service).toBe('db');
  });
});
