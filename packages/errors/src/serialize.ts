import { outsideContext, type Breadcrumb } from './context.js';
import { getErrorCode, type ErrorCode, type RetryStrategy, type Severity } from './codes.js';
import { FoundationError } from './foundation-error.js';
import { isForbiddenKey, jsonText, toJsonSafe } from './json-safe.js';

/** The JSON form of an error (format version 1), as {@link serializeError} makes it. */
export interface SerializedError {
  /** Format version. */
  readonly v: 1;
  /** What was serialized: a FoundationError, another Error, an AggregateError, a thrown non-error value, or a stand-in for a cycle or a chain cut at the depth limit. */
  readonly kind: 'foundation' | 'error' | 'aggregate' | 'value' | 'circular' | 'truncated';
  /** The error's name. */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
  /** The stack, unless left out. */
  readonly stack?: string;
  /** FoundationError: numeric code; other errors: their `code` (such as `ENOENT`) if any. */
  readonly code?: number | string;
  /** FoundationError: the code's name. */
  readonly codeName?: string;
  /** FoundationError: category. */
  readonly category?: string;
  /** FoundationError: subcategory. */
  readonly subcategory?: string;
  /** FoundationError: severity. */
  readonly severity?: Severity;
  /** FoundationError: retry strategy. */
  readonly retryStrategy?: RetryStrategy;
  /** FoundationError: the code's default message. */
  readonly description?: string;
  /** FoundationError: context, as JSON-safe data. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** FoundationError: correlation id. */
  readonly correlationId?: string;
  /** FoundationError: creation time, epoch ms. */
  readonly timestampMs?: number;
  /** FoundationError: breadcrumbs. */
  readonly breadcrumbs?: readonly Breadcrumb[];
  /** The cause, serialized the same way. */
  readonly cause?: SerializedError;
  /** AggregateError: the aggregated errors. */
  readonly errors?: readonly SerializedError[];
  /** kind `value`: the thrown value as JSON-safe data. */
  readonly value?: unknown;
}

/** Options for {@link serializeError}. */
export interface SerializeErrorOptions {
  /** How many levels of causes and aggregated errors to follow. Default 16. */
  readonly maxDepth?: number;
  /** Include stack traces. Default true. */
  readonly includeStack?: boolean;
}

/**
 * Turns any error (or thrown value) into JSON-safe data, keeping everything a
 * {@link FoundationError} carries, cause chains and aggregated errors. Cycles become
 * `circular` entries and chains deeper than `maxDepth` end in a `truncated` entry. Never throws.
 */
export function serializeError(
  error: unknown,
  options: SerializeErrorOptions = {},
): SerializedError {
  return encode(error, options.maxDepth ?? 16, options.includeStack ?? true, new WeakSet());
}

function encode(
  error: unknown,
  depth: number,
  withStack: boolean,
  seen: WeakSet<object>,
): SerializedError {
  if (!(error instanceof Error)) {
    return {
      v: 1,
      kind: 'value',
      name: typeof error,
      message: describe(error),
      value: toJsonSafe(error),
    };
  }
  if (seen.has(error)) return { v: 1, kind: 'circular', name: 'Circular', message: '[Circular]' };
  if (depth <= 0) return { v: 1, kind: 'truncated', name: 'Truncated', message: '[Truncated]' };
  seen.add(error);
  try {
    const base = {
      v: 1 as const,
      name: safeString(() => error.name, 'Error'),
      message: safeString(() => error.message, ''),
      ...(withStack && typeof error.stack === 'string' && { stack: error.stack }),
    };
    const cause =
      'cause' in error ? { cause: encode(error.cause, depth - 1, withStack, seen) } : {};
    if (FoundationError.is(error)) {
      const def = getErrorCode(error.code);
      return {
        ...base,
        kind: 'foundation',
        code: error.code,
        codeName: error.codeName,
        category: error.category,
        subcategory: error.subcategory,
        severity: error.severity,
        retryStrategy: error.retryStrategy,
        description: def?.name === error.codeName ? def.description : error.message,
        context: toJsonSafe(error.context) as Record<string, unknown>,
        ...(error.correlationId !== undefined && { correlationId: error.correlationId }),
        timestampMs: error.timestampMs,
        breadcrumbs: toJsonSafe(error.breadcrumbs) as Breadcrumb[],
        ...cause,
      };
    }
    const code = (error as { code?: unknown }).code;
    const withCode = typeof code === 'string' || typeof code === 'number' ? { code } : {};
    if (error instanceof AggregateError) {
      const errors = Array.isArray(error.errors) ? (error.errors as unknown[]) : [];
      return {
        ...base,
        ...withCode,
        kind: 'aggregate',
        errors: errors.map((item) => encode(item, depth - 1, withStack, seen)),
        ...cause,
      };
    }
    return { ...base, ...withCode, kind: 'error', ...cause };
  } catch {
    return { v: 1, kind: 'value', name: 'Unreadable', message: '[Unreadable error]' };
  } finally {
    seen.delete(error);
  }
}

