import { systemClock, type Clock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import { gateFinishedChannel, gateStartedChannel } from './channels.js';
import type { ResolvedConfig } from './config/validate.js';
import { validateConfig } from './config/validate.js';
import type { QualityConfig } from './config/types.js';
import { isQualityInputError, qualityError } from './errors.js';
import { apiGate } from './gates/api.js';
import { coverageGate } from './gates/coverage.js';
import { dependenciesGate } from './gates/dependencies.js';
import { docsGate } from './gates/docs.js';
import { lintGate } from './gates/lint.js';
import { performanceGate } from './gates/performance.js';
import { secretsGate } from './gates/secrets.js';
import { typesGate } from './gates/types.js';
import {
  REPORT_SCHEMA_VERSION,
  type Gate,
  type GateContext,
  type GateResult,
  type QualityReport,
} from './model.js';
import { resolvePackageDirs } from './packages.js';
import { resolve } from 'node:path';

/** The built-in gates, in the order they run. */
export const BUILT_IN_GATES = [
  'types',
  'lint',
  'docs',
  'secrets',
  'api',
  'coverage',
  'dependencies',
  'performance',
] as const;

/** The name of a built-in gate. */
export type BuiltInGateName = (typeof BUILT_IN_GATES)[number];

/** Options of {@link runGates}. */
export interface RunGatesOptions {
  /** The project root (default: the config's `rootDir` against `process.cwd()`). */
  readonly rootDir?: string;
  /** Run only these gates (built-in or your own), in the usual order. */
  readonly only?: readonly string[];
  /** Your own gates, run after the built-in ones. */
  readonly gates?: readonly Gate[];
  /** Cancels the run. */
  readonly signal?: AbortSignal;
  /** The clock that times the run (default `systemClock`). */
  readonly clock?: Clock;
  /** Called when a gate starts and when it finishes (the CLI shows progress with it). */
  readonly onProgress?: (event: GateProgress) => void;
}

/** A progress event of {@link runGates}. */
export type GateProgress =
  | {
      readonly phase: 'start';
      readonly gate: string;
      readonly index: number;
      readonly total: number;
    }
  | {
      readonly phase: 'end';
      readonly result: GateResult;
      readonly index: number;
      readonly total: number;
    };

function builtInGate(name: BuiltInGateName, gates: ResolvedConfig['gates']): Gate | undefined {
  switch (name) {
    case 'coverage':
      return gates.coverage && coverageGate(gates.coverage);
    case 'types':
      return gates.types && typesGate(gates.types);
    case 'lint':
      return gates.lint && lintGate(gates.lint);
    case 'docs':
      return gates.docs && docsGate(gates.docs);
    case 'secrets':
      return gates.secrets && secretsGate(gates.secrets);
    case 'api':
      return gates.api && apiGate(gates.api);
    case 'dependencies':
      return gates.dependencies && dependenciesGate(gates.dependencies);
    case 'performance':
      return gates.performance && performanceGate(gates.performance);
  }
}

/** The gates a configuration turns on, filtered by `only`, built-in first. */
export function selectGates(
  config: ResolvedConfig,
  only: readonly string[] | undefined,
  custom: readonly Gate[] = [],
): Gate[] {
  const selected: Gate[] = [];
  for (const name of BUILT_IN_GATES) {
    const gate = builtInGate(name, config.gates);
    if (gate !== undefined) selected.push(gate);
  }
  selected.push(...custom);
  const names = new Set<string>();
  for (const gate of selected) {
    if (names.has(gate.name)) {
      throw qualityError(
        'quality_config_invalid',
        `two gates are named '${gate.name}'`,
        'Give each custom gate a unique name',
        { gate: gate.name },
      );
    }
    names.add(gate.name);
  }
  if (only === undefined) return selected;
  for (const name of only) {
    if (!names.has(name)) {
      throw qualityError(
        'quality_config_invalid',
        `--only names '${name}', which is not a configured gate (configured: ${[...names].join(', ') || 'none'})`,
        'Turn it on under gates in the quality config or fix the name',
        { path: 'only', gate: name },
      );
    }
  }
  return selected.filter((gate) => only.includes(gate.name));
}

/**
 * Runs every configured gate in order and returns the report. Gates that fail are reported;
 * a gate that cannot measure (a missing tool, an unreadable input) stops the run with its
 * FoundationError and no report, so nothing incomplete passes for complete.
 *
 * @param config - the quality configuration (validated here)
 * @param options - root, gate selection, custom gates, cancellation, clock and progress
 * @returns the report, with `verdict: 'failed'` when any gate failed
 * @throws FoundationError 8101 (`quality_config_invalid`) for a bad config or `only`; 8102,
 * 8103, 8104 from a gate that cannot measure; 8105 when a gate throws anything else
 */
export async function runGates(
  config: QualityConfig,
  options: RunGatesOptions = {},
): Promise<QualityReport> {
  const resolved = validateConfig(config, 'config');
  return runResolvedGates(resolved, resolve(options.rootDir ?? resolved.rootDir ?? '.'), options);
}

/** {@link runGates} for an already validated configuration. */
export async function runResolvedGates(
  config: ResolvedConfig,
  rootDir: string,
  options: RunGatesOptions = {},
): Promise<QualityReport> {
  const clock = options.clock ?? systemClock;
  const gates = selectGates(config, options.only, options.gates);
  const context: GateContext = {
    rootDir,
    packageDirs: resolvePackageDirs(rootDir, config.packages),
    signal: options.signal ?? new AbortController().signal,
    clock,
  };
  const startedAt = new Date(clock.wallMs()).toISOString();
  const runStart = clock.nowMs();
  const results: GateResult[] = [];
  for (const [index, gate] of gates.entries()) {
    context.signal.throwIfAborted();
    options.onProgress?.({ phase: 'start', gate: gate.name, index, total: gates.length });
    if (gateStartedChannel.hasSubscribers) gateStartedChannel.publish({ gate: gate.name });
    const start = clock.nowMs();
    let outcome;
    try {
      outcome = await gate.run(context);
    } catch (error) {
      if (isQualityInputError(error)) throw error;
      if (context.signal.aborted) throw error;
      throw new FoundationError(
        'quality_gate_crashed',
        `gate '${gate.name}' threw: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, context: { gate: gate.name } },
      );
    }
    const result: GateResult = { name: gate.name, ...outcome, durationMs: clock.nowMs() - start };
    results.push(result);
    if (gateFinishedChannel.hasSubscribers) gateFinishedChannel.publish({ result });
    options.onProgress?.({ phase: 'end', result, index, total: gates.length });
  }
  const count = (status: GateResult['status']): number =>
    results.filter((r) => r.status === status).length;
  const summary = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  return {
    schema: 'foundation-quality-report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    rootDir,
    startedAt,
    durationMs: clock.nowMs() - runStart,
    verdict: summary.failed > 0 ? 'failed' : 'passed',
    summary,
    gates: results,
  };
}
