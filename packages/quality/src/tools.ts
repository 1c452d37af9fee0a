import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TypeScript from 'typescript';
import { qualityError } from './errors.js';

/** The TypeScript compiler API module. */
export type TypeScriptApi = typeof TypeScript;

/**
 * Imports a tool the project itself has installed (so the gates use the project's own
 * TypeScript and ESLint), falling back to the copy this package can resolve.
 */
async function importTool(name: string, fromDir: string): Promise<unknown> {
  let specifier = name;
  try {
    specifier = pathToFileURL(createRequire(join(fromDir, 'package.json')).resolve(name)).href;
  } catch {
    // Not installed in the project: try this package's own resolution below.
  }
  try {
    const loaded = (await import(specifier)) as { default?: unknown };
    return loaded.default ?? loaded;
  } catch (cause) {
    throw qualityError(
      'quality_tool_missing',
      `the gate needs '${name}', which is not installed in ${fromDir}`,
      `Install it: pnpm add -D ${name}`,
      { tool: name, dir: fromDir },
      cause,
    );
  }
}

/**
 * The TypeScript compiler API, from the project when it has one.
 *
 * @param fromDir - the project directory whose `typescript` is preferred
 * @returns the compiler API module
 * @throws FoundationError 8102 (`quality_tool_missing`) when typescript cannot be found or has
 * no JavaScript compiler API (TypeScript 7)
 */
export async function loadTypeScript(fromDir: string): Promise<TypeScriptApi> {
  const loaded = (await importTool('typescript', fromDir)) as Partial<TypeScriptApi>;
  // TypeScript 7 (the native compiler) ships no JavaScript compiler API.
  if (typeof loaded.createProgram !== 'function') {
    throw qualityError(
      'quality_tool_missing',
      `the installed 'typescript' (${String(loaded.version)}) has no compiler API`,
      'Install TypeScript 5 or 6: pnpm add -D typescript@5',
      { tool: 'typescript', dir: fromDir },
    );
  }
  return loaded as TypeScriptApi;
}

/** The part of ESLint's Node API the lint gate uses. */
export interface EslintApi {
  /** ESLint's class. */
  readonly ESLint: new (options: { cwd: string; errorOnUnmatchedPattern?: boolean }) => {
    lintFiles(patterns: string[]): Promise<EslintResult[]>;
  };
}

/** One linted file, as ESLint's Node API reports it. */
export interface EslintResult {
  readonly filePath: string;
  readonly source?: string;
  readonly messages: readonly {
    readonly ruleId: string | null;
    readonly severity: number;
    readonly message: string;
    readonly line?: number;
    readonly fatal?: boolean;
  }[];
  readonly errorCount: number;
  readonly warningCount: number;
}

/**
 * ESLint's Node API, from the project.
 *
 * @throws FoundationError 8102 (`quality_tool_missing`) when eslint cannot be found
 */
export async function loadEslint(fromDir: string): Promise<EslintApi> {
  const loaded = (await importTool('eslint', fromDir)) as Partial<EslintApi>;
  if (typeof loaded.ESLint !== 'function') {
    throw qualityError(
      'quality_tool_missing',
      `the installed 'eslint' has no ESLint class`,
      'Install ESLint 9 or later: pnpm add -D eslint',
      { tool: 'eslint', dir: fromDir },
    );
  }
  return loaded as EslintApi;
}
