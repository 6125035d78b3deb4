/**
 * @module
 * A per-connection fixed one-second window: O(1), no timers.
 */

/** The verdict for one event. */
export type RateVerdict = 'ok' | 'rejected' | 'abusive';

/** Allows `limit` events per second; past twice the limit in one window the sender is abusive. */
export class RateLimiter {
  #windowStart = 0;
  #count = 0;
  #rejected = 0;

  /** @param limit - Events allowed per one-second window. */
  constructor(readonly limit: number) {}

  /** Counts one event at `now` (ms) and says whether it may pass. */
  take(now: number = Date.now()): RateVerdict {
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#count = 0;
      this.#rejected = 0;
    }
    if (this.#count < this.limit) {
      this.#count++;
      return 'ok';
    }
    this.#rejected++;
    return this.#rejected > this.limit ? 'abusive' : 'rejected';
  }
}
