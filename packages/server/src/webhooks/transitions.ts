/**
 * @module
 * Holds "leave" transitions (channel_vacated, member_removed) for a short delay, like Pusher: when
 * the matching "arrive" (channel_occupied, member_added) comes within it, both are dropped, so a page
 * reload does not send vacated + occupied. Otherwise the leave is released when the delay ends.
 */

/** Delays leaves by key; O(1) per call. */
export class TransitionDelay<T> {
  readonly #held = new Map<string, { item: T; timer: NodeJS.Timeout }>();

  /**
   * @param delayMs - How long a leave waits (0 = released at once).
   * @param release - Receives each leave that was not cancelled.
   */
  constructor(
    private readonly delayMs: number,
    private readonly release: (item: T) => void,
  ) {}

  /** Holds the leave `item` under `key` (e.g. app + channel, or app + channel + user). */
  hold(key: string, item: T): void {
    if (this.delayMs === 0) return this.release(item);
    const previous = this.#held.get(key);
    if (previous) {
      // Two leaves without an arrive between them: keep both, in order.
      clearTimeout(previous.timer);
      this.#held.delete(key);
      this.release(previous.item);
    }
    const timer = setTimeout(() => {
      this.#held.delete(key);
      this.release(item);
    }, this.delayMs);
    timer.unref();
    this.#held.set(key, { item, timer });
  }

  /** An arrive under `key`: true when it cancelled a held leave (then drop the arrive too). */
  cancel(key: string): boolean {
    const held = this.#held.get(key);
    if (!held) return false;
    clearTimeout(held.timer);
    this.#held.delete(key);
    return true;
  }

  /** Releases every held leave now, oldest first (shutdown). */
  flush(): void {
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const { item, timer } of held) {
      clearTimeout(timer);
      this.release(item);
    }
  }

  /** How many leaves are held. */
  get size(): number {
    return this.#held.size;
  }
}
