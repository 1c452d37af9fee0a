import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ManualClock } from '@foundation/core';
import { describe, expect, it } from 'vitest';
// The built package, as users load it (the test task builds it first, see turbo.json).
import * as root from '../dist/index.js';
import * as examples from '../dist/examples.js';
import * as supervision from '../dist/supervision.js';

const dist = (file: string): string =>
  readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');

describe('entry points', () => {
  it('the root entry carries no example limits', () => {
    expect(Object.keys(root)).not.toContain('elixirScopeRateLimits');
    expect(Object.keys(root).filter((name) => /seed/i.test(name))).toEqual([]);
    for (const file of ['index.js', 'index.cjs']) {
      expect(dist(file), file).not.toContain('elixirScopeRateLimits');
    }
  });

  it('the example limits live behind @foundation/resilience/examples, in both builds', () => {
    const required = createRequire(import.meta.url)('../dist/examples.cjs') as typeof examples;
    for (const entry of [examples, required]) {
      const clock = new ManualClock();
      const limiter = root.rateLimiter({ ...entry.elixirScopeRateLimits.file_operations, clock });
      const allowed = Array.from({ length: 20 }, () => limiter.check().allowed).filter(Boolean);
      expect(allowed).toHaveLength(10);
    }
    const manifest = JSON.parse(dist('../package.json')) as { exports: Record<string, unknown> };
    expect(Object.keys(manifest.exports)).toEqual([
      '.',
      './supervision',
      './examples',
      './package.json',
    ]);
  });

  it('supervision is an entry of its own, carrying no policy, and the root re-exports it', async () => {
    const required = createRequire(import.meta.url)(
      '../dist/supervision.cjs',
    ) as typeof supervision;
    for (const entry of [supervision, required]) {
      const supervisor = new entry.Supervisor({
        clock: new ManualClock(),
        children: [{ id: 'a', start: () => ({ stop: () => undefined }) }],
      });
      await supervisor.start();
      expect(supervisor.countChildren().active).toBe(1);
      await supervisor.stop();
      expect(entry.SupervisionErrors.supervisor_escalated.code).toBe(5201);
    }
    const names = Object.keys(supervision).sort();
    expect(names).toEqual(['SelfHealing', 'SupervisionErrors', 'Supervisor', 'heal']);
    for (const name of names) expect(Object.keys(root)).toContain(name);
    for (const file of ['supervision.js', 'supervision.cjs']) {
      expect(dist(file), file).not.toMatch(/circuitBreaker|rateLimiter|bulkhead/);
    }
  });
});