function safeString(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : fallback;
  } catch {
    return fallback;
  }
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (jsonText(toJsonSafe(value)) ?? String(value));
  } catch {
    return '[Unreadable value]';
  }
}

/** Limits for {@link deserializeError}. */
export interface DeserializeErrorOptions {
  /** Deepest nesting of objects accepted. Default 64. */
  readonly maxDepth?: number;
  /** Longest JSON text accepted, in characters. Default 1 MiB. */
  readonly maxLength?: number;
}

class DecodeFailure extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${path}: ${rule}`);
  }
}

const KINDS = new Set(['foundation', 'error', 'aggregate', 'value', 'circular', 'truncated']);
const SEVERITIES = new Set(['low', 'medium', 'high', 'critical']);
const STRATEGIES = new Set(['none', 'immediate', 'fixed_delay', 'exponential_backoff']);

/**
 * Restores an error from {@link serializeError} output (an object or its JSON text): a
 * FoundationError with the same code, context, correlation id, timestamp, breadcrumbs and
 * stack; other errors with their name, message, stack and code; AggregateErrors with their
 * errors; causes all the way down.
 *
 * Input is treated as hostile: prototype keys anywhere, nesting past `maxDepth`, text past
 * `maxLength` and wrong types are refused with a FoundationError 3102
 * (deserialization_failed) whose context names the path and the rule broken.
 */
export function deserializeError(input: unknown, options: DeserializeErrorOptions = {}): Error {
  const maxDepth = options.maxDepth ?? 64;
  const maxLength = options.maxLength ?? 1024 * 1024;
  try {
    let data = input;
    if (typeof input === 'string') {
      if (input.length > maxLength)
        throw new DecodeFailure('$', `JSON text longer than ${maxLength} characters`);
      try {
        data = JSON.parse(input) as unknown;
      } catch (cause) {
        throw new DecodeFailure('$', `not valid JSON (${(cause as Error).message})`);
      }
    }
    checkTree(data, '$', maxDepth);
    const decoded = decode(data, '$');
    if (decoded instanceof Error) return decoded;
    return outsideContext(
      () => new Error(typeof decoded === 'string' ? decoded : describe(decoded)),
    );
  } catch (failure) {
    if (!(failure instanceof DecodeFailure)) throw failure;
    return outsideContext(
      () =>
        new FoundationError('deserialization_failed', `Cannot restore error: ${failure.message}`, {
          context: { path: failure.path, rule: failure.rule },
        }),
    );
  }
}

/** Refuses prototype keys and excessive nesting anywhere in the tree, before decoding. */
function checkTree(value: unknown, path: string, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth <= 0) throw new DecodeFailure(path, 'nested too deeply');
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkTree(item, `${path}[${index}]`, depth - 1);
    });
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null)
    throw new DecodeFailure(path, 'must be a plain object');
  for (const key of Object.keys(value)) {
    if (isForbiddenKey(key)) throw new DecodeFailure(`${path}.${key}`, 'forbidden key');
    checkTree((value as Record<string, unknown>)[key], `${path}.${key}`, depth - 1);
  }
}

type Fields = Record<string, unknown>;

interface FieldTypes {
  string: string;
  number: number;
  object: Fields;
  array: unknown[];
}

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function field<K extends keyof FieldTypes>(
  object: Fields,
  key: string,
  path: string,
  type: K,
): FieldTypes[K] {
  const value = object[key];
  const actual = typeOf(value);
  if (actual !== type) throw new DecodeFailure(`${path}.${key}`, `expected ${type}, got ${actual}`);
  return value as FieldTypes[K];
}

function optionalField<K extends keyof FieldTypes>(
  object: Fields,
  key: string,
  path: string,
  type: K,
): FieldTypes[K] | undefined {
  return object[key] === undefined ? undefined : field(object, key, path, type);
}

function decode(data: unknown, path: string): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DecodeFailure(path, 'expected a serialized error object');
  }
  const object = data as Fields;
  if (object.v !== 1)
    throw new DecodeFailure(`${path}.v`, 'unsupported format version (expected 1)');
  const kind = field(object, 'kind', path, 'string');
  if (!KINDS.has(kind)) throw new DecodeFailure(`${path}.kind`, `unknown kind '${kind}'`);
  const name = field(object, 'name', path, 'string');
  const message = field(object, 'message', path, 'string');
  const stack = optionalField(object, 'stack', path, 'string');
  if (kind === 'value') return object.value;
  const cause = 'cause' in object ? { cause: decode(object.cause, `${path}.cause`) } : {};
  let error: Error;
  if (kind === 'foundation') {
    error = decodeFoundation(object, path, message, cause);
  } else if (kind === 'aggregate') {
    const items = field(object, 'errors', path, 'array');
    const errors = items.map((item, index) => decode(item, `${path}.errors[${index}]`));
    error = new AggregateError(errors, message, cause);
  } else {
    error = new Error(message, cause);
    const code = object.code;
    if (code !== undefined) {
      if (typeof code !== 'string' && typeof code !== 'number') {
        throw new DecodeFailure(`${path}.code`, 'expected string or number');
      }
      Object.defineProperty(error, 'code', {
        value: code,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  if (kind !== 'foundation' && name !== error.name) {
    Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  }
  if (stack !== undefined) {
    Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true });
  } else {
    delete (error as { stack?: string }).stack;
  }
  return error;
}

function decodeFoundation(
  object: Fields,
  path: string,
  message: string,
  cause: { cause?: unknown },
): FoundationError {
  const code = field(object, 'code', path, 'number');
  const codeName = field(object, 'codeName', path, 'string');
  const severity = field(object, 'severity', path, 'string');
  const retry = field(object, 'retryStrategy', path, 'string');
  if (!SEVERITIES.has(severity))
    throw new DecodeFailure(`${path}.severity`, `unknown severity '${severity}'`);
  if (!STRATEGIES.has(retry))
    throw new DecodeFailure(`${path}.retryStrategy`, `unknown retry strategy '${retry}'`);
  const registered = getErrorCode(code);
  // A code this process does not know is kept as it came, so nothing is lost in transit.
  const def: ErrorCode =
    registered?.name === codeName
      ? registered
      : {
          code,
          name: codeName,
          category: field(object, 'category', path, 'string'),
          subcategory: field(object, 'subcategory', path, 'string'),
          severity: severity as Severity,
          retry: retry as RetryStrategy,
          description: optionalField(object, 'description', path, 'string') ?? message,
        };
  const context = optionalField(object, 'context', path, 'object');
  const correlationId = optionalField(object, 'correlationId', path, 'string');
  const timestampMs = optionalField(object, 'timestampMs', path, 'number');
  const breadcrumbs = optionalField(object, 'breadcrumbs', path, 'array');
  breadcrumbs?.forEach((crumb, index) => {
    const at = `${path}.breadcrumbs[${index}]`;
    if (typeof crumb !== 'object' || crumb === null || Array.isArray(crumb))
      throw new DecodeFailure(at, 'expected object');
    field(crumb as Fields, 'message', at, 'string');
    field(crumb as Fields, 'timestampMs', at, 'number');
    field(crumb as Fields, 'operation', at, 'string');
  });
  return outsideContext(
    () =>
      new FoundationError(def, message, {
        ...cause,
        ...(context && { context }),
        ...(correlationId !== undefined && { correlationId }),
        ...(timestampMs !== undefined && { timestampMs }),
        breadcrumbs: (breadcrumbs ?? []) as Breadcrumb[],
      }),
  );
}
