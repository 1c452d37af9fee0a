import { FoundationError } from '@foundation/errors';
import { inputError } from './codes.js';
import type { Metadata } from './event-name.js';
import { observeOutcome } from './outcome.js';
import { spanNames, type Telemetry } from './telemetry.js';
import { defaultTelemetry } from './default-instance.js';

/** Options for {@link instrument}. */
export interface InstrumentOptions {
  /**
   * The function's name in metrics (label `function`) and events: `orders.create` emits
   * `['orders', 'create', 'start' | 'stop' | 'exception']`.
   */
  readonly name: string;
  /** The telemetry instance to report to. Default: the default instance. */
  readonly telemetry?: Telemetry;
  /** Extra metadata for every event. */
  readonly metadata?: Metadata;
}

/** The metrics every instrumented function reports to (label `function` tells them apart). */
export const INSTRUMENT_METRICS = Object.freeze({
  calls: 'foundation_function_calls_total',
  errors: 'foundation_function_errors_total',
  duration: 'foundation_function_duration_seconds',
});

/** The code an error is counted under: a FoundationError's code name, otherwise `unknown`. */
function errorCode(error: unknown): string {
  return FoundationError.is(error) ? error.codeName : 'unknown';
}

/**
 * Wraps `fn` (the seed's DeepInstrumentation): each call counts in
 * `foundation_function_calls_total`, its duration goes to `foundation_function_duration_seconds`
 * (label `outcome` ok / error), a failure counts in `foundation_function_errors_total` by its
 * FoundationError code, and the call runs as a span (start / stop / exception events carrying
 * the correlation id of the current ErrorContext). The wrapper keeps `this`, stays sync for a
 * sync function and async for an async one, rethrows what `fn` throws, and has `fn`'s type.
 *
 * @example
 * ```ts
 * const createOrder = instrument(async (order: Order) => db.insert(order), { name: 'orders.create' });
 * ```
 *
 * @param fn - the function to wrap, sync or async; it is not changed
 * @param options - `name` (required, such as `orders.create`: the metrics' `function` label and
 *   the span's event name split on dots), the `telemetry` instance (default the default one) and
 *   extra `metadata` for every event
 * @returns a wrapper with `fn`'s type, name and length that reports each call and returns or
 *   throws what `fn` does
 * @throws FoundationError `type_mismatch` when `fn` is not a function; `invalid_input` when
 *   `options.name` is not a non-empty string.
 */
export function instrument<F extends (...args: never[]) => unknown>(
  fn: F,
  options: InstrumentOptions,
): F {
  if (typeof fn !== 'function') throw inputError('type_mismatch', 'fn', 'fn must be a function');
  const given: unknown = options;
  const name = typeof given === 'object' && given !== null ? options.name : undefined;
  if (typeof name !== 'string' || name === '') {
    throw inputError('invalid_input', 'options.name', 'name must be a non-empty string');
  }
  const telemetry = options.telemetry ?? defaultTelemetry;
  const names = spanNames(name.split('.'));
  const metadata: Metadata = Object.freeze({ ...options.metadata, function: name });
  const { metrics, clock } = telemetry;
  const calls = metrics
    .counter(INSTRUMENT_METRICS.calls, {
      help: 'Calls of instrumented functions',
      labelNames: ['function'],
    })
    .labels({ function: name });
  const errors = metrics.counter(INSTRUMENT_METRICS.errors, {
    help: 'Failed calls of instrumented functions, by error code',
    labelNames: ['function', 'code'],
  });
  const duration = metrics.histogram(INSTRUMENT_METRICS.duration, {
    help: 'Duration of instrumented functions, in seconds',
    labelNames: ['function', 'outcome'],
  });
  const okDuration = duration.labels({ function: name, outcome: 'ok' });
  const errorDuration = duration.labels({ function: name, outcome: 'error' });

  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    calls.inc();
    const startNs = clock.nowNs();
    return observeOutcome(
      () =>
        telemetry.runSpan(names, metadata, () =>
          (fn as unknown as (...a: unknown[]) => unknown).apply(this, args),
        ),
      () => {
        okDuration.record((clock.nowNs() - startNs) / 1e9);
      },
      (error) => {
        errorDuration.record((clock.nowNs() - startNs) / 1e9);
        errors.inc({ function: name, code: errorCode(error) });
      },
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped as unknown as F;
}

/**
 * A method decorator (TC39 standard decorators) that {@link instrument}s the method. The name
 * defaults to the method's name; give `name` (such as `orders.create`) to tell classes apart.
 *
 * @example
 * ```ts
 * class Orders {
 *   @instrumented({ name: 'orders.create' })
 *   async create(order: Order): Promise<Id> { ... }
 * }
 * ```
 *
 * @param options - as for {@link instrument}, but `name` is optional and defaults to the
 *   method's name
 * @returns a method decorator replacing the method with its {@link instrument}ed wrapper
 */
export function instrumented(options: Partial<InstrumentOptions> = {}) {
  return function <This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R {
    return instrument(method as (...args: never[]) => unknown, {
      ...options,
      name: options.name ?? String(context.name),
    }) as (this: This, ...args: Args) => R;
  };
}
