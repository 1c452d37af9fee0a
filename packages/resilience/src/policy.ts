import { err, ok, type Result } from '@foundation/core';
import type { ExecuteOptions, Operation } from './context.js';
import { invalidOption } from './errors.js';

/**
 * The one shape every resilience policy has. `R` is what the policy can return besides the
 * function's own value (a fallback's default); it is `never` for the others.
 *
 * Write your own policy by implementing both methods; it then composes with the built-in ones
 * in {@link pipeline}.
 */
export interface Policy<R = never> {
  /**
   * Runs `fn` under the policy. Resolves with its value, or rejects with the function's own
   * error or a FoundationError saying why the policy refused or gave up.
   */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T | R>;
  /**
   * Like {@link Policy.execute} but never rejects: the outcome is a `Result`. A policy that
   * refuses the call up front returns the refusal without throwing it.
   */
  executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<T | R, unknown>>;
}

/** The union of what the policies in a list can return besides the function's value. */
export type PolicyExtra<P extends readonly Policy<unknown>[]> =
  P[number] extends Policy<infer R> ? R : never;

/** Settles a promise into a Result: the shared body of `executeResult`. */
export async function settle<T>(promise: Promise<T>): Promise<Result<T, unknown>> {
  try {
    return ok(await promise);
  } catch (error) {
    return err(error);
  }
}

/**
 * Composes policies, outer to inner: `pipeline(retry, breaker, timeout)` retries calls that go
 * through the breaker, each attempt under its own timeout. The result is itself a policy.
 *
 * @param policies - one or more policies, outermost first; each wraps all those after it
 * @returns a new policy running calls through every policy in turn; its calls resolve to the
 *   function's value or to what a policy (such as a fallback) serves instead
 * @throws FoundationError 3204 when given no policy or something that is not one.
 * @example
 * ```ts
 * const policy = pipeline(retry({ maxAttempts: 3 }), circuitBreaker(), timeout(2_000));
 * const user = await policy.execute(({ signal }) => fetchUser(id, { signal }));
 * ```
 */
export function pipeline<const P extends readonly Policy<unknown>[]>(
  ...policies: P
): Policy<PolicyExtra<P>> {
  if (policies.length === 0) throw invalidOption('policies', 'needs at least one policy', 0);
  policies.forEach((policy, index) => {
    const candidate = policy as Partial<Policy<unknown>> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.execute !== 'function' ||
      typeof candidate.executeResult !== 'function'
    ) {
      throw invalidOption(`policies[${index}]`, 'must be a Policy', policy);
    }
  });
  return new Pipeline(policies) as Policy<PolicyExtra<P>>;
}

class Pipeline implements Policy<unknown> {
  readonly #policies: readonly Policy<unknown>[];

  constructor(policies: readonly Policy<unknown>[]) {
    this.#policies = policies.slice();
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<unknown> {
    return this.#policies[0]!.execute(this.#inner(1, fn), options);
  }

  executeResult<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<Result<unknown, unknown>> {
    return this.#policies[0]!.executeResult(this.#inner(1, fn), options);
  }

  /** The operation policy `index` runs: the rest of the chain, then `fn`. */
  #inner<T>(index: number, fn: Operation<T>): Operation<unknown> {
    if (index === this.#policies.length) return fn;
    const policy = this.#policies[index]!;
    const next = this.#inner(index + 1, fn);
    // The context an outer policy made is passed on as the inner one's options.
    return (context) => policy.execute(next, context);
  }
}
