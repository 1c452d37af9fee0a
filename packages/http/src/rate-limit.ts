import type { IncomingMessage } from 'node:http';
import type { Clock } from '@foundation/core';
import { FoundationError } from '@foundation/errors';
import {
  rateLimiter,
  ResilienceErrors,
  type RateLimiter,
  type RateLimitStore,
} from '@foundation/resilience';
import { invalidOption } from './codes.js';

/** Options of the per-client rate limit (a token bucket from `@foundation/resilience`). */
export interface RateLimitOptions {
  /** Requests per `per` milliseconds, on average. */
  readonly rate: number;
  /** The period of `rate`, in milliseconds. Default 1000. */
  readonly per?: number;
  /** Requests a client may make at once. Default `max(1, rate)`. */
  readonly burst?: number;
  /** The client a request counts against. Default the peer address. */
  readonly key?: (request: IncomingMessage) => string;
  /** The policy name in the `RateLimit-Policy` and `RateLimit` headers. Default `default`. */
  readonly policy?: string;
  /** Where buckets live (a shared store for several instances). Default in memory. */
  readonly store?: RateLimitStore;
  /** The most clients tracked at once by the memory store. Default 10 000. */
  readonly maxKeys?: number;
}

/** What the rate limit decided for one request. */
export interface RateLimitOutcome {
  /** Whether the request may go on. */
  readonly allowed: boolean;
  /** `RateLimit-Policy`, `RateLimit` and, when refused, `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;
  /** When refused: the 5102 `rate_limited` error to answer with. */
  readonly error: FoundationError | undefined;
}

const POLICY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function positiveNumber(path: string, value: unknown): void {
  if (
    value !== undefined &&
    (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
  ) {
    throw invalidOption(path, 'must be a finite number > 0', value);
  }
}

/**
 * The rate limit of an HTTP foundation: a keyed token bucket, and the headers of the IETF
 * `RateLimit` fields draft (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy:
 * "default";q=<burst>;w=<seconds to refill the burst>` and `RateLimit: "default";r=<requests
 * left>;t=<seconds until the bucket is full again>`, plus `Retry-After` (seconds) on a refusal.
 */
export class HttpRateLimit {
  readonly #limiter: RateLimiter;
  readonly #key: (request: IncomingMessage) => string;
  readonly #burst: number;
  readonly #ratePerSecond: number;
  readonly #name: string;
  readonly #policyHeader: string;

  constructor(options: RateLimitOptions, clock: Clock) {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw invalidOption('rateLimit', 'must be an object', options);
    }
    positiveNumber('rateLimit.rate', options.rate);
    if ((options.rate as unknown) === undefined)
      throw invalidOption('rateLimit.rate', 'is required');
    positiveNumber('rateLimit.per', options.per);
    positiveNumber('rateLimit.burst', options.burst);
    if (options.key !== undefined && typeof options.key !== 'function') {
      throw invalidOption('rateLimit.key', 'must be a function', options.key);
    }
    const name = options.policy ?? 'default';
    if (typeof name !== 'string' || !POLICY_NAME.test(name)) {
      throw invalidOption('rateLimit.policy', `must match ${String(POLICY_NAME)}`, name);
    }
    const per = options.per ?? 1000;
    this.#burst = options.burst ?? Math.max(1, options.rate);
    this.#ratePerSecond = (options.rate * 1000) / per;
    this.#name = name;
    this.#key = options.key ?? ((request) => request.socket.remoteAddress ?? 'unknown');
    this.#limiter = rateLimiter({
      rate: options.rate,
      per,
      burst: this.#burst,
      keyed: options.maxKeys === undefined ? { maxKeys: 10_000 } : { maxKeys: options.maxKeys },
      clock,
      ...(options.store === undefined ? {} : { store: options.store }),
    });
    const windowSeconds = Math.max(1, Math.ceil(this.#burst / this.#ratePerSecond));
    this.#policyHeader = `"${name}";q=${Math.floor(this.#burst)};w=${windowSeconds}`;
  }

  /** Takes one token for the request's client and says whether it may go on. */
  check(request: IncomingMessage): RateLimitOutcome {
    const key = this.#key(request);
    const decision = this.#limiter.check(key);
    const available = Math.max(0, this.#limiter.available(key));
    const untilFull = Math.ceil((this.#burst - available) / this.#ratePerSecond);
    const headers: Record<string, string> = {
      'ratelimit-policy': this.#policyHeader,
      ratelimit: `"${this.#name}";r=${Math.floor(available)};t=${Math.max(0, untilFull)}`,
    };
    if (decision.allowed) return { allowed: true, headers, error: undefined };
    const retryAfterMs = decision.retryAfterMs;
    if (Number.isFinite(retryAfterMs)) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    }
    const error = new FoundationError(ResilienceErrors.rate_limited, 'too many requests', {
      context: { retryAfterMs, policy: this.#name },
    });
    return { allowed: false, headers, error };
  }
}
