import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `check` knows about the project it runs in. */
export interface ProjectInfo {
  /** The project's root folder. */
  readonly root: string;
  /** The package manager that runs scripts: pnpm when there is a pnpm lockfile, else npm. */
  readonly packageManager: 'pnpm' | 'npm';
  /** The root package.json's scripts. */
  readonly scripts: Readonly<Record<string, string>>;
  /** The workspace package folders (absolute), root excluded. */
  readonly workspaces: readonly string[];
}

/**
 * Reads a package.json's fields, or nothing when there is none or it is not JSON.
 *
 * @param dir - The folder holding the package.json.
 * @returns Its fields, or undefined when it is missing, unreadable, not JSON or not an object.
 */
export function readManifest(dir: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A manifest's scripts (string values only).
 *
 * @param manifest - The package.json fields, or undefined.
 * @returns Each script name with its command; non-string values are left out.
 */
export function scriptsOf(manifest: Record<string, unknown> | undefined): Record<string, string> {
  const scripts = manifest?.scripts;
  if (typeof scripts !== 'object' || scripts === null) return {};
  return Object.fromEntries(
    Object.entries(scripts as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * The workspace globs: pnpm-workspace.yaml's `packages` list, or package.json `workspaces`.
 *
 * @param root - The project root.
 * @param manifest - The root package.json fields, read for `workspaces`.
 * @returns The globs as written, `!` exclusions included; empty when there are none.
 */
export function workspaceGlobs(
  root: string,
  manifest: Record<string, unknown> | undefined,
): string[] {
  const yamlPath = join(root, 'pnpm-workspace.yaml');
  if (existsSync(yamlPath)) {
    const globs: string[] = [];
    let inPackages = false;
    for (const line of readFileSync(yamlPath, 'utf8').split('\n')) {
      if (/^packages:\s*$/.test(line)) inPackages = true;
      else if (/^\S/.test(line)) inPackages = false;
      else if (inPackages) {
        const match = /^\s*-\s*['"]?([^'"#]+?)['"]?\s*$/.exec(line);
        if (match) globs.push(match[1]!);
      }
    }
    return globs;
  }
  const workspaces = manifest?.workspaces;
  if (Array.isArray(workspaces))
    return workspaces.filter((w): w is string => typeof w === 'string');
  return [];
}

/**
 * Expands the simple globs workspaces use (`dir/*` and plain folders); `!` globs exclude.
 *
 * @param root - The project root the globs are relative to.
 * @param globs - The workspace globs.
 * @returns The absolute folders holding a package.json, sorted, exclusions removed.
 */
export function expandWorkspaces(root: string, globs: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*') || glob.endsWith('/**')) {
      const parent = join(root, glob.replace(/\/\*\*?$/, ''));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        const dir = join(parent, entry.name);
        if (entry.isDirectory() && existsSync(join(dir, 'package.json'))) dirs.add(dir);
      }
    } else if (existsSync(join(root, glob, 'package.json'))) {
      dirs.add(join(root, glob));
    }
  }
  const excluded = globs.filter((g) => g.startsWith('!')).map((g) => join(root, g.slice(1)));
  return [...dirs].filter((d) => !excluded.includes(d)).sort();
}

/** Reads what `check` needs to know about the project at `root`.
 *
 * @param root - The project root.
 * @returns The package manager, the root scripts and the workspace package folders.
 */
export function readProject(root: string): ProjectInfo {
  const manifest = readManifest(root);
  return {
    root,
    packageManager:
      existsSync(join(root, 'pnpm-lock.yaml')) || existsSync(join(root, 'pnpm-workspace.yaml'))
        ? 'pnpm'
        : 'npm',
    scripts: scriptsOf(manifest),
    workspaces: expandWorkspaces(root, workspaceGlobs(root, manifest)),
  };
}

/**
 * The first of `names` that exists in `dir`, or undefined.
 *
 * @param dir - The folder to look in.
 * @param names - File names, in order of preference.
 * @returns The first name found, or undefined.
 */
export function firstExisting(dir: string, names: readonly string[]): string | undefined {
  return names.find((name) => existsSync(join(dir, name)));
}

/**
 * The path of a tool installed in the project (`node_modules/.bin/<name>`), or undefined.
 *
 * @param root - The project root.
 * @param name - The tool, such as `eslint`.
 * @returns The absolute path of its executable, or undefined when it is not installed.
 */
export function findBin(root: string, name: string): string | undefined {
  const path = join(root, 'node_modules', '.bin', name);
  return existsSync(path) ? path : undefined;
}
