/**
 * The error the lifecycle throws. Core depends on nothing, so this is a plain `Error` that
 * carries a numeric `code` and `codeName` from the shared code table; `@foundation/errors`
 * turns it into a `FoundationError` with the same code (`toFoundationError`).
 */
export class LifecycleError extends Error {
  /** Numeric code from the shared table: 2101 initialization_failed, 3204 invalid_input. */
  readonly code: 2101 | 3204;
  /** The code's name. */
  readonly codeName: 'initialization_failed' | 'invalid_input';
  /** The service concerned, when there is one. */
  readonly service: string | undefined;

  /** Creates a lifecycle error; `cause` is the underlying failure. */
  constructor(
    code: 2101 | 3204,
    message: string,
    options: { service?: string; cause?: unknown } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'LifecycleError';
    this.code = code;
    this.codeName = code === 2101 ? 'initialization_failed' : 'invalid_input';
    this.service = options.service;
  }
}
