import type { Evidence, GateOutcome } from '../model.js';

/** The outcome of a gate that measures packages when the configuration selects none. */
export function noPackagesOutcome(threshold: string): GateOutcome {
  return {
    status: 'skipped',
    threshold,
    measured: 'no packages',
    reason: 'the packages patterns select no package',
    evidence: [],
  };
}

/**
 * The first `max` pieces of evidence, and when some are left out a last line saying how many:
 * the gate's count covers them all, the report lists what a person can read.
 */
export function capEvidence(evidence: readonly Evidence[], max: number): Evidence[] {
  if (evidence.length <= max) return [...evidence];
  return [
    ...evidence.slice(0, max),
    { message: `... ${evidence.length - max} more not listed (the count covers them)` },
  ];
}
