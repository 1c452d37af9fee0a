import { channel } from 'node:diagnostics_channel';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { systemClock } from '@foundation/core';
import { activeFrame, frozenBreadcrumbs, type Breadcrumb } from './context.js';
import {
  getErrorCode,
  type ErrorCategory,
  type ErrorCode,
  type ErrorCodeName,
  type RetryStrategy,
  type Severity,
} from './codes.js';
import { isForbiddenKey, readString } from './json-safe.js';
import { deserializeError, serializeError, type SerializedError } from './serialize.js';

const createdChannel = channel('foundation:errors:created');

/**
 * @internal Option key: the caller announces the error itself, once it is complete (restoring
 * from JSON sets the stack, name and properties after construction).
 */
export const DEFER_ANNOUNCE = Symbol('deferAnnounce');

/** @internal Publishes `error` on `foundation:errors:created` when someone listens. */
export function announceCreated(error: FoundationError): void {
  if (createdChannel.hasSubscribers) createdChannel.publish({ error });
}
const BRAND = Symbol.for('@foundation/errors.FoundationError');

/** What a {@link FoundationError} can be given besides its code and message. */
export interface FoundationErrorOptions {
  /** The underlying error (native `Error.cause`). */
  readonly cause?: unknown;
  /** Facts about the failure: the path, the rule broken, the value's type, … */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Overrides the correlation id taken from the current ErrorContext. */
  readonly correlationId?: string;
  /** Overrides the creation time (epoch ms; default: the context's clock, else the system's). */
  readonly timestampMs?: number;
  /** Overrides the breadcrumbs taken from the current ErrorContext; used when restoring. */
  readonly breadcrumbs?: readonly Breadcrumb[];
}

function isCodeObject(code: unknown): code is ErrorCode {
  return (
    typeof code === 'object' &&
    code !== null &&
    typeof (code as ErrorCode).code === 'number' &&
    typeof (code as ErrorCode).name === 'string'
  );
}

function resolveCode(code: unknown): { def: ErrorCode; unknown?: unknown } {
  if (isCodeObject(code)) return { def: code };
  const found =
    typeof code === 'string' || typeof code === 'number' ? getErrorCode(code) : undefined;
  // Creating an error must never throw: an unknown code becomes internal_error, loudly.
  if (found) return { def: found };
  return { def: getErrorCode('internal_error')!, unknown: code ?? String(code) };
}

/**
 * Copies the caller's facts into `into`, key by key: prototype keys are dropped, a throwing
 * getter gives `[Unreadable]` and an unreadable object is noted, so creating an error never
 * throws.
 */
function copyFacts(facts: unknown, into: Record<string, unknown>): void {
  if (typeof facts !== 'object' || facts === null) return;
  try {
    for (const key of Object.keys(facts)) {
      if (isForbiddenKey(key)) continue;
      try {
        into[key] = (facts as Record<string, unknown>)[key];
      } catch {
        into[key] = '[Unreadable]';
      }
    }
  } catch {
    into.unreadableContext = true;
  }
}

// Errors whose inspection is in progress: a cause chain that loops back is shown as circular.
const inspecting = new WeakSet<object>();

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
    // Untyped callers may pass null or a primitive; creating an error must still work.
    options = typeof options === 'object' && (options as unknown) !== null ? options : {};
    super(message ?? def.description, 'cause' in options ? { cause: options.cause } : undefined);
    const flow = activeFrame();
    this.code = def.code;
    this.codeName = def.name;
    this.category = def.category;
    this.subcategory = def.subcategory;
    this.severity = def.severity;
    this.retryStrategy = def.retry;
    const context: Record<string, unknown> = flow ? { operation: flow.operation } : {};
    if (unknown !== undefined) context.unregisteredCode = unknown;
    copyFacts(options.context, context);
    this.context = context;
    this.correlationId = options.correlationId ?? flow?.correlationId;
    this.timestampMs = options.timestampMs ?? (flow?.clock ?? systemClock).wallMs();
    this.breadcrumbs = options.breadcrumbs
      ? Object.freeze(options.breadcrumbs.slice())
      : frozenBreadcrumbs(flow);
    if (!(DEFER_ANNOUNCE in options)) announceCreated(this);
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

  /**
   * `FoundationError [1301 config_not_found]: no value at 'ai.model'`: the code goes wherever the
   * error is turned into text (template strings, `String(error)`, log lines). Never throws.
   */
  override toString(): string {
    return `${readString(() => this.name) ?? 'FoundationError'} [${this.code} ${this.codeName}]: ${
      readString(() => this.message) ?? ''
    }`;
  }

  /** A lossless, JSON-safe form: never throws, bounded in depth, safe with cycles. */
  toJSON(): SerializedError {
    return serializeError(this);
  }

  /**
   * Keeps `util.inspect` (and console.log) readable and safe: the code, the facts, the stack
   * frames and the cause chain. Never throws, even with hostile context values or a cause chain
   * that loops.
   */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    const head = `${this.name} [${this.code} ${this.codeName}]: ${this.message}`;
    if (inspecting.has(this)) return `[Circular ${head}]`;
    inspecting.add(this);
    try {
      // depth is null when the caller asked for unlimited depth.
      const remaining = Number.isFinite(depth) ? depth : Infinity;
      const nested = { ...options, depth: remaining - 1, breakLength: Infinity };
      const facts = inspect(
        {
          category: this.category,
          severity: this.severity,
          context: this.context,
          correlationId: this.correlationId,
        },
        { ...nested, depth: Math.max(remaining, 4) },
      );
      const frames = (this.stack ?? '')
        .split('\n')
        .filter((line) => /^\s+at /.test(line))
        .join('\n');
      let text = frames ? `${head} ${facts}\n${frames}` : `${head} ${facts}`;
      if ('cause' in this) {
        const cause = remaining < 0 ? '[cause]' : inspect(this.cause, nested);
        text += `\n  [cause]: ${cause.split('\n').join('\n  ')}`;
      }
      return text;
    } catch {
      return `${head} { <uninspectable> }`;
    } finally {
      inspecting.delete(this);
    }
  }
}

// A data property (not a getter) so code that assigns `error.name` keeps working.
Object.defineProperty(FoundationError.prototype, 'name', {
  value: 'FoundationError',
  writable: true,
  configurable: true,
});
Object.defineProperty(FoundationError.prototype, BRAND, { value: true });

/**
 * True when `value` is a {@link FoundationError} (from any copy of this package).
 *
 * @param value - any value, such as what a `catch` received
 * @returns `true` for a FoundationError made by this or another loaded copy of the package
 *   (ESM or CJS), where `instanceof` would miss the other copy's errors
 */
export function isFoundationError(value: unknown): value is FoundationError {
  return FoundationError.is(value);
}
