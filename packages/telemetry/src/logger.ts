import type { Clock } from '@foundation/core';
import { hostname } from 'node:os';
import { currentContext, currentCorrelationId } from '@foundation/errors';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { inputError } from './codes.js';
import { errorSerializer } from './log-errors.js';
import { spanStorage } from './span-context.js';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** The lowest level written: `trace` … `fatal`, or `silent`. Default `info`. */
  readonly level?: Level | 'silent';
  /** Bound as `name` on every line. */
  readonly name?: string;
  /** Bound as `package` on every line (child loggers usually set it instead). */
  readonly package?: string;
  /**
   * Paths whose values are replaced by `[REDACTED]`, in pino's path syntax (`password`,
   * `db.password`, `headers["x-api-key"]`, `*.token`). The config package's secret paths fit.
   */
  readonly redact?: readonly string[];
  /**
   * Where lines go. Default: stdout through an asynchronous `pino.destination`, which pino
   * flushes synchronously when the process exits. Any stream with `write(line)` works.
   */
  readonly destination?: DestinationStream;
  /** Take line timestamps from this clock's `wallMs`. Default: pino's own (`Date.now`). */
  readonly clock?: Clock;
  /**
   * Fields bound on every line, as pino's `base`. Default pino's own: `pid` and `hostname`;
   * `null` leaves them out. `name` and `package` are added to it.
   */
  readonly base?: Readonly<Record<string, unknown>> | null;
}

/** The placeholder written in place of a redacted value. */
export const REDACTED = '[REDACTED]';

const LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const NO_CONTEXT = Object.freeze({});

/** Adds the current ErrorContext's correlation id and operation, and the current trace and span ids. */
function contextFields(): object {
  const correlationId = currentCorrelationId();
  const span = spanStorage.getStore();
  if (correlationId === undefined && span === undefined) return NO_CONTEXT;
  return {
    ...(correlationId !== undefined && { correlationId, operation: currentContext()?.operation }),
    ...(span && { traceId: span.traceId, spanId: span.spanId }),
  };
}

function mergeContext(mergeObject: object, mixinObject: object): object {
  // The shared empty object must never be written to; what the caller logged wins over context.
  return mixinObject === NO_CONTEXT ? mergeObject : Object.assign(mixinObject, mergeObject);
}

function checkRedactPaths(paths: unknown): string[] {
  if (paths === undefined) return [];
  if (!Array.isArray(paths)) {
    throw inputError('invalid_input', 'redact', 'redact must be an array of paths');
  }
  paths.forEach((path: unknown, i) => {
    if (typeof path !== 'string' || path.length === 0) {
      throw inputError('invalid_input', `redact[${i}]`, 'a redact path must be a non-empty string');
    }
  });
  return paths as string[];
}

/**
 * Creates a pino logger for Foundation that keeps pino's conventions: `pid` and `hostname` on
 * every line (unless `base` says otherwise), errors (under `err` or `error`) written with the
 * errors package's lossless serializer plus pino-std-serializers' `type` (the constructor name)
 * on the error and each cause, the correlation id, operation, trace and span ids of the current
 * flow on every line, and the given secret paths redacted — in error trees too, at every depth
 * (a `*.token` path reaches `err.cause.context.token`). No line is lost: pino flushes the
 * destination synchronously after every `fatal` line (when the destination can, as
 * `pino.destination` can), and the default destination is flushed synchronously at exit. Use
 * `logger.child({ package: 'config' })` for a package's logger.
 *
 * @param options - the lowest `level` written (default `info`), the `name` and `package` bound
 *   on every line, the `redact` paths of secrets, the `destination` (default standard output),
 *   the clock for line timestamps and the `base` fields (default `pid` and `hostname`); every
 *   field is optional
 * @returns a new pino logger writing JSON lines
 * @throws FoundationError `invalid_input` for an unknown level, a malformed redact path or a
 *   `base` that is not an object or null.
 * @example
 * ```ts
 * const logger = createLogger({ name: 'api', redact: ['password', 'db.password'] });
 * logger.child({ package: 'orders' }).info({ orderId }, 'order created');
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const paths = checkRedactPaths(options.redact);
  const level = options.level ?? 'info';
  if (!LEVELS.includes(level)) {
    throw inputError('invalid_input', 'level', `level must be one of ${LEVELS.join(', ')}`);
  }
  const ownDestination = options.destination
    ? undefined
    : pino.destination({ dest: 1, sync: false });
  const destination = options.destination ?? ownDestination!;
  const clock = options.clock;
  const serializeErr = errorSerializer(paths, REDACTED);
  if (options.base !== undefined && options.base !== null && typeof options.base !== 'object') {
    throw inputError('invalid_input', 'base', 'base must be an object or null');
  }
  const base: Record<string, unknown> =
    options.base === undefined ? { pid: process.pid, hostname: hostname() } : { ...options.base };
  if (options.name !== undefined) base.name = options.name;
  if (options.package !== undefined) base.package = options.package;
  try {
    return pino(
      {
        level,
        base,
        serializers: { err: serializeErr, error: serializeErr },
        ...(paths.length > 0 && { redact: { paths, censor: REDACTED } }),
        mixin: contextFields,
        mixinMergeStrategy: mergeContext,
        ...(clock && { timestamp: () => `,"time":${clock.wallMs()}` }),
      },
      destination,
    );
  } catch (error) {
    ownDestination?.destroy();
    // pino validates redact paths when it compiles them; say which rule broke, and where.
    throw inputError('invalid_input', 'redact', 'each redact path must be valid pino path syntax', {
      detail: error instanceof Error ? error.message : String(error),
    });
  }
}
