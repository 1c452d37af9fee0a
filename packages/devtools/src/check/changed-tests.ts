import { relative, sep } from 'node:path';
import { findBin, readManifest, type ProjectInfo } from './project.js';
import type { Command } from './run-command.js';
import { parsePlainCall, type PlainCall } from './script.js';

/** The files changed since the merge base, and the base itself. */
export interface ChangedSince {
  /** The merge base commit. */
  readonly mergeBase: string;
  /** The changed files, relative to the project root, with `/` separators. */
  readonly files: readonly string[];
}

/** How the test phase runs under `--changed`: narrowed commands with a note, or a skip. */
export type ChangedTestPlan =
  | { readonly commands: readonly Command[]; readonly note: string }
  | { readonly skipReason: string };

/** The packages `--changed` selects: those holding changed files, and what depends on them. */
export interface ChangedPackages {
  /** Their names, sorted. */
  readonly names: readonly string[];
  /** A changed file outside every named package, which may affect them all. */
  readonly outside?: string;
}

// vitest subcommands that are not a single run of the tests.
const VITEST_OTHER_MODES = new Set(['watch', 'dev', 'related', 'bench', 'init', 'list']);
const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
];

interface WorkspacePackage {
  readonly rel: string;
  readonly name: string | undefined;
  readonly dependsOn: readonly string[];
}

function workspacePackages(project: ProjectInfo): WorkspacePackage[] {
  return project.workspaces.map((dir) => {
    const manifest = readManifest(dir);
    const dependsOn = DEPENDENCY_FIELDS.flatMap((field) => {
      const deps = manifest?.[field];
      return typeof deps === 'object' && deps !== null ? Object.keys(deps) : [];
    });
    return {
      rel: relative(project.root, dir).split(sep).join('/'),
      name: typeof manifest?.name === 'string' ? manifest.name : undefined,
      dependsOn,
    };
  });
}

/**
 * The workspace packages that hold changed files, and every package that depends on them (their
 * tests may break too). Documentation (`*.md`) outside the packages changes nothing; any other
 * file outside them (a shared config, the lockfile) is reported as `outside`.
 *
 * @param project - The project, with its workspace folders.
 * @param files - The changed files, relative to the project root.
 * @returns The selected package names, and the first changed file outside every package.
 */
export function changedPackages(project: ProjectInfo, files: readonly string[]): ChangedPackages {
  const packages = workspacePackages(project);
  const selected = new Set<string>();
  let outside: string | undefined;
  for (const file of files) {
    const owner = packages
      .filter((p) => file.startsWith(`${p.rel}/`))
      .sort((a, b) => b.rel.length - a.rel.length)[0];
    if (owner?.name !== undefined) selected.add(owner.name);
    else if (!/\.md$/i.test(file)) outside ??= file;
  }
  // Dependents, transitively: a change to a library reaches the tests of what uses it.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of packages) {
      if (p.name === undefined || selected.has(p.name)) continue;
      if (p.dependsOn.some((d) => selected.has(d))) {
        selected.add(p.name);
        grew = true;
      }
    }
  }
  return { names: [...selected].sort(), ...(outside !== undefined && { outside }) };
}

/**
 * The note of a test phase that vitest narrowed with `--changed`.
 *
 * @param changed - The merge base and the changed files.
 * @returns The note, naming the merge base.
 */
export function vitestChangedNote(changed: ChangedSince): string {
  return `--changed: vitest ran the tests related to files changed since ${changed.mergeBase.slice(0, 12)}`;
}

function vitestChanged(
  call: PlainCall,
  bin: string,
  root: string,
  changed: ChangedSince,
): ChangedTestPlan | string {
  const [mode] = call.args;
  if (mode !== undefined && VITEST_OTHER_MODES.has(mode))
    return `the test:unit script runs 'vitest ${mode}'`;
  if (call.args.some((a) => /^--(?:changed|related)\b/.test(a)))
    return 'the test:unit script already narrows the tests';
  const args = mode === 'run' ? call.args : ['run', ...call.args];
  return {
    commands: [
      { command: bin, args: [...args, '--changed', changed.mergeBase], cwd: root, env: call.env },
    ],
    note: vitestChangedNote(changed),
  };
}

function turboChanged(
  call: PlainCall,
  bin: string,
  project: ProjectInfo,
  changed: ChangedSince,
): ChangedTestPlan | string {
  if (call.args.some((a) => /^(?:--filter|-F|--affected)\b/.test(a)))
    return 'the test:unit script already selects packages';
  const { names, outside } = changedPackages(project, changed.files);
  if (outside !== undefined) return `${outside} is outside every package and may affect them all`;
  if (names.length === 0) return { skipReason: 'no package changed since the merge base' };
  // Filters go before `--`, after which turbo hands the arguments to the tasks.
  const end = call.args.indexOf('--');
  const before = end === -1 ? call.args : call.args.slice(0, end);
  const after = end === -1 ? [] : call.args.slice(end);
  const args = [...before, ...names.map((name) => `--filter=${name}`), ...after];
  return {
    commands: [{ command: bin, args, cwd: project.root, env: call.env }],
    note: `--changed: tests of the changed packages and their dependents (${names.join(', ')})`,
  };
}

/**
 * Narrows the `test:unit` script to what changed since the merge base, when it is one plain
 * call of a tool that can narrow: `vitest` gets `--changed <base>` (the tests related to the
 * changed files); `turbo` gets a `--filter` per changed package and its dependents. Any other
 * script runs as it is, all tests, and the note says why.
 *
 * @param project - The project whose `test:unit` script runs.
 * @param script - The `test:unit` script's text.
 * @param changed - The merge base and the files changed since it.
 * @returns The commands with a note saying how they were narrowed, or why the phase is skipped.
 */
export function planChangedTests(
  project: ProjectInfo,
  script: string,
  changed: ChangedSince,
): ChangedTestPlan {
  const call = parsePlainCall(script);
  const bin = call && findBin(project.root, call.tool);
  let plan: ChangedTestPlan | string;
  if (call === undefined) plan = 'the test:unit script is not one plain command';
  else if (bin === undefined) plan = `${call.tool} is not installed in the project`;
  else if (call.tool === 'vitest') plan = vitestChanged(call, bin, project.root, changed);
  else if (call.tool === 'turbo') plan = turboChanged(call, bin, project, changed);
  else plan = `the test:unit script runs ${call.tool}, which cannot narrow tests`;
  if (typeof plan !== 'string') return plan;
  return {
    commands: [{ command: project.packageManager, args: ['run', 'test:unit'], cwd: project.root }],
    note: `--changed does not apply: ${plan}; all tests ran`,
  };
}
