import { err, type Result } from '@foundation/core';
import { FoundationError, isForbiddenKey } from '@foundation/errors';
import type { Operation } from '../context.js';
import { invalidOption } from '../errors.js';
import { integer, optionsObject } from '../validate.js';
import {
  circuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';

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

class Registry implements BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #defaults: Omit<CircuitBreakerOptions, 'name'>;
  readonly #maxBreakers: number;

  constructor(options: BreakerRegistryOptions) {
    const o = optionsObject('options', options);
    this.#defaults = optionsObject('defaults', o.defaults);
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
      ...optionsObject('options', options),
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

/** Creates a registry of named circuit breakers. */
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
}

/**
 * The seed's `CircuitBreaker.call_with_breaker(service, fun, opts)`: runs `fn` through the
 * breaker named `service` (made on first use) and returns a Result — `ok(value)`, or
 * `err(error)` with 5101 `circuit_open` when refused, or the function's own error. Never
 * rejects.
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
    const o = optionsObject('options', options);
    signal = o.signal;
    instance = (o.registry ?? defaultBreakerRegistry).get(service, o.breaker);
  } catch (error) {
    return err(error);
  }
  return instance.executeResult(fn, signal === undefined ? undefined : { signal });
}
