import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { planChangedTests, vitestChangedNote, type ChangedSince } from './changed-tests.js';
import { firstExisting, findBin, readManifest, scriptsOf, type ProjectInfo } from './project.js';
import type { Command } from './run-command.js';

/** The phases of `foundation-dev check`, in the order they run. */
export const PHASE_IDS = ['format', 'lint', 'typecheck', 'smoke', 'test'] as const;

/** One phase's id. */
export type PhaseId = (typeof PHASE_IDS)[number];

/** The seed's budgets: the compile phase under 30 s, smoke under a minute. */
export const PHASE_BUDGETS_MS: Readonly<Partial<Record<PhaseId, number>>> = {
  typecheck: 30_000,
  smoke: 60_000,
};

/** A phase as planned: the commands to run, or why it is skipped. */
export interface PlannedPhase {
  /** The phase. */
  readonly id: PhaseId;
  /** What it does, for people. */
  readonly title: string;
  /** The commands, run in order (several for one tsc per project). */
  readonly commands: readonly Command[];
  /** Why the phase is skipped (no config, no tool, nothing changed). */
  readonly skipReason?: string;
  /** A note shown with the result (such as `--changed` not applying). */
  readonly note?: string;
}

/** What the planner needs besides the project. */
export interface PlanOptions {
  /** The merge base and the files changed since it, when `--changed` is given. */
  readonly changed?: ChangedSince;
}

const PRETTIER_CONFIGS = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  '.prettierrc.js',
  '.prettierrc.cjs',
  '.prettierrc.mjs',
  '.prettierrc.toml',
  'prettier.config.js',
  'prettier.config.cjs',
  'prettier.config.mjs',
  'prettier.config.ts',
];
const ESLINT_CONFIGS = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  'eslint.config.mts',
  'eslint.config.cts',
];
const VITEST_CONFIGS = [
  'vitest.config.ts',
  'vitest.config.mts',
  'vitest.config.js',
  'vitest.config.mjs',
  'vitest.workspace.ts',
  'vitest.workspace.js',
];
const LINTABLE = /\.(?:[cm]?[jt]sx?)$/;

function skipped(id: PhaseId, title: string, skipReason: string): PlannedPhase {
  return { id, title, commands: [], skipReason };
}

function planFormat(project: ProjectInfo): PlannedPhase {
  const title = 'format (prettier --check)';
  const hasConfig =
    firstExisting(project.root, PRETTIER_CONFIGS) !== undefined ||
    readManifest(project.root)?.prettier !== undefined;
  if (!hasConfig) return skipped('format', title, 'no prettier configuration');
  const bin = findBin(project.root, 'prettier');
  if (!bin) return skipped('format', title, 'prettier is not installed');
  return {
    id: 'format',
    title,
    commands: [{ command: bin, args: ['--check', '.'], cwd: project.root }],
  };
}

function planLint(project: ProjectInfo, options: PlanOptions): PlannedPhase {
  const title = 'lint (eslint, zero warnings)';
  if (!firstExisting(project.root, ESLINT_CONFIGS))
    return skipped('lint', title, 'no eslint.config.* file');
  const bin = findBin(project.root, 'eslint');
  if (!bin) return skipped('lint', title, 'eslint is not installed');
  let targets = ['.'];
  if (options.changed) {
    targets = options.changed.files.filter(
      (f) => LINTABLE.test(f) && existsSync(join(project.root, f)),
    );
    if (targets.length === 0) return skipped('lint', title, 'no changed files to lint');
    // A file named on the command line that the config ignores (a .d.ts, a build output) is a
    // warning to ESLint, which --max-warnings=0 would turn into a failure.
    targets = ['--no-warn-ignored', ...targets];
  }
  return {
    id: 'lint',
    title,
    commands: [{ command: bin, args: ['--max-warnings=0', ...targets], cwd: project.root }],
  };
}

function planTypecheck(project: ProjectInfo): PlannedPhase {
  const title = 'compile and type check (tsc --noEmit per project)';
  const bin = findBin(project.root, 'tsc');
  const projects = [project.root, ...project.workspaces].filter((dir) =>
    existsSync(join(dir, 'tsconfig.json')),
  );
  if (projects.length === 0) return skipped('typecheck', title, 'no tsconfig.json');
  if (!bin) return skipped('typecheck', title, 'typescript is not installed');
  return {
    id: 'typecheck',
    title,
    commands: projects.map((dir) => ({
      command: bin,
      args: ['--noEmit', '-p', relative(project.root, join(dir, 'tsconfig.json'))],
      cwd: project.root,
    })),
  };
}

function planSmoke(project: ProjectInfo): PlannedPhase {
  const title = 'smoke tests (the `smoke` scripts)';
  const dirs = [project.root, ...project.workspaces].filter((dir) =>
    dir === project.root
      ? project.scripts.smoke !== undefined
      : scriptsOf(readManifest(dir)).smoke !== undefined,
  );
  if (dirs.length === 0) return skipped('smoke', title, 'no package has a `smoke` script');
  return {
    id: 'smoke',
    title,
    commands: dirs.map((dir) => ({
      command: project.packageManager,
      args: ['run', 'smoke'],
      cwd: dir,
    })),
  };
}

function planTests(project: ProjectInfo, options: PlanOptions): PlannedPhase {
  const title = 'unit tests (vitest)';
  const { changed } = options;
  const script = project.scripts['test:unit'];
  if (script !== undefined) {
    if (changed)
      return { id: 'test', title, commands: [], ...planChangedTests(project, script, changed) };
    return {
      id: 'test',
      title,
      commands: [
        { command: project.packageManager, args: ['run', 'test:unit'], cwd: project.root },
      ],
    };
  }
  if (!firstExisting(project.root, VITEST_CONFIGS))
    return skipped('test', title, 'no test:unit script and no vitest config');
  const bin = findBin(project.root, 'vitest');
  if (!bin) return skipped('test', title, 'vitest is not installed');
  return {
    id: 'test',
    title,
    commands: [
      {
        command: bin,
        args: ['run', ...(changed ? ['--changed', changed.mergeBase] : [])],
        cwd: project.root,
      },
    ],
    ...(changed && { note: vitestChangedNote(changed) }),
  };
}

/**
 * Plans the phases for a project: each with its commands, or the reason it is skipped (a
 * phase the project lacks is skipped, never passed).
 *
 * @param project - The project, from `readProject`.
 * @param options - The merge base and changed files, with `--changed`.
 * @returns The five phases in order, each with its commands or its skip reason.
 */
export function planPhases(project: ProjectInfo, options: PlanOptions = {}): PlannedPhase[] {
  return [
    planFormat(project),
    planLint(project, options),
    planTypecheck(project),
    planSmoke(project),
    planTests(project, options),
  ];
}
