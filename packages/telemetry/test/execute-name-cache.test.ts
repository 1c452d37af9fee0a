import { FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTelemetry, isValidEventName, type EventName } from '../src/index.js';

/** What `execute` did: `ok` with the handler ids that ran, or the refusal's code and path. */
function run(
  t: ReturnType<typeof createTelemetry>,
  name: unknown,
  measurements: unknown,
  seen: string[],
): string {
  seen.length = 0;
  try {
    t.execute(name as EventName, measurements as Record<string, number>);
    return `ok ${seen.join(',')}`;
  } catch (error) {
    if (!FoundationError.is(error)) return `raw ${String(error)}`;
    return `${error.code} ${String(error.context.path)}`;
  }
}

describe('execute: a name the caller keeps is never trusted past a change', () => {
  it('refuses a kept plain array once it is changed to an invalid name, with or without handlers', () => {
    for (const listening of [false, true]) {
      const t = createTelemetry();
      const seen: string[] = [];
      if (listening) t.attach('h', ['app', 'ok'], () => seen.push('h'));
      const name = ['app', 'ok'];
      expect(run(t, name, {}, seen)).toBe(listening ? 'ok h' : 'ok ');
      expect(run(t, name, {}, seen)).toBe(listening ? 'ok h' : 'ok ');
      name[1] = '__proto__';
      expect(run(t, name, {}, seen)).toBe('3204 eventName[1]');
      name[1] = 'ok';
      expect(run(t, name, {}, seen)).toBe(listening ? 'ok h' : 'ok ');
      name.push('');
      expect(run(t, name, {}, seen)).toBe('3204 eventName[2]');
    }
  });

  it('does not trust a frozen array whose segment is a getter', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('h', ['app', 'ok'], () => seen.push('h'));
    let segment = 'ok';
    const name: string[] = ['app'];
    Object.defineProperty(name, 1, { get: () => segment, enumerable: true });
    Object.freeze(name);
    expect(run(t, name, {}, seen)).toBe('ok h');
    segment = 'constructor';
    expect(run(t, name, {}, seen)).toBe('3204 eventName[1]');
    segment = 'other';
    expect(run(t, name, {}, seen)).toBe('ok ');
  });

  it('matches fresh literals, kept arrays and frozen constants alike, and names taking turns', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('a', ['x', 'a'], () => seen.push('a'));
    t.attach('b', ['x', 'b'], () => seen.push('b'));
    t.attach('c', ['x', 'c'], () => seen.push('c'));
    const kept = ['x', 'b'];
    const frozen = Object.freeze(['x', 'c']);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      got.push(run(t, ['x', 'a'], {}, seen), run(t, kept, {}, seen), run(t, frozen, {}, seen));
    }
    expect(got).toEqual(Array.from({ length: 4 }, () => ['ok a', 'ok b', 'ok c']).flat());
  });

  it('hands handlers the caller’s own array', () => {
    const t = createTelemetry();
    const received: EventName[] = [];
    t.attach('h', ['x', 'y'], (name) => received.push(name));
    const kept = ['x', 'y'];
    t.execute(kept, {});
    t.execute(kept, {});
    expect(received[0]).toBe(kept);
    expect(received[1]).toBe(kept);
  });

  it('gives the verdict of a fresh validation for any sequence of names, changes and attaches', () => {
    const segment = fc.constantFrom('a', 'b', '', '__proto__', 'constructor');
    const step = fc.oneof(
      fc.record({ kind: fc.constant('execute' as const), slot: fc.nat(3) }),
      fc.record({
        kind: fc.constant('change' as const),
        slot: fc.nat(3),
        at: fc.nat(2),
        segment,
      }),
      fc.record({ kind: fc.constant('freeze' as const), slot: fc.nat(3) }),
      fc.record({
        kind: fc.constant('attach' as const),
        name: fc.array(segment, { maxLength: 2 }),
      }),
      fc.record({ kind: fc.constant('detach' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const t = createTelemetry();
        const seen: string[] = [];
        const slots: string[][] = [['a'], ['a', 'b'], ['b'], ['a', 'b']];
        const attached: string[][] = [];
        for (const s of steps) {
          if (s.kind === 'execute') {
            const name = slots[s.slot]!;
            const ids = attached
              .map((n, i) => (n.join('\u0000') === name.join('\u0000') ? `h${i}` : ''))
              .filter(Boolean);
            const expected = isValidEventName([...name])
              ? `ok ${ids.join(',')}`
              : run(createTelemetry(), [...name], {}, []);
            expect(run(t, name, {}, seen)).toBe(expected);
          } else if (s.kind === 'change') {
            const name = slots[s.slot]!;
            if (Object.isFrozen(name)) continue;
            name[Math.min(s.at, name.length)] = s.segment;
          } else if (s.kind === 'freeze') {
            slots[s.slot] = Object.freeze([...slots[s.slot]!]) as string[];
          } else if (s.kind === 'attach') {
            if (!isValidEventName(s.name)) continue;
            const id = `h${attached.length}`;
            attached.push([...s.name]);
            t.attach(id, s.name, () => seen.push(id));
          } else if (attached.length > 0) {
            const i = attached.length - 1;
            if (t.detach(`h${i}`)) attached[i] = ['\u0000detached'];
          }
        }
      }),
    );
  });
});

describe('execute: measurements are trusted by identity only when they cannot change', () => {
  it('checks a frozen object with a getter on every call', () => {
    const t = createTelemetry();
    let value: unknown = 1;
    const measurements = Object.freeze(
      Object.defineProperty({}, 'count', { get: () => value, enumerable: true }),
    );
    for (let i = 0; i < 3; i++) expect(run(t, ['x'], measurements, [])).toBe('ok ');
    value = 'many';
    expect(run(t, ['x'], measurements, [])).toBe('3201 measurements.count');
  });

  it('checks a frozen object inheriting from a changeable prototype on every call', () => {
    const t = createTelemetry();
    const proto: Record<string, unknown> = {};
    const measurements = Object.freeze(Object.assign(Object.create(proto) as object, { n: 1 }));
    for (let i = 0; i < 3; i++) expect(run(t, ['x'], measurements, [])).toBe('ok ');
    proto.extra = 'text';
    expect(run(t, ['x'], measurements, [])).toBe('3201 measurements.extra');
  });

  it('trusts a repeated frozen constant, and still refuses others after it', () => {
    const t = createTelemetry();
    const constant = Object.freeze({ count: 1 });
    for (let i = 0; i < 3; i++) expect(run(t, ['x'], constant, [])).toBe('ok ');
    expect(run(t, ['x'], { count: Number.NaN }, [])).toBe('3201 measurements.count');
    expect(run(t, ['x'], Object.freeze({ count: 'x' }), [])).toBe('3201 measurements.count');
    expect(run(t, ['x'], constant, [])).toBe('ok ');
  });
});
