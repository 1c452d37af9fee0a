import { optionsObject, positive, type KnownOptions } from '../validate.js';

/** Options of {@link retryBudget}. */
export interface RetryBudgetOptions {
  /** The most tokens the budget holds, and what it starts with. Default 10. */
  readonly maxTokens?: number;
  /** Tokens each success puts back. Default 0.1: at most one retry per ten successes. */
  readonly tokensPerSuccess?: number;
}

const BUDGET_OPTIONS: KnownOptions<RetryBudgetOptions> = {
  maxTokens: true,
  tokensPerSuccess: true,
};

/**
 * A retry budget shared by many `retry` policies: a token bucket refilled by successes, from
 * which every retry takes one token. When a dependency fails everywhere the bucket empties and
 * calls fail fast instead of multiplying the load by the number of attempts.
 */
export interface RetryBudget {
  /** The tokens left (fractional). */
  readonly tokens: number;
  /** Takes a token for one retry; false (taking nothing) when less than one is left. */
  tryWithdraw(): boolean;
  /** Records a success: puts `tokensPerSuccess` back, up to `maxTokens`. */
  deposit(): void;
}

class TokenRetryBudget implements RetryBudget {
  #tokens: number;

  constructor(
    readonly maxTokens: number,
    readonly tokensPerSuccess: number,
  ) {
    this.#tokens = maxTokens;
  }

  get tokens(): number {
    return this.#tokens;
  }

  tryWithdraw(): boolean {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  deposit(): void {
    const next = this.#tokens + this.tokensPerSuccess;
    this.#tokens = next > this.maxTokens ? this.maxTokens : next;
  }
}

/**
 * Creates a retry budget to pass to several `retry` policies.
 *
 * @param options - `maxTokens`, the most tokens held and the starting amount (default 10), and
 *   `tokensPerSuccess`, what each success puts back (default 0.1)
 * @returns a new, full budget; each retry takes one token, and a retry policy gives up
 *   instead of retrying when none is left
 * @throws FoundationError 3204 for a non-positive or non-finite number.
 * @example
 * ```ts
 * const budget = retryBudget({ maxTokens: 20, tokensPerSuccess: 0.1 });
 * const a = retry({ budget }); const b = retry({ budget });
 * ```
 */
export function retryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const o = optionsObject('options', options, BUDGET_OPTIONS);
  return new TokenRetryBudget(
    positive('maxTokens', o.maxTokens ?? 10),
    positive('tokensPerSuccess', o.tokensPerSuccess ?? 0.1),
  );
}
