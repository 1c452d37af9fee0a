import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { inputError } from '../codes.js';
import { parseSourceFile } from '../source.js';
import { applyRules, type Finding } from './rules.js';

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git', '.turbo']);

function listModules(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listModules(path));
    else if (/\.(?:[cm]?ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
      files.push(path);
  }
  return files.sort();
}

/**
 * Reads modules with the TypeScript compiler API and reports error-handling problems (the
 * seed's `suggest_error_handling`), each with file:line, rule id, severity and a proposed
 * rewrite using Foundation's API. Each target is a file or a folder (searched for .ts files,
 * skipping node_modules, dist and coverage).
 *
 * @param targets - Files and folders, relative to `cwd` or absolute.
 * @param cwd - The working directory; findings name files relative to it.
 * @returns Every finding, file by file.
 * @throws FoundationError 3204 when a target does not exist or a module has syntax errors.
 */
export function suggest(targets: readonly string[], cwd: string): Finding[] {
  const files = targets.flatMap((target) => {
    const path = resolve(cwd, target);
    if (!existsSync(path)) throw inputError(target, 'does not exist');
    return statSync(path).isDirectory() ? listModules(path) : [path];
  });
  // Each file parses alone first, so a broken one is named clearly.
  for (const file of files) parseSourceFile(file, cwd);
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  return files.flatMap((file) => {
    const sourceFile = program.getSourceFile(file);
    return sourceFile ? applyRules({ sourceFile, file: relative(cwd, file), checker }) : [];
  });
}
