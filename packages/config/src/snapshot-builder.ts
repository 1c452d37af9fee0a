/**
 * Builds a validated, frozen snapshot from the sources: layer them, parse with the schema,
 * and check that the result is plain data the schema accepts again (updates re-validate it).
 */
import type { z } from 'zod';
import { envHint, layerSources, type LayerInputs } from './load.js';
import type { OriginMap } from './origins.js';
import { deepEqual, deepFreeze, toPlainData } from './plain-data.js';
import { problemsFromIssues, type ConfigProblem } from './problems.js';
import { diff, getAt } from './tree-ops.js';

/** A snapshot and where its values came from, or every problem that prevented it. */
export type BuildResult =
  | {
      readonly ok: true;
      readonly snapshot: Readonly<Record<string, unknown>>;
      readonly origins: OriginMap;
    }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Layers the sources and validates them with `schema` into a frozen snapshot. */
export function buildSnapshot(schema: z.ZodType, inputs: LayerInputs): BuildResult {
  const layered = layerSources(inputs);
  const parsed = schema.safeParse(layered.input);
  const problems = [...layered.problems];
  if (!parsed.success) {
    const found = problemsFromIssues(
      parsed.error.issues,
      [],
      (segments) => getAt(layered.input, segments) === undefined,
      (path) => layered.origins.lookup(path),
    );
    for (const problem of found) {
      problems.push(
        problem.rule === 'required'
          ? { ...problem, message: problem.message + envHint(inputs.env, problem.path) }
          : problem,
      );
    }
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };

  const plain = toPlainData(parsed.data, { maxDepth: inputs.limits.maxDepth, maxBytes: Infinity });
  if (!plain.ok) {
    return {
      ok: false,
      problems: [
        {
          path: plain.problem.at,
          rule: 'schema_output',
          codeName: 'invalid_config_structure',
          message: `the schema's output is not plain data: ${plain.problem.message}`,
          origin: layered.origins.lookup(plain.problem.at),
        },
      ],
    };
  }
  // Updates re-validate stored values, so the schema must accept its own output unchanged.
  const again = schema.safeParse(plain.value);
  if (!again.success || !deepEqual(again.data, plain.value)) {
    return { ok: false, problems: [notIdempotent(plain.value, again)] };
  }
  return {
    ok: true,
    snapshot: deepFreeze(plain.value as Record<string, unknown>),
    origins: layered.origins,
  };
}

/** The problem for a schema whose output does not survive being parsed again, at the first path where it changes. */
function notIdempotent(
  output: unknown,
  again: { success: true; data: unknown } | { success: false; error: z.ZodError },
): ConfigProblem {
  const segments = again.success
    ? (diff(output, again.data)[0]?.segments ?? [])
    : (again.error.issues[0]?.path.map(String) ?? []);
  return {
    path: segments.join('.'),
    rule: 'schema_idempotent',
    codeName: 'invalid_config_structure',
    message: 'the schema must accept its own output unchanged (keep transforms idempotent)',
    origin: { layer: 'default' },
  };
}
