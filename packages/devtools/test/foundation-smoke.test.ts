import { createFoundation, type Service } from '@foundation/core';
import { describe, expect, it } from 'vitest';
import { foundationSmokeTests, runSmokeTests } from '../src/index.js';

function service(name: string, healthy = true): Service {
  return {
    name,
    start: () => undefined,
    stop: () => undefined,
    health: () => ({ status: healthy ? 'healthy' : 'unhealthy' }),
  };
}

describe('foundationSmokeTests', () => {
  it('passes on a healthy foundation with every part given', async () => {
    const foundation = createFoundation({ services: [service('db'), service('cache')] });
    const report = await runSmokeTests(
      foundationSmokeTests(foundation, {
        readConfig: () => 8080,
        eventRoundTrip: () => ({
          original: { id: 'e1', type: 'demo' },
          decoded: { id: 'e1', type: 'demo' },
        }),
        telemetry: () => true,
      }),
    );
    await foundation.shutdown();
    expect(report.results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(report.results.map((r) => r.name)).toEqual([
      'initialize',
      'status',
      'health',
      'config read',
      'event create and round trip',
      'id generation',
      'error context',
      'telemetry',
    ]);
    expect(report.results[1]!.message).toBe('2 services running');
  });

  it('reports missing parts as skipped, never passed', async () => {
    const foundation = createFoundation({ services: [] });
    const report = await runSmokeTests(foundationSmokeTests(foundation));
    await foundation.shutdown();
    expect(report.results.filter((r) => r.status === 'skipped').map((r) => r.name)).toEqual([
      'config read',
      'event create and round trip',
      'telemetry',
    ]);
    expect(report.ok).toBe(true);
  });

  it('fails the checks whose parts misbehave, and an unhealthy foundation', async () => {
    const foundation = createFoundation({ services: [service('sick', false)] });
    const report = await runSmokeTests(
      foundationSmokeTests(foundation, {
        readConfig: () => undefined,
        eventRoundTrip: () => ({
          original: { id: 'e1', type: 'demo' },
          decoded: { id: 'e2', type: 'demo' },
        }),
        telemetry: () => false,
      }),
    );
    await foundation.shutdown();
    const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.name);
    expect(failed).toEqual(['health', 'config read', 'event create and round trip', 'telemetry']);
  });

  it('fails status when the foundation is not running', async () => {
    const foundation = createFoundation({ services: [] });
    const tests = foundationSmokeTests(foundation).filter((t) => t.name === 'status');
    const report = await runSmokeTests(tests);
    expect(report.results[0]!.error!.message).toContain("state is 'idle'");
  });

  it('refuses a foundation without its methods and parts that are not functions', () => {
    expect(() => foundationSmokeTests({} as never)).toThrow(/foundation.initialize/);
    expect(() => foundationSmokeTests(null as never)).toThrow(/foundation.initialize/);
    const foundation = createFoundation({ services: [] });
    expect(() => foundationSmokeTests(foundation, { telemetry: 1 } as never)).toThrow(
      /parts.telemetry/,
    );
    expect(() => foundationSmokeTests(foundation, null as never)).toThrow(/parts/);
  });
});
