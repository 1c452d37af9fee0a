/** How much each kind of lint finding weighs in the {@link lintScore}. */
export const LINT_WEIGHTS = Object.freeze({ fatal: 10, error: 5, warning: 1 });

/** Lint finding counts and the size of the code they were found in. */
export interface LintCounts {
  /** Parse failures (a file ESLint could not read). */
  readonly fatal: number;
  /** Rule errors (fatal ones excluded). */
  readonly errors: number;
  /** Rule warnings. */
  readonly warnings: number;
  /** Lines of code linted. */
  readonly lines: number;
}

/**
 * The lint score: 100 minus the weighted findings per 1000 lines (fatal 10, error 5,
 * warning 1), floored at 0 and rounded to one decimal. One error in 1000 lines scores 95;
 * clean code scores 100 whatever its size. With no lines at all, the score is 100 when there
 * are no findings and 0 otherwise.
 *
 * @param counts - the findings and the lines they were found in
 * @returns the score, 0 to 100
 */
export function lintScore(counts: LintCounts): number {
  const weighted =
    counts.fatal * LINT_WEIGHTS.fatal +
    counts.errors * LINT_WEIGHTS.error +
    counts.warnings * LINT_WEIGHTS.warning;
  if (weighted === 0) return 100;
  if (counts.lines <= 0) return 0;
  const score = 100 - (weighted * 1000) / counts.lines;
  return Math.max(0, Math.round(score * 10) / 10);
}
