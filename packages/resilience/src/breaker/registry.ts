import { err, type Result } from '@foundation/core';
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import type { Operation } from '../context.js';
import { invalidOption } from '../errors.js';
import { integer, optionsObject, positive, type KnownOptions } from '../validate.js';
import {
  BREAKER_OPTIONS,
  circuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { consecutive } from './trip-rules.js';

/** Options of {@link breakerRegistry}. */
export interface BreakerRegistryOptions {
  /** Options for every breaker the registry makes (a call's own options win). */
  readonly defaults?: Omit<CircuitBreakerOptions, 'name'>;
  /** The most breakers it holds. Default 1 000. */
  readonly maxBreakers?: number;
}

/** Named circuit breakers, made on first use (see {@link breakerRegistry}). */
export interface BreakerRegistry {
  /**
   * The breaker named `name`, made with `options` the first time (later options are ignored).
   *
   * @throws FoundationError 3204 for an empty or forbidden name, 2201 when the registry is full.
   */
  get(name: string, options?: Omit<CircuitBreakerOptions, 'name'>): CircuitBreaker;
  /** True when a breaker of that name exists. */
  has(name: string): boolean;
  /** Forgets a breaker. */
  delete(name: string): boolean;
  /** The names held. */
  names(): string[];
}

// A registry names its breakers itself, so `name` is not among the options it takes.
const { name: _name, ...BREAKER_OPTIONS_BUT_NAME } = BREAKER_OPTIONS;
const REGISTRY_OPTIONS: KnownOptions<BreakerRegistryOptions> = {
  defaults: true,
  maxBreakers: true,
};
const CALL_OPTIONS: KnownOptions<CallWithBreakerOptions> = {
  breaker: true,
  signal: true,
  registry: true,
  failureThreshold: true,
  recoveryTimeMs: true,
};

class Registry implements BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #defaults: Omit<CircuitBreakerOptions, 'name'>;
  readonly #maxBreakers: number;

  constructor(options: BreakerRegistryOptions) {
    const o = optionsObject('options', options, REGISTRY_OPTIONS);
    this.#defaults = optionsObject('defaults', o.defaults, BREAKER_OPTIONS_BUT_NAME);
    this.#maxBreakers = integer('maxBreakers', o.maxBreakers ?? 1_000, 1);
  }

  get(name: string, options?: Omit<CircuitBreakerOptions, 'name'>): CircuitBreaker {
    const found = this.#breakers.get(name);
    if (found !== undefined) return found;
    if (typeof name !== 'string' || name === '' || isForbiddenKey(name)) {
      throw invalidOption('service', 'must be a non-empty string and not a forbidden key', name);
    }
    if (this.#breakers.size >= this.#maxBreakers) {
      throw new FoundationError('resource_exhausted', 'Breaker registry is full', {
        context: { maxBreakers: this.#maxBreakers, service: name },
      });
    }
    const breaker = circuitBreaker({
      ...this.#defaults,
      ...optionsObject('options', options, BREAKER_OPTIONS_BUT_NAME),
      name,
    });
    this.#breakers.set(name, breaker);
    return breaker;
  }

  has(name: string): boolean {
    return this.#breakers.has(name);
  }

  delete(name: string): boolean {
    return this.#breakers.delete(name);
  }

  names(): string[] {
    return [...this.#breakers.keys()];
  }
}

/**
 * Creates a registry of named circuit breakers.
 *
 * @param options - `defaults` for every breaker it makes (a call's own options win) and
 *   `maxBreakers`, the most breakers it holds (default 1 000)
 * @returns a new, empty registry; breakers are made on first {@link BreakerRegistry.get}
 */
export function breakerRegistry(options: BreakerRegistryOptions = {}): BreakerRegistry {
  return new Registry(options);
}

/** The registry {@link callWithBreaker} uses unless given another. */
export const defaultBreakerRegistry: BreakerRegistry = breakerRegistry();

/** Options of {@link callWithBreaker}. */
export interface CallWithBreakerOptions {
  /** Options for the service's breaker when it is made (first call). */
  readonly breaker?: Omit<CircuitBreakerOptions, 'name'>;
  /** Cancels the call. */
  readonly signal?: AbortSignal;
  /** The registry to use. Default {@link defaultBreakerRegistry}. */
  readonly registry?: BreakerRegistry;
  /**
   * ElixirScope's name: failures in a row that open the service's breaker when it is made, the
   * same as `breaker: { trip: consecutive(failureThreshold) }`. Not with `breaker.trip`.
   */
  readonly failureThreshold?: number;
  /**
   * ElixirScope's name: how long the breaker stays open before probing, in ms, when it is made;
   * the same as `breaker: { openMs: recoveryTimeMs }`. Not with `breaker.openMs` or
   * `breaker.openBackoff`.
   */
  readonly recoveryTimeMs?: number;
}

/** The breaker options a call gives, ElixirScope's `failureThreshold` and `recoveryTimeMs` included. */
function breakerOptionsOf(o: Partial<CallWithBreakerOptions>): Omit<CircuitBreakerOptions, 'name'> {
  const breaker = optionsObject('breaker', o.breaker, BREAKER_OPTIONS_BUT_NAME);
  if (o.failureThreshold === undefined && o.recoveryTimeMs === undefined) return breaker;
  if (o.failureThreshold !== undefined && breaker.trip !== undefined) {
    throw invalidOption('failureThreshold', 'cannot be combined with breaker.trip', 'both');
  }
  if (
    o.recoveryTimeMs !== undefined &&
    (breaker.openMs !== undefined || breaker.openBackoff !== undefined)
  ) {
    throw invalidOption(
      'recoveryTimeMs',
      'cannot be combined with breaker.openMs or breaker.openBackoff',
      'both',
    );
  }
  return {
    ...breaker,
    ...(o.failureThreshold !== undefined && {
      trip: consecutive(integer('failureThreshold', o.failureThreshold, 1)),
    }),
    ...(o.recoveryTimeMs !== undefined && {
      openMs: positive('recoveryTimeMs', o.recoveryTimeMs),
    }),
  };
}

/**
 * ElixirScope's `CircuitBreaker.call_with_breaker(service, fun, opts)`: runs `fn` through the
 * breaker named `service` (made on first use) and returns a Result — `ok(value)`, or
 * `err(error)` with 5101 `circuit_open` when refused, or the function's own error. Never
 * rejects.
 *
 * @param service - the breaker's name in the registry; calls with the same name share a breaker
 * @param fn - the operation to run, given the execution context (signal and attempt)
 * @param options - the breaker's options when it is made (first call only), the signal, the
 *   registry (default {@link defaultBreakerRegistry}) and ElixirScope's `failureThreshold` and
 *   `recoveryTimeMs` shortcuts
 * @returns a promise of `ok(value)` when `fn` succeeded, else `err(error)`: 5101
 *   `circuit_open` when refused, 3204 for invalid options, or the function's own error
 *
 * @example
 * ```ts
 * const result = await callWithBreaker('ai_provider', () => provider.complete(prompt));
 * if (!result.ok) return degradedAnswer(result.error);
 * ```
 */
export async function callWithBreaker<T>(
  service: string,
  fn: Operation<T>,
  options: CallWithBreakerOptions = {},
): Promise<Result<T, unknown>> {
  let instance: CircuitBreaker;
  let signal: AbortSignal | undefined;
  try {
    const o = optionsObject('options', options, CALL_OPTIONS);
    signal = o.signal;
    instance = (o.registry ?? defaultBreakerRegistry).get(service, breakerOptionsOf(o));
  } catch (error) {
    return err(error);
  }
  return instance.executeResult(fn, signal === undefined ? undefined : { signal });
}
