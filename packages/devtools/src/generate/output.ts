import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type * as Prettier from 'prettier';
import { inputError } from '../codes.js';

/** One file a generator made, its path relative to the output folder. */
export interface GeneratedFile {
  /** The path under the output folder, such as `payments.ts`. */
  readonly path: string;
  /** The file's text. */
  readonly content: string;
}

/** Where and how generated files are written. */
export interface OutputOptions {
  /** The working directory; relative output folders must stay inside it. */
  readonly cwd: string;
  /** The output folder: relative to `cwd`, or absolute (an explicit choice). Default `cwd`. */
  readonly out?: string;
  /** Overwrite files that exist. Default false: an existing file refuses the whole set. */
  readonly force?: boolean;
  /** Report what would be written, and write nothing. */
  readonly dryRun?: boolean;
}

/** What happened to one generated file. */
export interface WrittenFile {
  /** The absolute path. */
  readonly path: string;
  /** `created`, `overwritten`, or with a dry run `would create` / `would overwrite`. */
  readonly action: 'created' | 'overwritten' | 'would create' | 'would overwrite';
  /** The file's text. */
  readonly content: string;
}

/**
 * Resolves the output folder, refusing a relative one that leaves the working directory.
 *
 * @param cwd - The working directory.
 * @param out - The `--out` value; the working directory when undefined.
 * @returns The absolute output folder.
 * @throws FoundationError 3204 naming `--out` when a relative folder leaves the working directory.
 */
export function resolveOutDir(cwd: string, out: string | undefined): string {
  if (out === undefined) return resolve(cwd);
  if (isAbsolute(out)) return out;
  const dir = resolve(cwd, out);
  const rel = relative(resolve(cwd), dir);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw inputError(
      '--out',
      `'${out}' is outside the working directory (give an absolute path to mean it)`,
    );
  }
  return dir;
}

/**
 * Formats with the project's prettier when it is installed; the text as it is otherwise.
 *
 * @param content - The generated text.
 * @param filePath - Where it will be written (selects the parser and the configuration).
 * @returns The formatted text, or the text as it is without prettier.
 */
export async function formatWithPrettier(content: string, filePath: string): Promise<string> {
  let prettier: typeof Prettier;
  try {
    prettier = await import('prettier');
  } catch {
    return content;
  }
  const config = (await prettier.resolveConfig(filePath)) ?? {};
  return prettier.format(content, { ...config, filepath: filePath });
}

/**
 * Writes generated files all or nothing: every target is checked first (inside the output
 * folder; not existing unless `force`), then the files are formatted with prettier (when the
 * project has it) and written.
 *
 * @param files - The generated files, with paths under the output folder.
 * @param options - The working directory, the output folder, `force` and `dryRun`.
 * @returns What happened to each file.
 * @throws FoundationError 3204 (`invalid_input`) naming the file or `--out` and the rule;
 * nothing is written then.
 */
export async function writeGenerated(
  files: readonly GeneratedFile[],
  options: OutputOptions,
): Promise<WrittenFile[]> {
  const outDir = resolveOutDir(options.cwd, options.out);
  const planned = files.map((file) => {
    const path = resolve(outDir, file.path);
    const rel = relative(outDir, path);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw inputError(file.path, 'leaves the output folder');
    const exists = existsSync(path);
    if (exists && options.force !== true) {
      throw inputError(relative(options.cwd, path), 'exists (pass --force to overwrite)');
    }
    return { path, exists, file };
  });
  const written: WrittenFile[] = [];
  for (const { path, exists, file } of planned) {
    const content = await formatWithPrettier(file.content, path);
    if (options.dryRun === true) {
      written.push({ path, action: exists ? 'would overwrite' : 'would create', content });
      continue;
    }
    written.push({ path, action: exists ? 'overwritten' : 'created', content });
  }
  if (options.dryRun !== true) {
    for (const file of written) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.content);
    }
  }
  return written;
}
