import type { InterfaceDescriptor, MemberDescriptor } from '@foundation/core';
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import { DevtoolsErrorCodes, inputError } from './codes.js';

/**
 * A member of a contract: core's `MemberDescriptor` plus what a method's runtime shape
 * can be checked against. Both extras are optional; a check runs only where one is stated.
 */
export interface ContractMember extends MemberDescriptor {
  /** For a method: how many parameters it declares (`Function.length`). */
  readonly arity?: number;
  /** For a method: whether it must be (true) or must not be (false) an `async` function. */
  readonly async?: boolean;
}

/** A contract: core's `InterfaceDescriptor`, whose members may state arity and async-ness. */
export interface ContractDescriptor extends InterfaceDescriptor {
  /** The members. */
  readonly members: readonly ContractMember[];
}

/** How an implementation breaks its contract. */
export type ComplianceRule = 'missing' | 'wrong-kind' | 'wrong-type' | 'wrong-arity' | 'async';

/** One problem {@link checkCompliance} found. */
export interface ComplianceProblem {
  /** The member concerned. */
  readonly member: string;
  /** Which rule it breaks. */
  readonly rule: ComplianceRule;
  /** What the contract states. */
  readonly expected: string;
  /** What the implementation has. */
  readonly actual: string;
}

/** What {@link checkCompliance} found. */
export interface ComplianceReport {
  /** The contract's name. */
  readonly contract: string;
  /** True when there are no problems. */
  readonly ok: boolean;
  /** Every problem, in the contract's member order. */
  readonly problems: readonly ComplianceProblem[];
  /**
   * Property members that could not be checked: on a class only the prototype is visible, and
   * instance properties are set by the constructor.
   */
  readonly unchecked: readonly string[];
}

const KINDS: readonly unknown[] = ['method', 'property'];
const TYPES: readonly unknown[] = ['string', 'number', 'boolean', 'object', 'function'];

function checkDescriptor(contract: unknown): ContractDescriptor {
  if (typeof contract !== 'object' || contract === null)
    throw inputError('contract', 'must be an interface descriptor object');
  const { name, members } = contract as Record<string, unknown>;
  if (typeof name !== 'string' || name === '')
    throw inputError('contract.name', 'must be a non-empty string');
  if (!Array.isArray(members)) throw inputError('contract.members', 'must be an array');
  const seen = new Set<string>();
  members.forEach((member: unknown, index) => {
    const at = `contract.members[${index}]`;
    if (typeof member !== 'object' || member === null) throw inputError(at, 'must be an object');
    const m = member as Record<string, unknown>;
    if (typeof m.name !== 'string' || m.name === '')
      throw inputError(`${at}.name`, 'must be a non-empty string');
    if (isForbiddenKey(m.name)) throw inputError(`${at}.name`, 'forbidden key');
    if (seen.has(m.name)) throw inputError(`${at}.name`, `'${m.name}' appears twice`);
    seen.add(m.name);
    if (!KINDS.includes(m.kind)) throw inputError(`${at}.kind`, "must be 'method' or 'property'");
    if (!TYPES.includes(m.type))
      throw inputError(`${at}.type`, `must be one of ${TYPES.join(', ')}`);
    if (m.kind === 'method' && m.type !== 'function')
      throw inputError(`${at}.type`, "must be 'function' for a method");
    if (typeof m.optional !== 'boolean') throw inputError(`${at}.optional`, 'must be a boolean');
    if (m.arity !== undefined && (!Number.isSafeInteger(m.arity) || (m.arity as number) < 0))
      throw inputError(`${at}.arity`, 'must be an integer >= 0 when given');
    if (m.async !== undefined && typeof m.async !== 'boolean')
      throw inputError(`${at}.async`, 'must be a boolean when given');
    if ((m.arity !== undefined || m.async !== undefined) && m.kind !== 'method')
      throw inputError(at, 'arity and async apply to methods only');
  });
  return contract as ContractDescriptor;
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor.name === 'AsyncFunction';
}

/** Reads a member without running getters that throw: a throwing getter reads as present. */
function read(target: object, name: string): { present: boolean; value: unknown } {
  try {
    const value: unknown = (target as Record<string, unknown>)[name];
    return { present: value !== undefined, value };
  } catch {
    return { present: true, value: undefined };
  }
}

