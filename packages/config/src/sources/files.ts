/**
 * The file layer: JSON and YAML files read in order (later files win), with size, depth and
 * key checks before anything reaches the configuration.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
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

/**
 * What reading one file gave: its text; that it is absent; that it was refused before being
 * read (not a regular file, or over the size limit); or why it could not be read.
 */
export type FileRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'missing' }
  | {
      readonly kind: 'refused';
      readonly rule: 'regular_file' | 'max_size';
      readonly message: string;
    }
  | { readonly kind: 'failed'; readonly message: string };

/** Normalizes a files option entry. */
export function toFileSource(entry: string | FileSource): FileSource {
  return typeof entry === 'string' ? { path: entry } : entry;
}

function fromError(error: unknown): FileRead {
  if ((error as { code?: unknown }).code === 'ENOENT') return { kind: 'missing' };
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

// O_NONBLOCK: opening a FIFO that appeared after the stat must not wait for a writer (it is
// then refused by the fstat); regular files ignore the flag.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;
const CHUNK_BYTES = 64 * 1024;

/**
 * Why a file must not be read, from its stat, or undefined when it may be: only regular files
 * (a FIFO would block forever, `/dev/zero` never ends, a directory has no text), and only up to
 * `maxBytes` (a size known before reading costs nothing to refuse).
 */
function refusal(stats: Stats, maxBytes: number): FileRead | undefined {
  if (!stats.isFile()) {
    return {
      kind: 'refused',
      rule: 'regular_file',
      message: 'not a regular file (a directory, FIFO, socket or device); refused before reading',
    };
  }
  return stats.size > maxBytes ? tooLarge(maxBytes) : undefined;
}

function tooLarge(maxBytes: number): FileRead {
  return {
    kind: 'refused',
    rule: 'max_size',
    message: `the file is larger than ${maxBytes} bytes`,
  };
}

/** Decodes what was read, or refuses it when the file grew past the limit while being read. */
function finish(chunks: Buffer[], total: number, maxBytes: number): FileRead {
  if (total > maxBytes) return tooLarge(maxBytes);
  return { kind: 'text', text: Buffer.concat(chunks, total).toString('utf8') };
}

/** Reads one file synchronously: stat, open, fstat, then at most `maxBytes + 1` bytes. */
function readOneSync(path: string, maxBytes: number): FileRead {
  const early = refusal(statSync(path), maxBytes);
  if (early) return early;
  const fd = openSync(path, OPEN_FLAGS);
  try {
    // The path may have been swapped between the stat and the open: check what was opened.
    const late = refusal(fstatSync(fd), maxBytes);
    if (late) return late;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) break;
    }
    return finish(chunks, total, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** Reads one file without blocking, with the same checks as {@link readOneSync}. */
async function readOne(path: string, maxBytes: number, signal?: AbortSignal): Promise<FileRead> {
  const early = refusal(await stat(path), maxBytes);
  if (early) return early;
  const handle = await open(path, OPEN_FLAGS);
  try {
    const late = refusal(await handle.stat(), maxBytes);
    if (late) return late;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) break;
    }
    return finish(chunks, total, maxBytes);
  } finally {
    await handle.close();
  }
}

/**
 * Reads every file synchronously (start-up). Each is checked before it is read: only regular
 * files, at most `maxBytes` (read as at most `maxBytes + 1` bytes, so a file growing meanwhile
 * is caught too).
 */
export function readFilesSync(files: readonly FileSource[], maxBytes: number): FileRead[] {
  return files.map((file) => {
    try {
      return readOneSync(file.path, maxBytes);
    } catch (error) {
      return fromError(error);
    }
  });
}

/** Reads every file without blocking (reload), checked as by {@link readFilesSync}; gives up when `signal` aborts. */
export async function readFiles(
  files: readonly FileSource[],
  maxBytes: number,
  signal?: AbortSignal,
): Promise<FileRead[]> {
  return Promise.all(
    files.map(async (file): Promise<FileRead> => {
      try {
        return await readOne(file.path, maxBytes, signal);
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
