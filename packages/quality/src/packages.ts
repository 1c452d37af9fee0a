import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readJsonInput } from './json-input.js';

/**
 * The package directories the patterns select: `dir/*` is every child of `dir` with a
 * package.json, anything else one directory. Absolute and sorted, without duplicates.
 */
export function resolvePackageDirs(rootDir: string, patterns: readonly string[]): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = resolve(rootDir, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        const dir = join(parent, entry.name);
        if (entry.isDirectory() && existsSync(join(dir, 'package.json'))) found.add(dir);
      }
    } else {
      const dir = resolve(rootDir, pattern);
      if (existsSync(join(dir, 'package.json'))) found.add(dir);
    }
  }
  return [...found].sort();
}

/** A package's name from its package.json (its directory name when it has none). */
export function packageName(dir: string): string {
  const file = join(dir, 'package.json');
  const manifest = readJsonInput(file, file, 'Fix the package manifest');
  const name =
    typeof manifest === 'object' && manifest !== null
      ? (manifest as { name?: unknown }).name
      : undefined;
  return typeof name === 'string' ? name : relativeName(dir);
}

function relativeName(dir: string): string {
  return dir.split(/[\\/]/).pop() ?? dir;
}

/** A path relative to the root, with forward slashes, for evidence. */
export function relativePath(rootDir: string, path: string): string {
  return relative(rootDir, path).split('\\').join('/');
}
