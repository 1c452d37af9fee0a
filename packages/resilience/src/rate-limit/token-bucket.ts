/** The limit a bucket is checked against. */
export interface BucketLimit {
  /** Tokens added per millisecond (fractional: refill is continuous). */
  readonly ratePerMs: number;
  /** The most tokens a bucket holds: the largest burst. */
  readonly burst: number;
}

/** The state of one bucket, as a store keeps it. */
export interface BucketState {
  /** Tokens held at `updatedMs` (fractional). */
  tokens: number;
  /** When `tokens` was last brought up to date, on the limiter's monotonic clock. */
  updatedMs: number;
}

/** A new bucket: full, as of `nowMs`. */
export function fullBucket(limit: BucketLimit, nowMs: number): BucketState {
  return { tokens: limit.burst, updatedMs: nowMs };
}

/** The tokens `bucket` holds at `nowMs`, refilled continuously and capped at the burst. */
export function tokensAt(bucket: BucketState, limit: BucketLimit, nowMs: number): number {
  const elapsedMs = nowMs > bucket.updatedMs ? nowMs - bucket.updatedMs : 0;
  const tokens = bucket.tokens + elapsedMs * limit.ratePerMs;
  return tokens > limit.burst ? limit.burst : tokens;
}

/**
 * Brings `bucket` up to `nowMs` and takes `cost` tokens if it holds them. Returns 0 when it
 * did, otherwise the whole milliseconds until it would (`Infinity` when `cost` exceeds the
 * burst and never can be). Refill is fractional, so a steady caller is never starved by
 * rounding.
 */
export function takeTokens(
  bucket: BucketState,
  cost: number,
  limit: BucketLimit,
  nowMs: number,
): number {
  const tokens = tokensAt(bucket, limit, nowMs);
  if (nowMs > bucket.updatedMs) bucket.updatedMs = nowMs;
  if (tokens >= cost) {
    bucket.tokens = tokens - cost;
    return 0;
  }
  bucket.tokens = tokens;
  if (cost > limit.burst) return Infinity;
  // Rounded up (at least 1 ms) so that waiting that long is always enough.
  return Math.max(1, Math.ceil((cost - tokens) / limit.ratePerMs));
}
