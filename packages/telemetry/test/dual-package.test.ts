import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// The built package, as users load it: its ESM build through `import`, its CJS build through
// `require`. The test task builds the package first (see turbo.json).
import * as esm from '../dist/index.js';

const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof esm;

describe('one default telemetry per process when loaded through both import and require', () => {
  it('loads two copies of the code (the hazard this guards against)', () => {
    expect(cjs.createTelemetry).not.toBe(esm.createTelemetry);
  });

  it('shares the default instance: handlers attached in one copy see events from the other', () => {
    expect(cjs.defaultTelemetry).toBe(esm.defaultTelemetry);
    const seen: string[] = [];
    esm.attach('dual-package', ['dual', 'event'], (name) => seen.push(name.join('.')));
    try {
      cjs.execute(['dual', 'event'], { count: 1 });
      expect(seen).toEqual(['dual.event']);
    } finally {
      expect(cjs.detach('dual-package')).toBe(true);
    }
  });

  it('shares the default metrics registry', () => {
    cjs.emitCounter(['dual', 'counted']);
    esm.emitCounter(['dual', 'counted']);
    const counted = esm.getMetricsFor('dual_counted_total')[0];
    expect(counted?.series[0]).toMatchObject({ value: 2 });
    expect(cjs.getMetrics().metrics.map((m) => m.name)).toContain('dual_counted_total');
  });
});
