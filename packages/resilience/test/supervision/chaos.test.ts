/**
 * The seed's chaos level: services are killed while work goes on, on the real clock. Every
 * scenario is bounded well under a second of real time.
 */
import { createFoundation, generateId, type HealthReport, type Service } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import {
  heal,
  SelfHealing,
  Supervisor,
  type CrashReporter,
  type SupervisorEvent,
} from '../../src/index.js';

/** Shared base: a service that can be killed (it loses its memory and reports a crash). */
abstract class KillableService implements Service, CrashReporter {
  abstract readonly name: string;
  protected running = false;
  readonly #listeners = new Set<(reason: unknown) => void>();

  abstract start(): void;
  stop(): void {
    this.running = false;
  }
  health(): HealthReport {
    return { status: this.running ? 'healthy' : 'unhealthy' };
  }
  onCrash(listener: (reason: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  /** Simulates the process dying: in-memory state is gone and the crash is reported. */
  kill(reason = 'killed'): void {
    this.running = false;
    this.forget();
    for (const listener of [...this.#listeners]) listener(new Error(reason));
  }
  protected abstract forget(): void;
  protected ensureRunning(): void {
    if (!this.running) {
      throw new FoundationError('service_unavailable', `${this.name} is restarting`, {
        context: { service: this.name },
      });
    }
  }
}

/** A config-like key-value service whose values survive restarts through a durable store. */
class ConfigService extends KillableService {
  readonly name = 'config';
  #values = new Map<string, unknown>();
  constructor(private readonly durable: Map<string, unknown>) {
    super();
  }
  start(): void {
    this.#values = new Map(this.durable);
    this.running = true;
  }
  get(key: string): unknown {
    this.ensureRunning();
    return this.#values.get(key);
  }
  set(key: string, value: unknown): void {
    this.ensureRunning();
    this.durable.set(key, value);
    this.#values.set(key, value);
  }
  protected forget(): void {
    this.#values.clear();
  }
}

/** An append-only event log backed by durable storage. */
class EventLog extends KillableService {
  readonly name = 'events';
  constructor(private readonly durable: { id: string; data: unknown }[]) {
    super();
  }
  start(): void {
    this.running = true;
  }
  append(id: string, data: unknown): void {
    this.ensureRunning();
    this.durable.push({ id, data });
  }
  protected forget(): void {
    // Nothing in memory: every append is already durable.
  }
}

function stack() {
  const configStore = new Map<string, unknown>([
    ['app.name', 'chaos'],
    ['app.workers', 4],
  ]);
  const eventStore: { id: string; data: unknown }[] = [];
  const config = new ConfigService(configStore);
  const events = new EventLog(eventStore);
  const supervisor = new Supervisor({
    name: 'foundation',
    strategy: 'one_for_one',
    maxRestarts: 1_000,
    periodMs: 5_000,
    children: [
      { id: 'config', service: config },
      { id: 'events', service: events },
    ],
  });
  const healing = new SelfHealing({
    checks: [
      {
        name: 'config',
        intervalMs: 20,
        failureThreshold: 1,
        check: () => config.health(),
        heal: heal.restartChild(supervisor, 'config'),
      },
    ],
  });
  const foundation = createFoundation({ services: [supervisor, healing] });
  const supervisorEvents: SupervisorEvent[] = [];
  supervisor.subscribe((event) => supervisorEvents.push(event));
  return { config, events, eventStore, supervisor, healing, foundation, supervisorEvents };
}

function restarted(supervisor: Supervisor, childId: string): Promise<SupervisorEvent> {
  return new Promise((resolve) => {
    const off = supervisor.subscribe((event) => {
      if (event.type === 'child_restarted' && event.childId === childId) {
        off();
        resolve(event);
      }
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('chaos', () => {
  it('a killed config service is restarted with its configuration intact', async () => {
    const { config, supervisor, foundation } = stack();
    await foundation.initialize();
    config.set('app.workers', 8);
    const back = restarted(supervisor, 'config');
    config.kill();
    expect(() => config.get('app.name')).toThrow(FoundationError);
    const event = await back;
    expect(event).toMatchObject({ childId: 'config', restarts: 1 });
    expect((event as { latencyMs: number }).latencyMs).toBeLessThan(1_000);
    expect(config.get('app.name')).toBe('chaos');
    expect(config.get('app.workers')).toBe(8);
    const health = await foundation.health();
    expect(health.status).toBe('healthy');
    expect(foundation.status().state).toBe('running');
    await foundation.shutdown();
  });

  it('a child crashed past the intensity makes the supervisor escalate', async () => {
    const config = new ConfigService(new Map());
    const supervisor = new Supervisor({
      name: 'strict',
      maxRestarts: 3,
      periodMs: 5_000,
      children: [{ id: 'config', service: config }],
    });
    const escalated = new Promise<unknown>((resolve) => supervisor.onCrash(resolve));
    await supervisor.start();
    for (let i = 0; i < 4; i++) {
      const back = restarted(supervisor, 'config');
      config.kill(`kill ${i}`);
      if (i < 3) await back;
    }
    const error = (await escalated) as FoundationError;
    expect(error.code).toBe(5201);
    expect((error.context.restarts as { reason: string }[]).map((r) => r.reason)).toEqual([
      'kill 0',
      'kill 1',
      'kill 2',
      'kill 3',
    ]);
    expect(supervisor.state).toBe('failed');
    expect((await supervisor.health()).status).toBe('unhealthy');
  });

  it('100 concurrent tasks survive services being killed, losing no event', async () => {
    const { config, events, eventStore, supervisor, foundation } = stack();
    await foundation.initialize();
    const acknowledged: string[] = [];
    const failures: unknown[] = [];
    let killing = true;
    const chaosMonkey = (async () => {
      for (let round = 0; killing; round++) {
        (round % 2 === 0 ? config : events).kill(`round ${round}`);
        await sleep(3);
      }
    })();

    async function task(n: number): Promise<void> {
      for (let step = 0; step < 5; step++) {
        const id = generateId();
        for (let attempt = 0; ; attempt++) {
          try {
            const name = config.get('app.name');
            events.append(id, { task: n, step, name });
            acknowledged.push(id);
            break;
          } catch (error) {
            // The only failure allowed: the documented 2102 while a service restarts.
            if (!FoundationError.is(error) || error.codeName !== 'service_unavailable') throw error;
            if (attempt >= 200) {
              failures.push(error);
              return;
            }
            await sleep(1);
          }
        }
        await sleep(0);
      }
    }

    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, n) => task(n)));
    killing = false;
    await chaosMonkey;
    await sleep(30);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    for (const failure of failures) expect((failure as FoundationError).code).toBe(2102);
    expect(acknowledged.length + failures.length).toBe(500);
    const stored = new Set(eventStore.map((e) => e.id));
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
    expect(stored.size).toBe(eventStore.length);
    expect(supervisor.status()).toMatchObject({ state: 'running' });
    expect((supervisor.status() as { totalRestarts: number }).totalRestarts).toBeGreaterThan(2);
    expect((await foundation.health()).status).toBe('healthy');
    await foundation.shutdown();
  });

  it('self-healing restarts a service that silently went bad', async () => {
    const { config, supervisor, foundation } = stack();
    await foundation.initialize();
    const back = restarted(supervisor, 'config');
    // Broken without telling anyone: only the health check can notice.
    config.stop();
    await back;
    expect(config.get('app.name')).toBe('chaos');
    await foundation.shutdown();
  });

  it('under memory pressure the foundation still answers status() and health()', async () => {
    const { foundation } = stack();
    await foundation.initialize();
    const pressure: number[][] = [];
    for (let i = 0; i < 20; i++) pressure.push(Array.from({ length: 250_000 }, (_, k) => k + i));
    const status = foundation.status();
    expect(status.state).toBe('running');
    expect(status.services.map((s) => s.name)).toEqual(['foundation', 'self-healing']);
    expect((await foundation.health()).status).toBe('healthy');
    expect(pressure.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(5_000_000);
    pressure.length = 0;
    await foundation.shutdown();
  });
});
