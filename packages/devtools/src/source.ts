import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { inputError } from './codes.js';

/** A parsed TypeScript module. */
export interface ParsedSource {
  /** The absolute path. */
  readonly path: string;
  /** The file's text. */
  readonly text: string;
  /** The syntax tree, with parent links set. */
  readonly sourceFile: ts.SourceFile;
}

/**
 * Reads and parses a TypeScript file, refusing one that cannot be read or has syntax errors
 * (a FoundationError 3204 naming the file, and the first error's line).
 *
 * @param file - The file, relative to `cwd` or absolute.
 * @param cwd - The working directory.
 * @returns The absolute path, the text and the syntax tree.
 * @throws FoundationError 3204 naming the file when it cannot be read or does not parse.
 */
export function parseSourceFile(file: string, cwd: string): ParsedSource {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw inputError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseSourceText(text, path, file);
}

/**
 * Parses TypeScript text; `label` names it in errors.
 *
 * @param text - The TypeScript text.
 * @param path - The absolute path it stands for.
 * @param label - How errors name it. Default `path`.
 * @returns The path, the text and the syntax tree.
 * @throws FoundationError 3204 naming `label` at the first syntax error.
 */
export function parseSourceText(text: string, path: string, label = path): ParsedSource {
  const sourceFile = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, types: [] };
  // With no lib and no resolution, the program asks the host for this one file only.
  const host = ts.createCompilerHost(options, true);
  host.getSourceFile = () => sourceFile;
  const program = ts.createProgram({ rootNames: [path], options, host });
  const [first] = program.getSyntacticDiagnostics(sourceFile);
  if (first) {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(first.start);
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    throw inputError(label, `has a syntax error at ${line + 1}:${character + 1}: ${message}`);
  }
  return { path, text, sourceFile };
}

/**
 * True when `node` carries the `export` modifier.
 *
 * @param node - A statement or declaration.
 * @returns Whether it is exported.
 */
export function isExported(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/**
 * The 1-based line of `node`'s start.
 *
 * @param node - A node of `sourceFile`.
 * @param sourceFile - Its module.
 * @returns The line number, from 1.
 */
export function lineOf(node: ts.Node, sourceFile: ts.SourceFile): number {
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}
