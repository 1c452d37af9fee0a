import { mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { CliIo } from '../src/cli/io.js';

/**
 * Writes `files` (paths relative to `dir`) and type-checks them under the repository's strict
 * options, returning the diagnostics as `file: message` lines.
 */
export function typecheck(dir: string, files: Readonly<Record<string, string>>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  });
  const program = ts.createProgram(paths, options);
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

// Inside the package, so the fixtures resolve its node_modules (@types/node, @foundation/*).
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A temporary folder inside the package (removed by `remove`), for fixture projects. */
export function fixtureDir(): { dir: string; remove: () => void } {
  const parent = join(PACKAGE_DIR, '.tmp');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'fixture-'));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      try {
        rmdirSync(parent);
      } catch {
        // Another test file still has a fixture here; the last one removes the folder.
      }
    },
  };
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix = 'foundation-devtools-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CliIo that captures what the CLI writes. */
export function captureIo(
  cwd: string,
  overrides: Partial<CliIo> = {},
): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    cwd,
    isTTY: false,
    env: {},
    out: () => out,
    err: () => err,
    ...overrides,
  };
}
