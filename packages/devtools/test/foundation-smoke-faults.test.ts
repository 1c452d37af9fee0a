/**
 * The default suite's id and context checks against a core whose ids misbehave: the checks
 * exist to catch exactly that, so core's id functions are replaced here by broken ones.
 */
import { createFoundation } from '@foundation/core';
import type * as Core from '@foundation/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { foundationSmokeTests, runSmokeTests } from '../src/index.js';

const broken = vi.hoisted(() => ({
  ids: undefined as (() => string) | undefined,
  correlation: undefined as (() => string) | undefined,
  timestamp: undefined as ((id: string) => number) | undefined,
}));

vi.mock('@foundation/core', async (importOriginal) => {
  const core = await importOriginal<typeof Core>();
  return {
    ...core,
    generateId: () => broken.ids?.() ?? core.generateId(),
    generateCorrelationId: () => broken.correlation?.() ?? core.generateCorrelationId(),
    idTimestampMs: (id: string) => broken.timestamp?.(id) ?? core.idTimestampMs(id),
  };
});

async function idCheck(): Promise<string | undefined> {
  const foundation = createFoundation({ services: [] });
  const tests = foundationSmokeTests(foundation).filter((t) => t.name === 'id generation');
  const report = await runSmokeTests(tests);
  expect(report.results[0]!.status).not.toBe('ok');
  return report.results[0]!.error?.message;
}

describe('the default smoke suite finds a broken id generator', () => {
  beforeEach(() => {
    broken.ids = undefined;
    broken.correlation = undefined;
    broken.timestamp = undefined;
  });

  it('fails on duplicate ids', async () => {
    broken.ids = () => 'same';
    expect(await idCheck()).toBe('duplicate id generated');
  });

  it('fails on ids out of order', async () => {
    let n = 1_000;
    broken.ids = () => String(n--);
    expect(await idCheck()).toBe('ids out of order');
  });

  it('fails on ids that carry no timestamp', async () => {
    broken.timestamp = () => Number.NaN;
    expect(await idCheck()).toBe('id carries no timestamp');
  });

  it('fails on correlation ids that repeat', async () => {
    broken.correlation = () => 'corr';
    expect(await idCheck()).toBe('correlation ids repeat');
  });
});
