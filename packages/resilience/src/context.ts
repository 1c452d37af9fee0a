import { abortedError } from './errors.js';

/** What a protected function receives. */
export interface ExecuteContext {
  /**
   * The signal that cancels this call: the caller's signal combined with any policy that can
   * give up on the call (a timeout). `undefined` when nothing can cancel it.
   */
  readonly signal: AbortSignal | undefined;
  /** The attempt number, from 1; an outer `retry` raises it on each retry. */
  readonly attempt: number;
}

/** What a caller passes to `execute`. */
export interface ExecuteOptions {
  /** Cancels the call: waits end at once and the call rejects with 5105 `aborted`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The attempt number the function sees; set by an outer policy in a pipeline. Default 1.
   * Passing the `ExecuteContext` a policy gave you as the options of an inner policy keeps both.
   */
  readonly attempt?: number | undefined;
}

/** A function a policy protects: it gets the call's context and may return a promise. */
export type Operation<T> = (context: ExecuteContext) => T | PromiseLike<T>;

/**
 * Marks contexts made by a policy that already checked its signal, so inner policies can pass
 * them on unchanged (no allocation, no re-check on the hot path).
 */
export abstract class PolicyContext implements ExecuteContext {
  abstract readonly signal: AbortSignal | undefined;
  abstract readonly attempt: number;
}

/**
 * Turns the options of `execute` into the context the function sees, allocating only when the
 * caller passed options. Throws 5105 `aborted` when the caller's signal has already aborted.
 */
export function contextOf(options: ExecuteOptions | undefined): ExecuteContext {
  if (options === undefined) return ROOT_CONTEXT;
  if (options instanceof PolicyContext) return options;
  const { signal, attempt } = options;
  if (signal?.aborted) throw abortedError(signal);
  if (signal === undefined && (attempt === undefined || attempt === 1)) return ROOT_CONTEXT;
  return new PlainContext(signal, attempt ?? 1);
}

/** A context with fixed fields. */
export class PlainContext extends PolicyContext {
  /** Creates a context. */
  constructor(
    readonly signal: AbortSignal | undefined,
    readonly attempt: number,
  ) {
    super();
  }
}

/** The context of a call made with no options: no signal, first attempt. */
export const ROOT_CONTEXT: ExecuteContext = Object.freeze(new PlainContext(undefined, 1));
