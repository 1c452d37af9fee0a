import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { qualityError } from '../errors.js';
import { loadTypeScript } from '../tools.js';
import { validateConfig, type ResolvedConfig } from './validate.js';

/** The file names looked for, in order, when no config path is given. */
export const CONFIG_FILE_NAMES = [
  'quality.config.ts',
  'quality.config.mts',
  'quality.config.mjs',
  'quality.config.js',
  'quality.config.json',
] as const;

/** A loaded configuration and the directory its relative paths start from. */
export interface LoadedConfig {
  /** The configuration with defaults. */
  readonly config: ResolvedConfig;
  /** The absolute project root. */
  readonly rootDir: string;
  /** The file it was read from. */
  readonly file: string;
}

/**
 * Finds and loads a quality configuration: JSON, or an ES module (TypeScript is transpiled with
 * the project's own `typescript`) whose default export is the configuration.
 *
 * @param path - the config file; default: the first of {@link CONFIG_FILE_NAMES} in `cwd`
 * @param cwd - where a relative `path` starts (default `process.cwd()`)
 * @returns the validated configuration and its root
 * @throws FoundationError 8101 (`quality_config_invalid`) when the file is missing, does not
 * parse or breaks a rule (each problem named with its path)
 */
export async function loadQualityConfig(path?: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = path === undefined ? findConfig(cwd) : resolve(cwd, path);
  if (!existsSync(file)) {
    throw qualityError(
      'quality_config_invalid',
      `config file ${file} does not exist`,
      `Create it (see the README) or pass --config with the right path`,
      { file },
    );
  }
  const raw = await readConfigModule(file);
  const config = validateConfig(raw, basename(file));
  const rootDir = resolve(dirname(file), config.rootDir ?? '.');
  return { config, rootDir, file };
}

function findConfig(cwd: string): string {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  throw qualityError(
    'quality_config_invalid',
    `no quality config in ${cwd} (looked for ${CONFIG_FILE_NAMES.join(', ')})`,
    'Create quality.config.ts or pass --config <file>',
    { cwd },
  );
}

async function readConfigModule(file: string): Promise<unknown> {
  const extension = extname(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw qualityError(
      'quality_config_invalid',
      `cannot read ${file}`,
      'Check the path and its permissions',
      { file },
      cause,
    );
  }
  if (extension === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw qualityError(
        'quality_config_invalid',
        `${basename(file)} is not valid JSON (${(cause as Error).message})`,
        'Fix the JSON syntax',
        { file },
        cause,
      );
    }
  }
  const source = extension === '.ts' || extension === '.mts' ? await transpile(text, file) : text;
  // Written beside the original so its imports resolve exactly as they would from there.
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.mjs`);
  await writeFile(temporary, source);
  try {
    const loaded = (await import(pathToFileURL(temporary).href)) as { default?: unknown };
    if (loaded.default === undefined) {
      throw qualityError(
        'quality_config_invalid',
        `${basename(file)} has no default export`,
        'Export the configuration with `export default defineQualityConfig({ ... })`',
        { file },
      );
    }
    return loaded.default;
  } catch (cause) {
    if (cause instanceof Error && 'code' in cause && cause.code === 8101) throw cause;
    throw qualityError(
      'quality_config_invalid',
      `${basename(file)} failed to load (${cause instanceof Error ? cause.message : String(cause)})`,
      'Fix the error in the config module',
      { file },
      cause,
    );
  } finally {
    await rm(temporary, { force: true });
  }
}

async function transpile(text: string, file: string): Promise<string> {
  const ts = await loadTypeScript(dirname(file));
  return ts.transpileModule(text, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}
