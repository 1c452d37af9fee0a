/**
 * Reads the shape of a zod v4 schema: which paths exist, where whole-object rules live, which
 * values are secret. Built lazily (recursive `z.lazy` schemas stay finite) and cached.
 */
import { FoundationError } from '@foundation/errors';
import { z } from 'zod';

/** The zod type every config schema is: an object schema, refinements allowed. */
export type ConfigSchema = z.ZodObject;

/** What a node of the schema tree is: an object with known keys, a record, or a leaf. */
export type NodeKind = 'object' | 'record' | 'leaf';

interface ZodInternals {
  readonly _zod: { readonly def: ZodDef };
}

interface ZodDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly valueType?: z.ZodType;
  readonly catchall?: z.ZodType;
  readonly checks?: readonly unknown[];
  readonly getter?: () => z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly element?: z.ZodType;
  readonly defaultValue?: unknown;
}

function refuseSchema(rule: string): never {
  throw new FoundationError('invalid_config_structure', `createConfig: schema ${rule}`, {
    context: { path: 'schema', rule },
  });
}

/**
 * Refuses what is not a zod 4 object schema, before anything reads it: a value that is no
 * schema, a schema of another type, and a zod 3 schema or install (zod 3 schemas carry `_def`
 * but not the `_zod` internals config reads; a zod 3 install has no `z.globalRegistry`).
 */
export function assertConfigSchema(schema: unknown): asserts schema is ConfigSchema {
  // `z` is whatever `zod` resolved to for this package: zod 3 lacks the v4 registry.
  if (typeof (z as { globalRegistry?: unknown }).globalRegistry !== 'object') {
    refuseSchema('needs zod 4: the installed `zod` is an older major (install zod@^4.1)');
  }
  if (typeof schema !== 'object' || schema === null) {
    refuseSchema(`must be a zod 4 object schema (z.object({ … })), got ${describeValue(schema)}`);
  }
  const internals = (schema as { _zod?: { def?: { type?: unknown } } })._zod;
  if (typeof internals?.def?.type !== 'string') {
    if ('_def' in schema) {
      refuseSchema('is a zod 3 schema: zod 4 is required (install zod@^4.1 and import from "zod")');
    }
    refuseSchema('must be a zod 4 object schema (z.object({ … }))');
  }
  if (internals.def.type !== 'object') {
    refuseSchema(
      `must be a zod 4 object schema (z.object({ … })), got a ${internals.def.type} schema`,
    );
  }
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/** Wrapper types whose inner schema describes the value's shape. */
const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'catch',
  'nonoptional',
]);

/** The definition of a zod schema (zod v4 exposes it as `_zod.def` for library authors). */
export function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as ZodInternals)._zod.def;
}

function isSecretMarked(schema: z.ZodType): boolean {
  const meta = z.globalRegistry.get(schema) as { secret?: unknown } | undefined;
  return meta?.secret === true;
}

/** What {@link unwrap} finds under a schema's wrappers. */
export interface Unwrapped {
  /** The schema that says the shape. */
  readonly base: z.ZodType;
  /** Marked `.meta({ secret: true })` at any level of wrapping. */
  readonly secret: boolean;
  /** Admits absence (optional, default, nullable, …). */
  readonly optional: boolean;
  /** The definition of the outermost `.default(…)` wrapper, if there is one. */
  readonly defaultDef: ZodDef | undefined;
}

/** Strips wrappers (optional, default, lazy, …) down to the schema that says the shape. */
export function unwrap(schema: z.ZodType): Unwrapped {
  let current = schema;
  let secret = isSecretMarked(current);
  let optional = false;
  let defaultDef: ZodDef | undefined;
  for (let hops = 0; hops < 64; hops++) {
    const def = defOf(current);
    let next: z.ZodType | undefined;
    if (WRAPPERS.has(def.type)) {
      if (def.type !== 'nonoptional' && def.type !== 'readonly' && def.type !== 'catch') {
        optional = true;
      }
      if (def.type === 'default') defaultDef ??= def;
      next = def.innerType;
    } else if (def.type === 'lazy' && def.getter) {
      next = def.getter();
    }
    if (!next) break;
    current = next;
    secret ||= isSecretMarked(current);
  }
  return { base: current, secret, optional, defaultDef };
}

