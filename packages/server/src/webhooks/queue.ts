/**
 * @module
 * Where sealed webhook requests wait until they are delivered or given up. The dispatcher keeps one
 * FIFO per target and delivers its head before the next, so events of a channel arrive in order.
 * The in-memory queue serves one node; a shared implementation (e.g. Redis) can implement the same
 * interface to survive a node's death and deliver each request exactly once across a cluster.
 */

/** One webhook request: already serialized and signed, so every attempt sends the same bytes. */
export interface WebhookDelivery {
  /** Unique id (for de-duplication by shared queues and for logs). */
  readonly id: string;
  /** The FIFO this request belongs to (one per app and target). */
  readonly target: string;
  readonly appId: string;
  /** Where to POST. */
  readonly url: string;
  /** The `X-Pusher-Key` value. */
  readonly appKey: string;
  /** The exact JSON body. */
  readonly body: string;
  /** The `X-Pusher-Signature` value for `body`. */
  readonly signature: string;
  /** How many events `body` carries. */
  readonly events: number;
  /** When it was queued (ms since the epoch); retries stop `webhookMaxAgeMs` after it. */
  readonly createdAt: number;
  /** Attempts made so far. */
  readonly attempts: number;
}

/** Storage for pending webhook requests, one FIFO per target. Methods may be asynchronous. */
export interface WebhookQueue {
  /** Appends `delivery` to the FIFO of `delivery.target`. */
  push(delivery: WebhookDelivery): Promise<void>;
  /** The oldest request of `target`, left in place until {@link WebhookQueue.remove}. */
  peek(target: string): Promise<WebhookDelivery | undefined>;
  /** Records a failed attempt of the head of its FIFO (its new `attempts`). */
  update(delivery: WebhookDelivery): Promise<void>;
  /** Removes a request that was delivered or given up. */
  remove(delivery: WebhookDelivery): Promise<void>;
  /** Requests still queued, per target (for shutdown reports). */
  pending(): Promise<ReadonlyMap<string, readonly WebhookDelivery[]>>;
  /** Releases resources; what is still queued is the caller's to report. */
  close(): Promise<void>;
}

/** The single-node queue: arrays in a map. Each FIFO is bounded by the dispatcher's event count. */
export class MemoryWebhookQueue implements WebhookQueue {
  readonly #fifos = new Map<string, WebhookDelivery[]>();

  push(delivery: WebhookDelivery): Promise<void> {
    const fifo = this.#fifos.get(delivery.target);
    if (fifo) fifo.push(delivery);
    else this.#fifos.set(delivery.target, [delivery]);
    return Promise.resolve();
  }

  peek(target: string): Promise<WebhookDelivery | undefined> {
    return Promise.resolve(this.#fifos.get(target)?.[0]);
  }

  update(delivery: WebhookDelivery): Promise<void> {
    const fifo = this.#fifos.get(delivery.target);
    const index = fifo?.findIndex((d) => d.id === delivery.id) ?? -1;
    if (fifo && index >= 0) fifo[index] = delivery;
    return Promise.resolve();
  }

  remove(delivery: WebhookDelivery): Promise<void> {
    const fifo = this.#fifos.get(delivery.target);
    if (fifo) {
      // Almost always the head: O(1) in practice.
      const index = fifo[0]?.id === delivery.id ? 0 : fifo.findIndex((d) => d.id === delivery.id);
      if (index >= 0) fifo.splice(index, 1);
      if (fifo.length === 0) this.#fifos.delete(delivery.target);
    }
    return Promise.resolve();
  }

  pending(): Promise<ReadonlyMap<string, readonly WebhookDelivery[]>> {
    return Promise.resolve(new Map([...this.#fifos].map(([k, v]) => [k, [...v]])));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
