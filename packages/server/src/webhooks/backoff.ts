/**
 * @module
 * Retry timing for webhook deliveries: exponential backoff with jitter, and which answers are
 * worth retrying.
 */

/** How retries are spaced and when they stop. */
export interface RetryPolicy {
  /** Delay before the second attempt, doubled for each further attempt. */
  readonly baseMs: number;
  /** Cap on any one delay. */
  readonly maxDelayMs: number;
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** A delivery still failing this long after it was first queued is given up. */
  readonly maxAgeMs: number;
}

/**
 * The delay after failed attempt number `attempt` (1-based): `min(max, base·2^(attempt-1))`, of
 * which the upper half is random ("equal jitter"), so many failing targets do not retry in step.
 * A `Retry-After` the receiver sent wins when longer, still capped at `maxDelayMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** True for answers a retry may fix: 408, 429 and 5xx. Other non-2xx answers are permanent. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
