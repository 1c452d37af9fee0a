import { InvalidInputError } from './invalid-input-error.js';
import type { Result } from './result.js';

/** How well something works: fully, partly, or not at all. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What a {@link Service} says about its own health. */
export interface HealthReport {
  /** The overall verdict. */
  readonly status: HealthStatus;
  /** A short reason, for people. */
  readonly message?: string;
  /** Structured facts behind the verdict (queue depth, last error, …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A long-lived part of an application with a lifecycle. `start` may wait (and must give up
 * when `signal` aborts); `stop` releases everything the service holds, timers included, and
 * is safe to call twice; `health` reports without side effects.
 */
export interface Service {
  /** A unique, stable name for logs, status and health. */
  readonly name: string;
  /** Starts the service. Rejecting (or throwing) means it could not start. */
  start(signal: AbortSignal): Promise<void> | void;
  /** Stops the service and releases what it holds. */
  stop(): Promise<void> | void;
  /** Reports the service's health. */
  health(): HealthReport | Promise<HealthReport>;
  /** Optional facts about the service (counts, versions) shown by status pages. */
  status?(): Readonly<Record<string, unknown>>;
}

/**
 * A component that owns validated configuration (the seed's `Configurable` behaviour).
 * `validateConfig` checks a candidate without applying it.
 */
export interface Configurable<T> {
  /** The current configuration, as a read-only snapshot. */
  getConfig(): T;
  /** Checks a candidate configuration and returns it typed, or the reason it is refused. */
  validateConfig(candidate: unknown): Result<T>;
}

/** Turns values of type `T` into bytes and back (the seed's `Serializable` protocol). */
export interface Serializer<T> {
  /** A short name of the format, such as `json` or `binary`. */
  readonly format: string;
  /** The MIME type of the serialized form. */
  readonly contentType: string;
  /** Encodes a value. */
  serialize(value: T): Uint8Array;
  /** Decodes bytes made by {@link Serializer.serialize}; throws on malformed input. */
  deserialize(bytes: Uint8Array): T;
}

/** One member of an interface, as listed by an {@link InterfaceDescriptor}. */
export interface MemberDescriptor {
  /** The member's name. */
  readonly name: string;
  /** A method is called; a property is read. */
  readonly kind: 'method' | 'property';
  /** For a property, its `typeof`; for a method, `'function'`. */
  readonly type: 'string' | 'number' | 'boolean' | 'object' | 'function';
  /** Whether an implementation may leave it out. */
  readonly optional: boolean;
  /** For people: what the member does. */
  readonly description: string;
}

/** A runtime description of a TypeScript interface, so tools can check implementations. */
export interface InterfaceDescriptor {
  /** The interface's name. */
  readonly name: string;
  /** Its members. */
  readonly members: readonly MemberDescriptor[];
}

function method(name: string, description: string, optional = false): MemberDescriptor {
  return { name, kind: 'method', type: 'function', optional, description };
}

function deepFreeze<T extends InterfaceDescriptor>(descriptor: T): T {
  for (const member of descriptor.members) Object.freeze(member);
  Object.freeze(descriptor.members);
  return Object.freeze(descriptor);
}

/** Runtime descriptor of {@link Service}. */
export const ServiceDescriptor: InterfaceDescriptor = deepFreeze({
  name: 'Service',
  members: [
    { name: 'name', kind: 'property', type: 'string', optional: false, description: 'unique name' },
    method('start', 'start(signal): starts the service'),
    method('stop', 'stop(): releases everything the service holds'),
    method('health', 'health(): reports a HealthReport'),
    method('status', 'status(): facts for status pages', true),
  ],
});

/** Runtime descriptor of {@link HealthReport}. */
export const HealthReportDescriptor: InterfaceDescriptor = deepFreeze({
  name: 'HealthReport',
  members: [
    {
      name: 'status',
      kind: 'property',
      type: 'string',
      optional: false,
      description: "'healthy' | 'degraded' | 'unhealthy'",
    },
    { name: 'message', kind: 'property', type: 'string', optional: true, description: 'reason' },
    { name: 'details', kind: 'property', type: 'object', optional: true, description: 'facts' },
  ],
});

/** Runtime descriptor of {@link Configurable}. */
export const ConfigurableDescriptor: InterfaceDescriptor = deepFreeze({
  name: 'Configurable',
  members: [
    method('getConfig', 'getConfig(): the current configuration'),
    method('validateConfig', 'validateConfig(candidate): Result of the typed configuration'),
  ],
});

/** Runtime descriptor of {@link Serializer}. */
export const SerializerDescriptor: InterfaceDescriptor = deepFreeze({
  name: 'Serializer',
  members: [
    { name: 'format', kind: 'property', type: 'string', optional: false, description: 'format' },
    {
      name: 'contentType',
      kind: 'property',
      type: 'string',
      optional: false,
      description: 'MIME type',
    },
    method('serialize', 'serialize(value): bytes'),
    method('deserialize', 'deserialize(bytes): value'),
  ],
});

/** One way a value fails to implement an interface. */
export interface ConformanceProblem {
  /** The member concerned. */
  readonly member: string;
  /** What is wrong with it. */
  readonly problem: 'missing' | 'wrong-type';
  /** The `typeof` expected. */
  readonly expected: MemberDescriptor['type'];
  /** The `typeof` found (`'undefined'` when missing). */
  readonly actual: string;
}

const MEMBER_TYPES: readonly unknown[] = [
  'string',
  'number',
  'boolean',
  'object',
  'function',
] satisfies MemberDescriptor['type'][];

/** Refuses a descriptor that is not one: checking against it would prove nothing. */
function assertDescriptor(descriptor: unknown): asserts descriptor is InterfaceDescriptor {
  const refuse = (path: string, rule: string, got: unknown): never => {
    throw new InvalidInputError('checkConformance', path, rule, got);
  };
  if (typeof descriptor !== 'object' || descriptor === null) {
    refuse('descriptor', 'must be an InterfaceDescriptor object', descriptor);
  }
  const { members } = descriptor as { members?: unknown };
  if (!Array.isArray(members)) refuse('descriptor.members', 'must be an array', members);
  (members as unknown[]).forEach((member, index) => {
    const at = `descriptor.members[${index}]`;
    if (typeof member !== 'object' || member === null) refuse(at, 'must be an object', member);
    const { name, type } = member as { name?: unknown; type?: unknown };
    if (typeof name !== 'string' || name === '') {
      refuse(`${at}.name`, 'must be a non-empty string', name);
    }
    if (!MEMBER_TYPES.includes(type)) {
      refuse(`${at}.type`, `must be one of ${MEMBER_TYPES.join(', ')}`, type);
    }
  });
}

/**
 * Lists how `value` fails to implement the interface described by `descriptor`: an empty list
 * means it conforms. Only shapes are checked (presence and `typeof`), not behaviour.
 *
 * @param value - the candidate implementation; any value (a primitive or `null` has no members)
 * @param descriptor - the interface to check against, such as {@link ServiceDescriptor}
 * @returns one problem per missing required member or member of the wrong `typeof`, in the
 *   descriptor's order; empty when `value` conforms
 * @throws InvalidInputError (3204) naming the part of `descriptor` that is not a descriptor.
 *
 * @example
 * ```ts
 * checkConformance(myService, ServiceDescriptor); // [] when it is a Service
 * ```
 */
export function checkConformance(
  value: unknown,
  descriptor: InterfaceDescriptor,
): ConformanceProblem[] {
  assertDescriptor(descriptor);
  const problems: ConformanceProblem[] = [];
  const target = (typeof value === 'object' || typeof value === 'function') && value !== null;
  for (const member of descriptor.members) {
    const actual = target ? typeof (value as Record<string, unknown>)[member.name] : 'undefined';
    if (actual === 'undefined') {
      if (!member.optional) {
        problems.push({ member: member.name, problem: 'missing', expected: member.type, actual });
      }
    } else if (actual !== member.type) {
      problems.push({ member: member.name, problem: 'wrong-type', expected: member.type, actual });
    }
  }
  return problems;
}

/**
 * True when `value` has the shape of a {@link Service}.
 *
 * @param value - any value
 * @returns `true` when `value` has a string `name` and `start`, `stop` and `health` methods
 *   (and `status`, when present, is a method), as checked by {@link checkConformance}
 */
export function isService(value: unknown): value is Service {
  return checkConformance(value, ServiceDescriptor).length === 0;
}
