/**
 * Problems found in configuration (each with its path, rule and layer) and the one
 * FoundationError that reports them all.
 */
import { FoundationError, type ErrorCodeName } from '@foundation/errors';
import type { z } from 'zod';
import type { ConfigOrigin } from './origins.js';
import type { DataProblem } from './plain-data.js';

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The dotted path concerned ('' for the whole configuration). */
  readonly path: string;
  /** The rule broken: a zod issue code (`too_big`, `invalid_type`, …) or one of ours. */
  readonly rule: string;
  /** The error code name the problem maps to. */
  readonly codeName: ErrorCodeName;
  /** For people; never contains the value itself (it may be secret). */
  readonly message: string;
  /** Where the offending value came from. */
  readonly origin: ConfigOrigin;
}

const RANGE_RULES = new Set(['too_big', 'too_small', 'not_multiple_of']);

/** Maps a zod issue to the error code of the seed's table. */
function codeForIssue(issue: z.core.$ZodIssue, missing: boolean): ErrorCodeName {
  if (missing) return 'missing_required_field';
  if (issue.code === 'unrecognized_keys') return 'invalid_config_structure';
  if (RANGE_RULES.has(issue.code)) return 'range_error';
  if (issue.code === 'custom') return 'constraint_violation';
  return 'invalid_config_value';
}

/** Turns zod issues into problems; `originOf` says where the value at a path came from. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly string[],
  isMissing: (path: string[]) => boolean,
  originOf: (path: string) => ConfigOrigin,
): ConfigProblem[] {
  return issues.map((issue) => {
    const segments = [...prefix, ...issue.path.map(String)];
    const path = segments.join('.');
    const missing = issue.code === 'invalid_type' && isMissing(segments);
    return {
      path,
      rule: missing ? 'required' : issue.code,
      codeName: codeForIssue(issue, missing),
      message: missing ? 'a value is required' : issue.message,
      origin: originOf(path),
    };
  });
}

/** The code of a plain-data refusal (see `toPlainData`). */
function dataRuleCode(rule: string): ErrorCodeName {
  return rule === 'plain_data' || rule === 'max_size'
    ? 'invalid_config_value'
    : 'invalid_config_structure';
}

/**
 * The problem for a plain-data refusal (see `toPlainData`) of a value found at `base` (its
 * `at` is relative to it) that came from `origin`.
 */
export function dataProblem(problem: DataProblem, origin: ConfigOrigin, base = ''): ConfigProblem {
  return {
    path: problem.at === '' ? base : base === '' ? problem.at : `${base}.${problem.at}`,
    rule: problem.rule,
    codeName: dataRuleCode(problem.rule),
    message: problem.message,
    origin,
  };
}

/** The order in which a problem's code becomes the code of the whole error. */
const PRECEDENCE: readonly ErrorCodeName[] = [
  'invalid_config_structure',
  'missing_required_field',
  'config_not_found',
  'invalid_config_value',
  'constraint_violation',
  'range_error',
];

function describeOrigin(origin: ConfigOrigin): string {
  return origin.source === undefined ? origin.layer : `${origin.layer} ${origin.source}`;
}

/** One line for a problem: `path: message (rule, from layer)`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === '' ? '(root)' : problem.path;
  return `${where}: ${problem.message} (${problem.rule}, from ${describeOrigin(problem.origin)})`;
}

/**
 * One FoundationError for a non-empty list of problems: its code is the most structural
 * problem's, its message lists every problem, and its context carries `path` and `rule` of
 * the first one plus the whole `problems` list.
 */
export function problemsError(
  headline: string,
  problems: readonly ConfigProblem[],
  extra: Readonly<Record<string, unknown>> = {},
): FoundationError {
  const codeName =
    PRECEDENCE.find((name) => problems.some((p) => p.codeName === name)) ?? problems[0]!.codeName;
  const first = problems.find((p) => p.codeName === codeName) ?? problems[0]!;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const message = `${headline} (${count}): ${problems.map(formatProblem).join('; ')}`;
  return new FoundationError(codeName, message, {
    context: { ...extra, path: first.path, rule: first.rule, problems: problems.map(toPlain) },
  });
}

function toPlain(problem: ConfigProblem): Record<string, unknown> {
  return {
    path: problem.path,
    rule: problem.rule,
    code: problem.codeName,
    message: problem.message,
    layer: problem.origin.layer,
    ...(problem.origin.source !== undefined && { source: problem.origin.source }),
  };
}
