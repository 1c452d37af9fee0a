/**
 * Checks `createConfig`'s options before anything else runs. Options come from callers that
 * may not be type-checked (JavaScript, JSON, a spread of something else), so each one is
 * checked for its shape and a mistake is refused with a FoundationError naming the option and
 * the rule it breaks, instead of a TypeError from deep inside or an option silently ignored.
 */
import { FoundationError } from '@foundation/errors';

const KNOWN_OPTIONS = [
  'schema',
  'sources',
  'updatable',
  'secrets',
  'name',
  'historyLimit',
  'limits',
  'unknownKeys',
  'clock',
  'reloadIntervalMs',
  'onListenerError',
] as const;
const KNOWN_SOURCES = ['files', 'env', 'overrides'] as const;
const KNOWN_LIMITS = ['maxDepth', 'maxBytes'] as const;
const KNOWN_ENV = ['prefix', 'separator', 'vars'] as const;
const KNOWN_FILE = ['path', 'optional', 'format'] as const;
const CLOCK_METHODS = ['nowMs', 'nowNs', 'wallMs', 'sleep', 'setTimeout', 'setInterval'] as const;

/** The error for a bad option: 1101 naming the option (`path`) and the `rule` it breaks. */
export function invalidOption(option: string, rule: string, cause?: unknown): FoundationError {
  return new FoundationError('invalid_config_structure', `createConfig: ${option} ${rule}`, {
    ...(cause !== undefined && { cause }),
    context: { path: option, rule },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Refuses `value` unless it is a plain object holding only `known` keys. */
function checkObject(value: unknown, option: string, known: readonly string[]): void {
  if (!isRecord(value)) throw invalidOption(option, `must be an object, got ${describe(value)}`);
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw invalidOption(`${option}.${unknown}`, `is not an option (known: ${known.join(', ')})`);
  }
}

function checkStringArray(value: unknown, option: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    throw invalidOption(option, `must be an array of strings, got ${describe(value)}`);
  }
  const at = value.findIndex((entry) => typeof entry !== 'string');
  if (at >= 0) throw invalidOption(`${option}[${at}]`, 'must be a string');
}

function checkOptionalType(value: unknown, option: string, type: 'string' | 'function'): void {
  if (value !== undefined && typeof value !== type) {
    throw invalidOption(option, `must be a ${type}, got ${describe(value)}`);
  }
}

function checkFiles(files: unknown): void {
  if (files === undefined) return;
  if (!Array.isArray(files)) {
    throw invalidOption('sources.files', `must be an array, got ${describe(files)}`);
  }
  files.forEach((file: unknown, index) => {
    const at = `sources.files[${index}]`;
    if (typeof file === 'string') return;
    checkObject(file, at, KNOWN_FILE);
    const { path, optional, format } = file as Record<string, unknown>;
    if (typeof path !== 'string' || path === '') {
      throw invalidOption(`${at}.path`, 'must be a non-empty string');
    }
    if (optional !== undefined && typeof optional !== 'boolean') {
      throw invalidOption(`${at}.optional`, 'must be a boolean');
    }
    if (format !== undefined && format !== 'json' && format !== 'yaml') {
      throw invalidOption(`${at}.format`, "must be 'json' or 'yaml'");
    }
  });
}

function checkEnv(env: unknown): void {
  if (env === undefined) return;
  checkObject(env, 'sources.env', KNOWN_ENV);
  const { prefix, separator, vars } = env as Record<string, unknown>;
  if (typeof prefix !== 'string') {
    throw invalidOption('sources.env.prefix', "must be a string (use '' for no prefix)");
  }
  if (separator !== undefined && (typeof separator !== 'string' || separator === '')) {
    throw invalidOption('sources.env.separator', 'must be a non-empty string');
  }
  if (vars !== undefined && !isRecord(vars)) {
    throw invalidOption('sources.env.vars', `must be an object, got ${describe(vars)}`);
  }
}

/**
 * Refuses options that are not what `createConfig` takes. The schema itself is checked by the
 * schema tree (a zod 4 object schema); limits, history and intervals by the store, which knows
 * their ranges.
 */
export function checkOptions(options: unknown): void {
  if (options === undefined) {
    throw invalidOption('options', 'are required: createConfig({ schema: z.object({ … }) })');
  }
  checkObject(options, 'options', KNOWN_OPTIONS);
  const given = options as Record<string, unknown>;
  if (given.schema === undefined) {
    throw invalidOption('schema', 'is required: a zod 4 object schema (z.object({ … }))');
  }
  if (given.sources !== undefined) {
    checkObject(given.sources, 'sources', KNOWN_SOURCES);
    const sources = given.sources as Record<string, unknown>;
    checkFiles(sources.files);
    checkEnv(sources.env);
  }
  checkStringArray(given.updatable, 'updatable');
  checkStringArray(given.secrets, 'secrets');
  checkOptionalType(given.name, 'name', 'string');
  checkOptionalType(given.onListenerError, 'onListenerError', 'function');
  if (given.limits !== undefined) checkObject(given.limits, 'limits', KNOWN_LIMITS);
  if (
    given.unknownKeys !== undefined &&
    given.unknownKeys !== 'error' &&
    given.unknownKeys !== 'strip'
  ) {
    throw invalidOption('unknownKeys', "must be 'error' or 'strip'");
  }
  if (given.clock !== undefined) {
    const clock = given.clock as Record<string, unknown> | null;
    const missing = CLOCK_METHODS.find(
      (method) =>
        typeof clock !== 'object' || clock === null || typeof clock[method] !== 'function',
    );
    if (missing !== undefined) {
      throw invalidOption('clock', `must be a Clock (missing ${missing}())`);
    }
  }
}
