import { types } from 'node:util';
import { outsideContext, type Breadcrumb } from './context.js';
import { getErrorCode, type ErrorCode, type RetryStrategy, type Severity } from './codes.js';
import {
  announceCreated,
  DEFER_ANNOUNCE,
  FoundationError,
  type FoundationErrorOptions,
} from './foundation-error.js';
import { isForbiddenKey, jsonText, readString, toJsonSafe } from './json-safe.js';

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
  /** Other own enumerable properties of the error (such as `errno`, `syscall`), JSON-safe. */
  readonly props?: Readonly<Record<string, unknown>>;
}

/** Options for {@link serializeError}. */
export interface SerializeErrorOptions {
  /** How many levels of causes and aggregated errors to follow. Default 16. */
  readonly maxDepth?: number;
  /** Include stack traces. Default true. */
  readonly includeStack?: boolean;
}

// Fields with a place of their own in SerializedError; any other own enumerable property of
// an error (errno, syscall, a subclass's fields) travels in `props`.
const KNOWN_KEYS = new Set([
  'v',
  'kind',
  'name',
  'message',
  'stack',
  'cause',
  'errors',
  'code',
  'codeName',
  'category',
  'subcategory',
  'severity',
  'retryStrategy',
  'description',
  'context',
  'correlationId',
  'timestampMs',
  'breadcrumbs',
  'props',
  'value',
]);

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A count option: a non-negative whole number, capped; anything else means the default. */
function limitOption(value: unknown, fallback: number, max: number): number {
  return typeof value === 'number' && value >= 0 ? Math.min(Math.floor(value), max) : fallback;
}

/**
 * Turns any error (or thrown value) into JSON-safe data, keeping everything a
 * {@link FoundationError} carries, cause chains, aggregated errors and the own properties of
 * other errors (`errno`, `syscall`, …). Cycles become `circular` entries and chains deeper than
 * `maxDepth` end in a `truncated` entry. Never throws.
 *
 * @param error - the error or thrown value; a non-error becomes a `value` entry
 * @param options - how many levels of causes and aggregated errors to follow (default 16, at
 *   most 10 000) and whether to include stack traces (default `true`)
 * @returns plain data (format version 1) that `JSON.stringify` can write and
 *   {@link deserializeError} can restore
 */
export function serializeError(
  error: unknown,
  options: SerializeErrorOptions = {},
): SerializedError {
  const maxDepth = limitOption(options.maxDepth, 16, 10_000);
  return encode(error, maxDepth, options.includeStack ?? true, new WeakSet());
}

function isError(value: unknown): value is Error {
  // isNativeError also recognises errors made in another realm (vm contexts, workers' copies).
  return value instanceof Error || types.isNativeError(value);
}

function encode(
  error: unknown,
  depth: number,
  withStack: boolean,
  seen: WeakSet<object>,
): SerializedError {
  if (!isError(error)) {
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
    // Built by assignment in one fixed order: object spreads here cost several microseconds.
    const out: Writable<SerializedError> = {
      v: 1,
      kind: 'error',
      name: readString(() => error.name) ?? 'Error',
      message: readString(() => error.message) ?? '',
    };
    if (withStack) {
      const stack = readString(() => error.stack);
      if (stack !== undefined) out.stack = stack;
    }
    if (FoundationError.is(error)) {
      const def = getErrorCode(error.code);
      out.kind = 'foundation';
      out.code = error.code;
      out.codeName = error.codeName;
      out.category = error.category;
      out.subcategory = error.subcategory;
      out.severity = error.severity;
      out.retryStrategy = error.retryStrategy;
      out.description = def?.name === error.codeName ? def.description : error.message;
      out.context = toJsonSafe(error.context) as Record<string, unknown>;
      if (error.correlationId !== undefined) out.correlationId = error.correlationId;
      out.timestampMs = error.timestampMs;
      out.breadcrumbs = toJsonSafe(error.breadcrumbs) as Breadcrumb[];
    } else {
      const { code, errors } = error as { code?: unknown; errors?: unknown };
      if (typeof code === 'string' || typeof code === 'number') out.code = code;
      if (
        error instanceof AggregateError ||
        (out.name === 'AggregateError' && Array.isArray(errors))
      ) {
        out.kind = 'aggregate';
        const items = Array.isArray(errors) ? (errors as unknown[]) : [];
        out.errors = items.map((item) => encode(item, depth - 1, withStack, seen));
      }
    }
    const props = extraProps(error);
    if (props) out.props = props;
    if ('cause' in error) out.cause = encode(error.cause, depth - 1, withStack, seen);
    return out;
  } catch {
    return { v: 1, kind: 'value', name: 'Unreadable', message: '[Unreadable error]' };
  } finally {
    seen.delete(error);
  }
}

function extraProps(error: Error): Record<string, unknown> | undefined {
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (KNOWN_KEYS.has(key) || isForbiddenKey(key)) continue;
    const value = toJsonSafe((error as unknown as Record<string, unknown>)[key]);
    if (value !== undefined) (props ??= {})[key] = value;
  }
  return props;
}