/**
 * Checks that `impl` implements `contract` (the seed's `test_behavior_compliance`), built on
 * core's descriptors: missing members, members of the wrong kind (method vs property), the
 * wrong `typeof`, the wrong arity and async-ness where the contract states them. Works on an
 * instance and on a class (whose prototype is checked; its instance properties are listed as
 * unchecked). Shapes only, not behaviour.
 *
 * @param impl - The instance or class to check; anything else (such as `null`) has every
 *   required member missing.
 * @param contract - The members the implementation must have, with their kind, `typeof`, and
 *   optionally arity and async-ness.
 * @returns The contract's name, whether it is met, every problem found, and the class instance
 *   properties that could not be checked.
 * @throws FoundationError 3204 (`invalid_input`) when `contract` is malformed, naming the path
 * (such as `contract.members[1].kind`) and the rule.
 * @example
 * ```ts
 * import { ServiceDescriptor } from '@foundation/core';
 * checkCompliance(MyService, ServiceDescriptor).problems; // [] when every method is there
 * ```
 */
export function checkCompliance(impl: unknown, contract: ContractDescriptor): ComplianceReport {
  const descriptor = checkDescriptor(contract);
  const isClass =
    typeof impl === 'function' &&
    typeof (impl as { prototype?: unknown }).prototype === 'object' &&
    (impl as { prototype: unknown }).prototype !== null;
  const target: object | undefined = isClass
    ? (impl as { prototype: object }).prototype
    : typeof impl === 'object' && impl !== null
      ? impl
      : undefined;
  const problems: ComplianceProblem[] = [];
  const unchecked: string[] = [];
  for (const member of descriptor.members) {
    if (isClass && member.kind === 'property') {
      unchecked.push(member.name);
      continue;
    }
    const { present, value } = target
      ? read(target, member.name)
      : { present: false, value: undefined };
    if (!present) {
      if (!member.optional)
        problems.push({
          member: member.name,
          rule: 'missing',
          expected: member.kind,
          actual: 'undefined',
        });
      continue;
    }
    const actualType = typeof value;
    if (member.kind === 'method') {
      if (actualType !== 'function') {
        problems.push({
          member: member.name,
          rule: 'wrong-kind',
          expected: 'method',
          actual: actualType,
        });
        continue;
      }
      const fn = value as (...args: unknown[]) => unknown;
      if (member.arity !== undefined && fn.length !== member.arity)
        problems.push({
          member: member.name,
          rule: 'wrong-arity',
          expected: String(member.arity),
          actual: String(fn.length),
        });
      if (member.async !== undefined && isAsyncFunction(fn) !== member.async)
        problems.push({
          member: member.name,
          rule: 'async',
          expected: member.async ? 'async' : 'not async',
          actual: isAsyncFunction(fn) ? 'async' : 'not async',
        });
    } else if (actualType === 'function' && member.type !== 'function') {
      problems.push({
        member: member.name,
        rule: 'wrong-kind',
        expected: 'property',
        actual: 'method',
      });
    } else if (actualType !== member.type && value !== undefined) {
      problems.push({
        member: member.name,
        rule: 'wrong-type',
        expected: member.type,
        actual: actualType,
      });
    }
  }
  return { contract: descriptor.name, ok: problems.length === 0, problems, unchecked };
}

/**
 * Like {@link checkCompliance}, but throws when there is any problem.
 *
 * @param impl - The instance or class to check, as for {@link checkCompliance}.
 * @param contract - The members the implementation must have.
 * @throws FoundationError 7102 (`devtools_contract_violation`) listing every problem in its
 * message and in `context.problems`; 3204 when `contract` is malformed.
 * @example
 * ```ts
 * assertCompliance(new PaymentsService(), ServiceDescriptor);
 * ```
 */
export function assertCompliance(impl: unknown, contract: ContractDescriptor): void {
  const report = checkCompliance(impl, contract);
  if (report.ok) return;
  const lines = report.problems.map(
    (p) => `${p.member}: ${p.rule} (expected ${p.expected}, got ${p.actual})`,
  );
  throw new FoundationError(
    DevtoolsErrorCodes.devtools_contract_violation,
    `does not implement ${report.contract}: ${lines.join('; ')}`,
    { context: { contract: report.contract, problems: report.problems } },
  );
}
