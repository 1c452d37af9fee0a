import type { input as ZodInput, output as ZodOutput, ZodType } from 'zod';
import { createEvent, type CreateEventOptions, type FoundationEvent } from './event.js';
import { findShapeProblem, MAX_TYPE_LENGTH } from './event-shape.js';
import { forbiddenKey } from './forbidden-key.js';
import { invalidInput, validationFailed } from './invalid.js';
import { deserialize, type CodecOptions } from './serialization/serialize.js';

/** Checks events; an {@link EventStore} given one refuses events it rejects. */
export interface EventValidator {
  /** Returns the event when it is valid; throws a FoundationError 3203 naming the path otherwise. */
  validate(event: unknown): FoundationEvent;
}

/** A zod schema for the data of each event type. */
export type EventSchemas = Readonly<Record<string, ZodType>>;

/** The event type names of a registry. */
export type EventTypeOf<S extends EventSchemas> = keyof S & string;

/** An event of one of the registered types, typed by its schema's output. */
export type RegisteredEvent<S extends EventSchemas, K extends EventTypeOf<S> = EventTypeOf<S>> = {
  [P in K]: FoundationEvent<P, ZodOutput<S[P]>>;
}[K];

/** Defaults a registry applies to every event it creates. */
export type RegistryDefaults = Pick<CreateEventOptions, 'source' | 'clock'>;

/** A typed set of event types, made by {@link defineEvents}. */
export interface EventRegistry<S extends EventSchemas> extends EventValidator {
  /** The registered type names. */
  readonly types: readonly EventTypeOf<S>[];
  /** Whether `type` is registered. */
  has(type: string): type is EventTypeOf<S>;
  /**
   * Creates an event of a registered type after checking `data` against its schema (the
   * schema's output, defaults filled in, becomes the data).
   *
   * @throws FoundationError 3203 validation_failed naming the path within `data`.
   */
  create<K extends EventTypeOf<S>>(
    type: K,
    data: ZodInput<S[K]>,
    options?: CreateEventOptions,
  ): FoundationEvent<K, ZodOutput<S[K]>>;
  /**
   * Checks any value: an event's shape, that its type is registered and that its data passes
   * the schema. Returns the same event, typed.
   *
   * @throws FoundationError 3203 validation_failed naming the path and the rule.
   */
  validate(event: unknown): RegisteredEvent<S>;
  /** {@link deserialize}, then {@link EventRegistry.validate}: the same checks as on creation. */
  deserialize(input: Uint8Array | string, options?: CodecOptions): RegisteredEvent<S>;
  /** Narrows an event to one registered type (by its type name only). */
  is<K extends EventTypeOf<S>>(event: FoundationEvent, type: K): event is RegisteredEvent<S, K>;
}

interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function issuePath(issue: ZodIssueLike): string {
  let path = 'data';
  for (const segment of issue.path) {
    path += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return path;
}

/**
 * Defines a typed registry of events, one zod schema per type. The same schema checks data
 * when an event is created and when one is decoded or stored.
 *
 * @example
 * ```ts
 * const events = defineEvents({
 *   'user.created': z.object({ userId: z.number().int(), email: z.email() }),
 * });
 * const event = events.create('user.created', { userId: 1, email: 'a@b.co' });
 * const copy = events.deserialize(serialize(event)); // typed, checked again
 * ```
 *
 * @param schemas - one zod schema per event type, keyed by the type name (1 to
 *   {@link MAX_TYPE_LENGTH} characters); the schema's output becomes the event's `data`
 * @param defaults - the source and clock every {@link EventRegistry.create} uses unless its own
 *   options say otherwise (a partial source is merged over the default one). Default none
 * @returns a frozen registry that creates, validates and decodes the registered types
 * @throws FoundationError 3204 invalid_input naming `schemas` when it is not an object, or
 *   `schemas.<type>` when a type name is empty, too long or a forbidden key, or its value is not
 *   a zod schema.
 */
export function defineEvents<const S extends EventSchemas>(
  schemas: S,
  defaults: RegistryDefaults = {},
): EventRegistry<S> {
  if (typeof schemas !== 'object' || (schemas as unknown) === null) {
    throw invalidInput('schemas', 'expected an object of zod schemas');
  }
  const table = new Map<string, ZodType>();
  for (const [type, schema] of Object.entries(schemas)) {
    if (forbiddenKey(type) || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
      throw invalidInput(
        `schemas.${type}`,
        `event type must have 1 to ${MAX_TYPE_LENGTH} characters and not be a forbidden key`,
      );
    }
    if (typeof (schema as Partial<ZodType> | undefined)?.safeParse !== 'function') {
      throw invalidInput(`schemas.${type}`, 'expected a zod schema');
    }
    table.set(type, schema);
  }
  const types = Object.freeze([...table.keys()]) as readonly EventTypeOf<S>[];

  const parse = (type: string, data: unknown): unknown => {
    const schema = table.get(type);
    if (schema === undefined) throw validationFailed('type', `unknown event type '${type}'`);
    const result = schema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw validationFailed(issuePath(issue), issue.message);
    }
    return result.data;
  };

  const validate = (event: unknown): RegisteredEvent<S> => {
    const problem = findShapeProblem(event);
    if (problem) throw validationFailed(problem.path, problem.rule);
    const checked = event as FoundationEvent;
    parse(checked.type, checked.data);
    return checked as RegisteredEvent<S>;
  };

  return Object.freeze({
    types,
    has: (type: string): type is EventTypeOf<S> => table.has(type),
    create: <K extends EventTypeOf<S>>(
      type: K,
      data: ZodInput<S[K]>,
      options: CreateEventOptions = {},
    ) =>
      createEvent(type, parse(type, data) as ZodOutput<S[K]>, {
        ...options,
        clock: options.clock ?? defaults.clock,
        source:
          defaults.source === undefined || options.source === undefined
            ? (options.source ?? defaults.source)
            : { ...defaults.source, ...options.source },
      }),
    validate,
    deserialize: (input: Uint8Array | string, options?: CodecOptions) =>
      validate(deserialize(input, options)),
    is: <K extends EventTypeOf<S>>(
      event: FoundationEvent,
      type: K,
    ): event is RegisteredEvent<S, K> => event.type === type,
  });
}
