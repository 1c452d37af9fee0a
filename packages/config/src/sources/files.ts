/**
 * The file layer: JSON and YAML files read in order (later files win), with size, depth and
 * key checks before anything reaches the configuration.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';

/** A configuration file to read. */
export interface FileSource {
  /** The file's path. */
  readonly path: string;
  /** When true, a missing file is skipped instead of being a problem. */
  readonly optional?: boolean;
  /** The format; by default from the extension (`.json`, `.yaml`, `.yml`). */
  readonly format?: 'json' | 'yaml';
}

/** What reading one file gave: its text, or that it is absent, or why it could not be read. */
export type FileRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly message: string };

/** Normalizes a files option entry. */
export function toFileSource(entry: string | FileSource): FileSource {
  return typeof entry === 'string' ? { path: entry } : entry;
}

function fromError(error: unknown): FileRead {
  if ((error as { code?: unknown }).code === 'ENOENT') return { kind: 'missing' };
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/** Reads every file synchronously (start-up). */
export function readFilesSync(files: readonly FileSource[]): FileRead[] {
  return files.map((file) => {
    try {
      return { kind: 'text', text: readFileSync(file.path, 'utf8') };
    } catch (error) {
      return fromError(error);
    }
  });
}

/** Reads every file without blocking (reload); gives up when `signal` aborts. */
export async function readFiles(
  files: readonly FileSource[],
  signal?: AbortSignal,
): Promise<FileRead[]> {
  return Promise.all(
    files.map(async (file): Promise<FileRead> => {
      try {
        return { kind: 'text', text: await readFile(file.path, { encoding: 'utf8', signal }) };
      } catch (error) {
        if (signal?.aborted) throw error;
        return fromError(error);
      }
    }),
  );
}

/** Parses a file's text by its format; the result is unchecked data or a syntax message. */
export function parseFileText(
  file: FileSource,
  text: string,
): { ok: true; data: unknown } | { ok: false; rule: string; message: string } {
  const format = file.format ?? formatOf(file.path);
  if (format === undefined) {
    return { ok: false, rule: 'file_format', message: 'unknown file format (use .json or .yaml)' };
  }
  if (format === 'json') {
    try {
      return { ok: true, data: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, rule: 'json_syntax', message: (error as Error).message };
    }
  }
  // parseDocument never logs: errors are collected on the document and reported by us.
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const first = document.errors[0];
  if (first) return { ok: false, rule: 'yaml_syntax', message: first.message };
  try {
    return { ok: true, data: document.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    return { ok: false, rule: 'yaml_syntax', message: (error as Error).message };
  }
}

function formatOf(path: string): 'json' | 'yaml' | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}
