import { channel } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { currentContext, type Breadcrumb } from './context.js';
import {
  getErrorCode,
  type ErrorCategory,
  type ErrorCode,
  type ErrorCodeName,
  type RetryStrategy,
  type Severity,
} from './codes.js';
import { deserializeError, serializeError, type SerializedError } from './serialize.js';

const createdChannel = channel('foundation:errors:created');
const BRAND = Symbol.for('@foundation/errors.FoundationError');

/** What a {@link FoundationError} can be given besides its code and message. */
export interface FoundationErrorOptions {
  /** The underlying error (native `Error.cause`). */
  readonly cause?: unknown;
  /** Facts about the failure: the path, the rule broken, the value's type, … */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Overrides the correlation id taken from the current ErrorContext. */
  readonly correlationId?: string;
  /** Overrides the creation time (epoch ms); used when restoring from JSON. */
  readonly timestampMs?: number;
  /** Overrides the breadcrumbs taken from the current ErrorContext; used when restoring. */
  readonly breadcrumbs?: readonly Breadcrumb[];
}

function resolveCode(code: ErrorCodeName | ErrorCode): { def: ErrorCode; unknown?: unknown } {
  if (typeof code === 'object') return { def: code };
  const found = getErrorCode(code);
  // Creating an error must never throw: an unknown name becomes internal_error, loudly.
  if (found) return { def: found };
  return { def: getErrorCode('internal_error')!, unknown: code };
}

/**
 * The one error type of Foundation: an `Error` (with native `cause`) that carries a registered
 * code, its category, severity and retry strategy, facts about the failure, and the
 * correlation id and breadcrumbs of the flow it was raised in.
 *
 * @example
 * ```ts
 * throw new FoundationError('config_not_found', "no value at 'ai.model'", {
 *   context: { path: 'ai.model' },
 * });
 * ```
 */
export class FoundationError extends Error {
  /** The numeric code, such as 1301. */
  readonly code: number;
  /** The code's name, such as `config_not_found`. */
  readonly codeName: string;
  /** The broad area: config, system, data, external, or an application's own. */
  readonly category: ErrorCategory;
  /** A finer grouping within the category. */
  readonly subcategory: string;
  /** How bad it is. */
  readonly severity: Severity;
  /** Whether and how a retry may help. */
  readonly retryStrategy: RetryStrategy;
  /** Facts about the failure. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The correlation id of the flow, when there is one. */
  readonly correlationId: string | undefined;
  /** Creation time, epoch milliseconds. */
  readonly timestampMs: number;
  /** The flow's recent breadcrumbs at creation, oldest first. */
  readonly breadcrumbs: readonly Breadcrumb[];

  /**
   * Creates an error of a registered code. The correlation id, the operation and the
   * breadcrumbs of the current ErrorContext are picked up. Creating an error never throws: an
   * unregistered name gives an `internal_error` that says so in its context.
   */
  constructor(
    code: ErrorCodeName | ErrorCode,
    message?: string,
    options: FoundationErrorOptions = {},
  ) {
    const { def, unknown } = resolveCode(code);
    super(message ?? def.description, 'cause' in options ? { cause: options.cause } : undefined);
    const flow = currentContext();
    this.code = def.code;
    this.codeName = def.name;
    this.category = def.category;
    this.subcategory = def.subcategory;
    this.severity = def.severity;
    this.retryStrategy = def.retry;
    this.context = {
      ...(flow && { operation: flow.operation }),
      ...(unknown !== undefined && { unregisteredCode: unknown }),
      ...options.context,
    };
    this.correlationId = options.correlationId ?? flow?.correlationId;
    this.timestampMs = options.timestampMs ?? Date.now();
    this.breadcrumbs = Object.freeze(options.breadcrumbs?.slice() ?? flow?.breadcrumbs ?? []);
    if (createdChannel.hasSubscribers) createdChannel.publish({ error: this });
  }

  /** The class name, so stack traces and logs say `FoundationError`. */
  override get name(): string {
    return 'FoundationError';
  }

  /** True for any FoundationError, even one from another copy of this package. */
  static is(value: unknown): value is FoundationError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** Restores an error from {@link FoundationError.toJSON} output (see `deserializeError`). */
  static fromJSON(json: unknown): Error {
    return deserializeError(json);
  }

  /** A lossless, JSON-safe form: never throws, bounded in depth, safe with cycles. */
  toJSON(): SerializedError {
    return serializeError(this);
  }

  /** Keeps `util.inspect` (and console.log) readable and safe. */
  [inspect.custom](): string {
    const head = `${this.name} [${this.code} ${this.codeName}]: ${this.message}`;
    let facts: string;
    try {
      facts = inspect(
        {
          category: this.category,
          severity: this.severity,
          context: this.context,
          correlationId: this.correlationId,
        },
        { depth: 4, breakLength: Infinity },
      );
    } catch {
      facts = '{ <uninspectable context> }';
    }
    const frames = this.stack?.split('\n').slice(1).join('\n') ?? '';
    return frames ? `${head} ${facts}\n${frames}` : `${head} ${facts}`;
  }
}

Object.defineProperty(FoundationError.prototype, BRAND, { value: true });

/** True when `value` is a {@link FoundationError} (from any copy of this package). */
export function isFoundationError(value: unknown): value is FoundationError {
  return FoundationError.is(value);
}
