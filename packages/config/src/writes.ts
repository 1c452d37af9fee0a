/**
 * The pure part of a write: apply values to a snapshot copy-on-write, re-validate exactly the
 * parts the schema's rules cover, and produce the next frozen snapshot or every problem.
 */
import type { z } from 'zod';
import type { PathInfo } from './path-index.js';
import { deepFreeze } from './plain-data.js';
import { problemsFromIssues, type ConfigProblem } from './problems.js';
import { firstMissingDepth, getAt, hasPrefix, setAt, type SegmentChange } from './tree-ops.js';

/** One value to write at a resolved path (already checked to be plain data). */
export interface Write {
  readonly info: PathInfo;
  readonly value: unknown;
}

/** The next snapshot and what changed, or why the writes are refused. */
export type WriteResult =
  | {
      readonly ok: true;
      readonly snapshot: Readonly<Record<string, unknown>>;
      readonly changes: SegmentChange[];
    }
  | { readonly ok: false; readonly problems: ConfigProblem[] };

/** The problems of a refused runtime value (`candidate`, validated below `prefix`). */
export function runtimeProblems(
  error: z.ZodError,
  prefix: readonly string[],
  candidate: unknown,
): ConfigProblem[] {
  return problemsFromIssues(
    error.issues,
    prefix,
    (segments) => getAt(candidate, segments) === undefined,
    () => ({ layer: 'runtime' }),
  );
}

/**
 * Applies `writes` to `before` all together, then re-validates at the shallowest node each
 * write needs: the value itself, an enclosing object with rules, a record (its keys have
 * rules), or a parent that had to be created. Nodes under another validated node are covered
 * by it. The schema's output replaces what was written (defaults filled in).
 */
export function applyWrites(before: unknown, writes: readonly Write[]): WriteResult {
  let candidate = before;
  for (const { info, value } of writes) candidate = setAt(candidate, info.segments, value);
  const roots = writes
    .map(({ info }) => {
      const depth = Math.min(info.ruleDepth, firstMissingDepth(before, info.segments));
      return { segments: info.segments.slice(0, depth), node: info.nodes[depth]! };
    })
    .sort((x, y) => x.segments.length - y.segments.length);
  const found: ConfigProblem[] = [];
  const done: (readonly string[])[] = [];
  let next = candidate;
  for (const root of roots) {
    if (done.some((segments) => hasPrefix(root.segments, segments))) continue;
    done.push(root.segments);
    const parsed = root.node.schema.safeParse(getAt(candidate, root.segments));
    if (parsed.success) next = setAt(next, root.segments, parsed.data);
    else found.push(...runtimeProblems(parsed.error, root.segments, candidate));
  }
  if (found.length > 0) return { ok: false, problems: found };
  const snapshot = deepFreeze(next) as Readonly<Record<string, unknown>>;
  const changes = writes.map(({ info }) => ({
    segments: info.segments,
    oldValue: getAt(before, info.segments),
    newValue: getAt(snapshot, info.segments),
  }));
  return { ok: true, snapshot, changes };
}

/**
 * `base` with `changes` laid on top (runtime updates kept across a reload), validated as a
 * whole.
 */
export function overlay(
  schema: z.ZodType,
  base: Readonly<Record<string, unknown>>,
  changes: readonly SegmentChange[],
): WriteResult {
  if (changes.length === 0) return { ok: true, snapshot: base, changes: [] };
  let merged: unknown = base;
  for (const change of changes) merged = setAt(merged, change.segments, change.newValue);
  const parsed = schema.safeParse(merged);
  if (!parsed.success) return { ok: false, problems: runtimeProblems(parsed.error, [], merged) };
  return {
    ok: true,
    snapshot: deepFreeze(parsed.data as Readonly<Record<string, unknown>>),
    changes: [...changes],
  };
}
