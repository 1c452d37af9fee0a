/**
 * The environment layer: variables named `<prefix><SEGMENT><separator><SEGMENT>…` mapped onto
 * schema paths (camelCase keys become SCREAMING_SNAKE segments), values coerced by the schema.
 * The variables are only read, never written.
 */
import { isForbiddenKey } from '@foundation/errors';
import type { z } from 'zod';
import { defOf, type SchemaNode } from '../schema-tree.js';

/** Where and how environment variables are read. */
export interface EnvSource {
  /** The prefix every variable starts with, such as `APP_` (may be '' on purpose). */
  readonly prefix: string;
  /** What separates nesting levels (`__` by default): `APP_AI__PLANNING__SAMPLING_RATE`. */
  readonly separator?: string;
  /** The variables to read; `process.env` by default (read, never mutated). */
  readonly vars?: Readonly<Record<string, string | undefined>>;
}

/** One variable that maps onto the schema. */
export interface EnvEntry {
  /** The variable's name. */
  readonly name: string;
  /** The path segments it sets. */
  readonly segments: readonly string[];
  /** The value, coerced towards the schema's type (left a string when it does not fit). */
  readonly value: unknown;
}

/** A variable that cannot be mapped safely. */
export interface EnvRefusal {
  /** The variable's name. */
  readonly name: string;
  /** The path as far as it could be read. */
  readonly segments: readonly string[];
  /** The rule broken (`forbidden_key` or `env_name`). */
  readonly rule: 'forbidden_key' | 'env_name';
  /** For people. */
  readonly message: string;
}

const SEGMENT = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

/** `samplingRate` → `SAMPLING_RATE`. */
export function toEnvSegment(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** `BETA_FEATURE` → `betaFeature` (for record keys, which the schema cannot name). */
function fromEnvSegment(segment: string): string {
  return segment
    .toLowerCase()
    .replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The variable name for `segments` under `source`. */
export function envName(source: EnvSource, segments: readonly string[]): string {
  return source.prefix + segments.map(toEnvSegment).join(source.separator ?? '__');
}

function findKey(node: SchemaNode, segment: string): string | undefined {
  return node.keys().find((key) => toEnvSegment(key) === segment);
}

/**
 * Reads the variables of `source` that map onto the schema under `root`. Unknown variables
 * are ignored (a prefix may be shared); empty values count as missing.
 */
export function readEnv(
  root: SchemaNode,
  source: EnvSource,
): { entries: EnvEntry[]; refusals: EnvRefusal[] } {
  const separator = source.separator ?? '__';
  const vars = source.vars ?? process.env;
  const entries: EnvEntry[] = [];
  const refusals: EnvRefusal[] = [];
  for (const name of Object.keys(vars)) {
    const raw = vars[name];
    if (raw === undefined || raw === '' || !name.startsWith(source.prefix)) continue;
    const rest = name.slice(source.prefix.length);
    if (rest === '') continue;
    let node: SchemaNode | undefined = root;
    const segments: string[] = [];
    for (const part of rest.split(separator)) {
      let key: string | undefined;
      if (node.kind === 'object') {
        key = findKey(node, part);
      } else if (node.kind === 'record') {
        if (!SEGMENT.test(part)) {
          refusals.push({
            name,
            segments,
            rule: 'env_name',
            message: `'${part}' is not a valid key`,
          });
          break;
        }
        key = fromEnvSegment(part);
        if (isForbiddenKey(key)) {
          refusals.push({
            name,
            segments,
            rule: 'forbidden_key',
            message: `the key '${key}' is forbidden`,
          });
          break;
        }
      }
      if (key === undefined) {
        node = undefined;
        break;
      }
      segments.push(key);
      node = node.child(key)!;
    }
    if (node && segments.length > 0 && segments.length === rest.split(separator).length) {
      entries.push({ name, segments, value: coerce(node.schema, raw) });
    }
  }
  // Deeper variables win over a whole object given as JSON at a shallower level.
  entries.sort((a, b) => a.segments.length - b.segments.length || (a.name < b.name ? -1 : 1));
  return { entries, refusals };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Coerces an environment string towards the type `schema` expects: numbers, booleans,
 * literals, enums, JSON for objects and arrays (or comma lists for arrays), unions by trying
 * each option. A string that does not fit is returned as is, so validation reports it.
 */
export function coerce(schema: z.ZodType, raw: string): unknown {
  const def = defOf(schema);
  const text = raw.trim();
  switch (def.type) {
    case 'number': {
      const value = text === '' ? Number.NaN : Number(text);
      return Number.isNaN(value) ? raw : value;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : raw;
    }
    case 'literal':
      return def.values!.find((v) => String(v) === text) ?? raw;
    case 'enum':
      return Object.values(def.entries!).find((v) => String(v) === text) ?? raw;
    case 'null':
      return text === 'null' ? null : raw;
    case 'object':
    case 'record':
    case 'tuple':
      return parseJson(text) ?? raw;
    case 'array':
      return parseJson(text) ?? text.split(',').map((item) => coerce(def.element!, item.trim()));
    case 'union':
      for (const option of def.options!) {
        const candidate = coerce(option, raw);
        if (option.safeParse(candidate).success) return candidate;
      }
      return raw;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return text === 'null' && def.type === 'nullable' ? null : coerce(def.innerType!, raw);
    case 'pipe':
      return coerce(def.in!, raw);
    case 'lazy':
      return coerce(def.getter!(), raw);
    default:
      return raw;
  }
}

function parseJson(text: string): unknown {
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
