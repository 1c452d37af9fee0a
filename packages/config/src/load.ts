/**
 * Layers the sources into one raw input for the schema, lowest first: files, environment,
 * overrides (the schema's defaults fill whatever is still missing when it is parsed). Records
 * where every value came from and collects every problem instead of stopping at the first.
 */
import { isPlainObject, toPlainData, type DataLimits } from './plain-data.js';
import { OriginMap, type ConfigOrigin } from './origins.js';
import { dataProblem, type ConfigProblem } from './problems.js';
import type { SchemaNode } from './schema-tree.js';
import { envName, readEnv, type EnvSource } from './sources/env.js';
import { parseFileText, type FileRead, type FileSource } from './sources/files.js';
import { leafPaths } from './tree-ops.js';

/** The layered raw input, where each value came from, and what was wrong. */
export interface Layered {
  /** The merged raw input (fresh objects, safe to fill). */
  readonly input: Record<string, unknown>;
  /** The origin of each supplied value. */
  readonly origins: OriginMap;
  /** Every problem found while reading the sources. */
  readonly problems: ConfigProblem[];
}

/** The sources and limits {@link layerSources} works with. */
export interface LayerInputs {
  readonly root: SchemaNode;
  readonly files: readonly FileSource[];
  readonly reads: readonly FileRead[];
  readonly env: EnvSource | undefined;
  readonly overrides: unknown;
  readonly limits: DataLimits;
  readonly strict: boolean;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Deep-merges `source` into `target` (arrays and leaves replace), recording origins. */
function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  prefix: string,
  origin: ConfigOrigin,
  origins: OriginMap,
): void {
  for (const key of Object.keys(source)) {
    const path = join(prefix, key);
    const value = source[key];
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      mergeInto(existing, value, path, origin, origins);
    } else {
      target[key] = value;
      for (const leaf of leafPaths(value, [path])) origins.set(leaf.join('.'), origin);
    }
  }
}

function setMutable(
  target: Record<string, unknown>,
  segments: readonly string[],
  value: unknown,
): void {
  let current = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i]!;
    const next = current[key];
    if (isPlainObject(next)) {
      current = next;
    } else {
      const created: Record<string, unknown> = {};
      current[key] = created;
      current = created;
    }
  }
  current[segments[segments.length - 1]!] = value;
}

/** Merges every source, lowest first, into one raw input. */
export function layerSources(inputs: LayerInputs): Layered {
  const input: Record<string, unknown> = {};
  const origins = new OriginMap();
  const problems: ConfigProblem[] = [];
  const layer = (data: unknown, origin: ConfigOrigin): void => {
    const checked = toPlainData(data, inputs.limits);
    if (!checked.ok) problems.push(dataProblem(checked.problem, origin));
    else if (isPlainObject(checked.value)) mergeInto(input, checked.value, '', origin, origins);
    else if (checked.value !== undefined) {
      problems.push({
        path: '',
        rule: 'invalid_type',
        codeName: 'invalid_config_structure',
        message: 'the top level must be an object',
        origin,
      });
    }
  };

  inputs.files.forEach((file, index) => {
    const origin: ConfigOrigin = { layer: 'file', source: file.path };
    const read = inputs.reads[index]!;
    if (read.kind === 'missing') {
      if (!file.optional) {
        problems.push({
          path: '',
          rule: 'file_exists',
          codeName: 'config_not_found',
          message: 'the file does not exist',
          origin,
        });
      }
    } else if (read.kind === 'failed') {
      problems.push({
        path: '',
        rule: 'file_read',
        codeName: 'config_not_found',
        message: read.message,
        origin,
      });
    } else if (read.kind === 'refused') {
      problems.push({
        path: '',
        rule: read.rule,
        codeName: read.rule === 'max_size' ? 'invalid_config_structure' : 'config_not_found',
        message: read.message,
        origin,
      });
    } else {
      const parsed = parseFileText(file, read.text);
      if (parsed.ok) layer(parsed.data, origin);
      else {
        problems.push({
          path: '',
          rule: parsed.rule,
          codeName: 'invalid_config_structure',
          message: parsed.message,
          origin,
        });
      }
    }
  });

  if (inputs.env) {
    const { entries, refusals } = readEnv(inputs.root, inputs.env);
    for (const refusal of refusals) {
      problems.push({
        path: refusal.segments.join('.'),
        rule: refusal.rule,
        codeName: 'invalid_config_structure',
        message: refusal.message,
        origin: { layer: 'env', source: refusal.name },
      });
    }
    for (const entry of entries) {
      const origin: ConfigOrigin = { layer: 'env', source: entry.name };
      const path = entry.segments.join('.');
      const checked = toPlainData(entry.value, inputs.limits);
      if (!checked.ok) {
        problems.push(dataProblem(checked.problem, origin, path));
        continue;
      }
      setMutable(input, entry.segments, checked.value);
      for (const leaf of leafPaths(checked.value, entry.segments))
        origins.set(leaf.join('.'), origin);
    }
  }

  if (inputs.overrides !== undefined) layer(inputs.overrides, { layer: 'override' });
  if (inputs.strict) findUnknownKeys(inputs.root, input, '', origins, problems);
  fillObjects(inputs.root, input);
  return { input, origins, problems };
}

/** Reports keys the schema does not declare (typos in files and overrides). */
function findUnknownKeys(
  node: SchemaNode,
  value: unknown,
  prefix: string,
  origins: OriginMap,
  problems: ConfigProblem[],
): void {
  if (!isPlainObject(value) || node.kind === 'leaf') return;
  for (const key of Object.keys(value)) {
    const path = join(prefix, key);
    const child = node.child(key);
    if (child) findUnknownKeys(child, value[key], path, origins, problems);
    else if (!node.loose) {
      problems.push({
        path,
        rule: 'unknown_key',
        codeName: 'invalid_config_structure',
        message: 'the schema does not declare this key',
        origin: origins.lookup(path),
      });
    }
  }
}

/**
 * Creates the required objects no source mentioned (and fills objects declared with an object
 * `.default`), so the schema's defaults inside them apply and a missing value is reported at
 * its own path rather than at its parent's.
 */
function fillObjects(node: SchemaNode, value: Record<string, unknown>): void {
  for (const key of node.keys()) {
    const child = node.child(key)!;
    if (child.kind !== 'object') continue;
    const present = Object.hasOwn(value, key) ? value[key] : undefined;
    if (present === undefined) {
      // An object declared `.default({…})` is given its default as input, so the defaults inside
      // it apply (zod 4 would return the default as it is and skip them, which then fails the
      // schema's own re-validation: the zod 3 habit of `.default({})` works as it did there).
      const filled = child.optional ? child.defaultObject() : {};
      if (filled !== undefined) value[key] = filled;
    }
    const inner = Object.hasOwn(value, key) ? value[key] : undefined;
    if (isPlainObject(inner)) fillObjects(child, inner);
  }
}

/** A hint for a missing value: the environment variable that could supply it. */
export function envHint(env: EnvSource | undefined, path: string): string {
  return env ? ` (set ${envName(env, path.split('.'))})` : '';
}