/** One node of the schema tree. */
export class SchemaNode {
  /** The node's kind. */
  readonly kind: NodeKind;
  /** The unwrapped schema that says the shape. */
  readonly base: z.ZodType;
  /** True when the value is marked secret (`.meta({ secret: true })`). */
  readonly secret: boolean;
  /** True when the object or record carries its own checks (refinements). */
  readonly refined: boolean;
  /** True when an object accepts keys it does not declare. */
  readonly loose: boolean;
  /** True when the declared schema admits absence (optional, default, nullable, …). */
  readonly optional: boolean;
  readonly #children = new Map<string, SchemaNode | null>();
  readonly #defaultDef: ZodDef | undefined;
  #value: SchemaNode | undefined;

  /** Builds the node for `schema`, the schema as declared in its parent (wrappers included). */
  constructor(readonly schema: z.ZodType) {
    const { base, secret, optional, defaultDef } = unwrap(schema);
    this.#defaultDef = defaultDef;
    const def = defOf(base);
    this.base = base;
    this.secret = secret;
    this.optional = optional;
    this.kind = def.type === 'object' ? 'object' : def.type === 'record' ? 'record' : 'leaf';
    this.refined = this.kind !== 'leaf' && (def.checks?.length ?? 0) > 0;
    this.loose =
      this.kind === 'object' && def.catchall !== undefined && defOf(def.catchall).type !== 'never';
  }

  /** True for an object node declared with `.default(…)` (zod 4 skips its inner defaults). */
  get defaultsWholeObject(): boolean {
    return this.kind === 'object' && this.#defaultDef !== undefined;
  }

  /**
   * A fresh copy of the object an object node's `.default(…)` gives, when it is a plain object;
   * else undefined. Feeding it to the schema as input (instead of letting zod 4 return it as the
   * output) applies the defaults inside it, as zod 3's `.default({})` and zod 4's `.prefault({})`
   * do.
   */
  defaultObject(): Record<string, unknown> | undefined {
    if (!this.defaultsWholeObject) return undefined;
    // zod's getter returns a fresh (shallow) copy, or calls a default function.
    const value = this.#defaultDef!.defaultValue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    return structuredClone(value) as Record<string, unknown>;
  }

  /** The declared keys of an object node (empty for others). */
  keys(): string[] {
    return this.kind === 'object' ? Object.keys(defOf(this.base).shape ?? {}) : [];
  }

  /** The node for key `key`: a declared object key, or any key of a record; else undefined. */
  child(key: string): SchemaNode | undefined {
    if (this.kind === 'record') {
      this.#value ??= new SchemaNode(defOf(this.base).valueType!);
      return this.#value;
    }
    if (this.kind !== 'object') return undefined;
    let cached = this.#children.get(key);
    if (cached === undefined) {
      const shape = defOf(this.base).shape!;
      cached = Object.hasOwn(shape, key) ? new SchemaNode(shape[key]!) : null;
      this.#children.set(key, cached);
    }
    return cached ?? undefined;
  }
}

/** The nodes along `segments` from `root` (index 0 is the root); undefined when undeclared. */
export function nodesAlong(
  root: SchemaNode,
  segments: readonly string[],
): SchemaNode[] | undefined {
  const nodes = [root];
  let node = root;
  for (const segment of segments) {
    const next = node.child(segment);
    if (!next) return undefined;
    nodes.push(next);
    node = next;
  }
  return nodes;
}

/**
 * Walks the declared shape (records as `*`, at most `maxDepth` levels, so recursive schemas
 * stay finite): returns the paths marked secret, and the first key that cannot be a path
 * segment (empty, `*`, holding a dot, or forbidden), if any.
 */
export function scanSchema(
  root: SchemaNode,
  maxDepth: number,
  isForbidden: (key: string) => boolean,
): { secrets: string[][]; badKey: string | undefined } {
  const secrets: string[][] = [];
  let badKey: string | undefined;
  const visit = (node: SchemaNode, segments: string[]): void => {
    if (node.secret) {
      secrets.push(segments);
      return;
    }
    if (segments.length >= maxDepth || badKey !== undefined) return;
    if (node.kind === 'record') visit(node.child('*')!, [...segments, '*']);
    for (const key of node.keys()) {
      if (key === '' || key === '*' || key.includes('.') || isForbidden(key)) {
        badKey ??= [...segments, key].join('.');
        return;
      }
      visit(node.child(key)!, [...segments, key]);
    }
  };
  visit(root, []);
  return { secrets, badKey };
}
