import { ServiceDescriptor, type Service } from '@foundation/core';
import { isFoundationError, type FoundationError } from '@foundation/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertCompliance, checkCompliance, type ContractDescriptor } from '../src/index.js';

class GoodService implements Service {
  readonly name = 'good';
  async start(_signal: AbortSignal): Promise<void> {}
  stop(): void {}
  health() {
    return { status: 'healthy' as const };
  }
}

const Greeter: ContractDescriptor = {
  name: 'Greeter',
  members: [
    { name: 'prefix', kind: 'property', type: 'string', optional: false, description: 'prefix' },
    {
      name: 'greet',
      kind: 'method',
      type: 'function',
      optional: false,
      description: 'greet(name)',
      arity: 1,
      async: false,
    },
    {
      name: 'load',
      kind: 'method',
      type: 'function',
      optional: false,
      description: 'load()',
      async: true,
    },
    { name: 'extra', kind: 'method', type: 'function', optional: true, description: 'extra' },
  ],
};

// A function for each arity 0..4, so a generated contract's stated arity can be met.
const BY_ARITY = [
  () => 1,
  (_a: unknown) => 1,
  (_a: unknown, _b: unknown) => 1,
  (_a: unknown, _b: unknown, _c: unknown) => 1,
  (_a: unknown, _b: unknown, _c: unknown, _d: unknown) => 1,
];

describe('checkCompliance', () => {
  it('passes a conforming instance and a conforming class', () => {
    expect(checkCompliance(new GoodService(), ServiceDescriptor)).toEqual({
      contract: 'Service',
      ok: true,
      problems: [],
      unchecked: [],
    });
    const onClass = checkCompliance(GoodService, ServiceDescriptor);
    expect(onClass.ok).toBe(true);
    expect(onClass.unchecked).toEqual(['name']);
  });

  it('reports every problem: missing, wrong kind, wrong type, arity and async-ness', () => {
    const impl = {
      prefix: 42,
      greet: async (a: string, b: string) => a + b,
      extra: 'not a method',
    };
    const report = checkCompliance(impl, Greeter);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { member: 'prefix', rule: 'wrong-type', expected: 'string', actual: 'number' },
      { member: 'greet', rule: 'wrong-arity', expected: '1', actual: '2' },
      { member: 'greet', rule: 'async', expected: 'not async', actual: 'async' },
      { member: 'load', rule: 'missing', expected: 'method', actual: 'undefined' },
      { member: 'extra', rule: 'wrong-kind', expected: 'method', actual: 'string' },
    ]);
  });

  it('reports a method where a property is expected, and a sync method stated async', () => {
    const report = checkCompliance(
      { prefix: () => 'x', greet: (n: string) => n, load: () => 1 },
      Greeter,
    );
    expect(report.problems).toEqual([
      { member: 'prefix', rule: 'wrong-kind', expected: 'property', actual: 'method' },
      { member: 'load', rule: 'async', expected: 'async', actual: 'not async' },
    ]);
  });

  it('treats a throwing getter as present, and a non-object as missing everything', () => {
    const impl = {
      get prefix(): string {
        throw new Error('getter');
      },
      greet: (n: string) => n,
      load: async () => 1,
    };
    expect(checkCompliance(impl, Greeter).ok).toBe(true);
    expect(checkCompliance(42, ServiceDescriptor).problems.map((p) => p.member)).toEqual([
      'name',
      'start',
      'stop',
      'health',
    ]);
  });

  it.each([
    [null, 'contract'],
    [{ members: [] }, 'contract.name'],
    [{ name: 'X', members: {} }, 'contract.members'],
    [{ name: 'X', members: [7] }, 'contract.members[0]'],
    [{ name: 'X', members: [{ name: '' }] }, 'contract.members[0].name'],
    [{ name: 'X', members: [{ name: '__proto__' }] }, 'contract.members[0].name'],
    [{ name: 'X', members: [{ name: 'a', kind: 'field' }] }, 'contract.members[0].kind'],
    [
      { name: 'X', members: [{ name: 'a', kind: 'method', type: 'bigint' }] },
      'contract.members[0].type',
    ],
    [
      { name: 'X', members: [{ name: 'a', kind: 'method', type: 'string' }] },
      'contract.members[0].type',
    ],
    [
      { name: 'X', members: [{ name: 'a', kind: 'method', type: 'function', optional: 1 }] },
      'contract.members[0].optional',
    ],
    [
      {
        name: 'X',
        members: [{ name: 'a', kind: 'method', type: 'function', optional: false, arity: -1 }],
      },
      'contract.members[0].arity',
    ],
    [
      {
        name: 'X',
        members: [{ name: 'a', kind: 'method', type: 'function', optional: false, async: 'yes' }],
      },
      'contract.members[0].async',
    ],
    [
      {
        name: 'X',
        members: [{ name: 'a', kind: 'property', type: 'string', optional: false, arity: 1 }],
      },
      'contract.members[0]',
    ],
    [
      {
        name: 'X',
        members: [
          { name: 'a', kind: 'property', type: 'string', optional: false },
          { name: 'a', kind: 'property', type: 'string', optional: false },
        ],
      },
      'contract.members[1].name',
    ],
  ])('refuses malformed descriptor %#, naming %s, with a FoundationError', (contract, path) => {
    let thrown: unknown;
    try {
      checkCompliance({}, contract as never);
    } catch (error) {
      thrown = error;
    }
    expect(isFoundationError(thrown)).toBe(true);
    expect((thrown as FoundationError).codeName).toBe('invalid_input');
    expect((thrown as FoundationError).context.path).toBe(path);
  });

  it('property: an object built from a descriptor complies with it; dropping a required member does not', () => {
    const member = fc.record({
      name: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/),
      kind: fc.constantFrom('method' as const, 'property' as const),
      optional: fc.boolean(),
      arity: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(member, { selector: (m) => m.name, maxLength: 8 }), (members) => {
        const contract: ContractDescriptor = {
          name: 'Random',
          members: members.map((m) =>
            m.kind === 'method'
              ? {
                  name: m.name,
                  kind: 'method',
                  type: 'function',
                  optional: m.optional,
                  description: '',
                  arity: m.arity,
                }
              : {
                  name: m.name,
                  kind: 'property',
                  type: 'number',
                  optional: m.optional,
                  description: '',
                },
          ),
        };
        const impl: Record<string, unknown> = {};
        for (const m of members) {
          impl[m.name] = m.kind === 'method' ? BY_ARITY[m.arity] : 1;
        }
        expect(checkCompliance(impl, contract).problems).toEqual([]);
        const required = members.find((m) => !m.optional);
        if (required) {
          const { [required.name]: _dropped, ...rest } = impl;
          expect(checkCompliance(rest, contract).problems).toContainEqual(
            expect.objectContaining({ member: required.name, rule: 'missing' }),
          );
        }
      }),
    );
  });
});

describe('assertCompliance', () => {
  it('is silent for a conforming value', () => {
    expect(() => {
      assertCompliance(new GoodService(), ServiceDescriptor);
    }).not.toThrow();
  });

  it('throws one error listing every problem', () => {
    let thrown: unknown;
    try {
      assertCompliance({ name: 1 }, ServiceDescriptor);
    } catch (error) {
      thrown = error;
    }
    const error = thrown as FoundationError;
    expect(error.codeName).toBe('devtools_contract_violation');
    expect(error.code).toBe(7102);
    expect(error.message).toContain('name: wrong-type');
    expect(error.message).toContain('start: missing');
    expect(error.message).toContain('health: missing');
    expect(error.context.problems).toHaveLength(4);
  });
});
