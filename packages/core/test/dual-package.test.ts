import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// The built package, as users load it: its ESM build through `import`, its CJS build through
// `require`. The test task builds the package first (see turbo.json).
import * as esm from '../dist/index.js';
import { processWide } from '../src/index.js';

const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof esm;

describe('one state per process when core is loaded through both import and require', () => {
  it('loads two copies of the code (the hazard this guards against)', () => {
    expect(cjs.generateId).not.toBe(esm.generateId);
  });

  it('keeps one id sequence: ids alternating between the copies still strictly increase', () => {
    const ids: string[] = [];
    for (let i = 0; i < 4000; i++) ids.push(i % 2 === 0 ? esm.generateId() : cjs.generateId());
    let inversions = 0;
    for (let i = 1; i < ids.length; i++) if (ids[i]! <= ids[i - 1]!) inversions++;
    expect(inversions).toBe(0);
  });

  it('keeps one process sequence across the copies', () => {
    const first = esm.nextSequence();
    expect(cjs.nextSequence()).toBe(first + 1);
    expect(esm.nextSequence()).toBe(first + 2);
  });
});

describe('processWide', () => {
  it('gives every caller of a name and version the value the first one created', () => {
    const name = `@foundation/core:test-${Math.random()}`;
    const first = processWide(name, 1, () => ({ hits: 0 }));
    const second = processWide(name, 1, () => ({ hits: 99 }));
    expect(second).toBe(first);
    expect(esm.processWide(name, 1, () => ({ hits: 5 }))).toBe(first);
  });

  it('gives a copy expecting another version a value of its own, leaving the stored one', () => {
    const name = `@foundation/core:test-${Math.random()}`;
    const v1 = processWide(name, 1, () => ({ shape: 'one' }));
    const v2 = cjs.processWide(name, 2, () => ({ shape: 'two' }));
    expect(v2).toEqual({ shape: 'two' });
    expect(processWide(name, 1, () => ({ shape: 'other' }))).toBe(v1);
  });

  it('cannot be replaced by assigning to globalThis', () => {
    const name = `@foundation/core:test-${Math.random()}`;
    const value = processWide(name, 1, () => ({}));
    expect(() => {
      (globalThis as Record<symbol, unknown>)[Symbol.for(name)] = { version: 1, value: 'x' };
    }).toThrow(TypeError);
    expect(processWide(name, 1, () => ({ other: true }))).toBe(value);
  });
});