function describe(value: unknown): string {
  const safe = toJsonSafe(value);
  return typeof safe === 'string' ? safe : (jsonText(safe) ?? String(value));
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
 * stack; other errors with their class (for the standard ones), name, message, stack, code
 * and other properties; AggregateErrors with their errors; causes all the way down.
 *
 * Input is treated as hostile: prototype keys anywhere, nesting past `maxDepth`, text past
 * `maxLength`, wrong types and unreadable objects are refused with a FoundationError 3102
 * (`deserialization_failed`) whose context names the `path` (such as `$.cause.code`) and the
 * `rule` broken. Never throws; never touches a prototype.
 *
 * @param input - a {@link SerializedError} object, or its JSON text, from a file, a queue or
 *   another process
 * @param options - the deepest nesting accepted (default 64) and the longest JSON text
 *   accepted, in characters (default 1 MiB)
 * @returns the restored error; for refused input, a new FoundationError 3102 describing the
 *   problem (returned, not thrown)
 */
export function deserializeError(input: unknown, options: DeserializeErrorOptions = {}): Error {
  const maxDepth = limitOption(options.maxDepth, 64, 10_000);
  const maxLength = limitOption(options.maxLength, 1024 * 1024, Infinity);
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
    const restored: FoundationError[] = [];
    const decoded = decode(data, '$', restored);
    // Announced only once the whole input is restored: complete errors, none from a refusal.
    restored.forEach(announceCreated);
    if (decoded instanceof Error) return decoded;
    return outsideContext(
      () => new Error(typeof decoded === 'string' ? decoded : describe(decoded)),
    );
  } catch (failure) {
    // Anything else (a throwing getter or proxy trap in object input) is unreadable input.
    const { path, rule } =
      failure instanceof DecodeFailure ? failure : { path: '$', rule: 'input could not be read' };
    return outsideContext(
      () =>
        new FoundationError('deserialization_failed', `Cannot restore error: ${path}: ${rule}`, {
          context: { path, rule },
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

function decode(data: unknown, path: string, restored: FoundationError[]): unknown {
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
  const cause = 'cause' in object ? { cause: decode(object.cause, `${path}.cause`, restored) } : {};
  const props = optionalField(object, 'props', path, 'object');
  let error: Error;
  if (kind === 'foundation') {
    const foundation = decodeFoundation(object, path, message, cause);
    restored.push(foundation);
    error = foundation;
  } else {
    const code = object.code;
    if (code !== undefined && typeof code !== 'string' && typeof code !== 'number') {
      throw new DecodeFailure(`${path}.code`, 'expected string or number');
    }
    if (kind === 'aggregate') {
      const items = field(object, 'errors', path, 'array');
      const errors = items.map((item, index) => decode(item, `${path}.errors[${index}]`, restored));
      error = withoutStackCapture(() => new AggregateError(errors, message, cause));
    } else {
      const ErrorClass = ERROR_CLASSES.get(name) ?? Error;
      error = withoutStackCapture(() => new ErrorClass(message, cause));
    }
    if (code !== undefined) defineData(error, 'code', code, true);
  }
  if (name !== error.name) defineData(error, 'name', name, false);
  // Assigned, not defined: redefining a captured V8 stack costs tens of microseconds.
  if (stack !== undefined) error.stack = stack;
  else delete (error as { stack?: string }).stack;
  // A prop named like something the error inherits (`toString`, `valueOf`, `toJSON`, …) would
  // shadow that method with data, and `String(error)` would then throw: such props are dropped.
  const inherited = Object.getPrototypeOf(error) as object;
  for (const [key, value] of Object.entries(props ?? {})) {
    if (!KNOWN_KEYS.has(key) && !(key in inherited)) defineData(error, key, value, true);
  }
  return error;
}

// A Map, not an object, so a name such as 'constructor' can never reach a prototype.
const ERROR_CLASSES = new Map<string, ErrorConstructor>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

/** Sets an own data property the way the runtime does for errors (never through a setter). */
function defineData(target: Error, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
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
  return outsideContext(() =>
    withoutStackCapture(
      () =>
        new FoundationError(def, message, {
          ...cause,
          ...(context && { context }),
          ...(correlationId !== undefined && { correlationId }),
          ...(timestampMs !== undefined && { timestampMs }),
          breadcrumbs: (breadcrumbs ?? []) as Breadcrumb[],
          [DEFER_ANNOUNCE]: true,
        } as FoundationErrorOptions),
    ),
  );
}

/**
 * Constructs an error without capturing a stack trace: a restored error gets its stack from
 * the data (capturing one only to replace it costs more than the rest of the restore).
 */
function withoutStackCapture<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    // A frozen Error (hardened realms) keeps capturing; only speed is lost.
  }
  try {
    return make();
  } finally {
    if (Error.stackTraceLimit !== limit) Error.stackTraceLimit = limit;
  }
}
