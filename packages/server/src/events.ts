/**
 * @module
 * What happens in the server, as typed events: webhooks, metrics, logs and the debug console listen
 * here instead of being called from the connection and HTTP code. Emitting with no listener costs a
 * length check.
 */

/** Everything observable that happens to an app. */
export type ServerEvent =
  | { readonly type: 'connection_opened'; readonly appId: string; readonly socketId: string }
  | {
      readonly type: 'connection_closed';
      readonly appId: string;
      readonly socketId: string;
      readonly code: number;
    }
  | {
      readonly type: 'subscribed';
      readonly appId: string;
      readonly channel: string;
      readonly socketId: string;
    }
  | {
      readonly type: 'unsubscribed';
      readonly appId: string;
      readonly channel: string;
      readonly socketId: string;
    }
  | { readonly type: 'channel_occupied'; readonly appId: string; readonly channel: string }
  | { readonly type: 'channel_vacated'; readonly appId: string; readonly channel: string }
  | {
      readonly type: 'member_added';
      readonly appId: string;
      readonly channel: string;
      readonly userId: string;
    }
  | {
      readonly type: 'member_removed';
      readonly appId: string;
      readonly channel: string;
      readonly userId: string;
    }
  | {
      readonly type: 'client_event';
      readonly appId: string;
      readonly channel: string;
      readonly event: string;
      readonly data: unknown;
      readonly socketId: string;
      readonly userId?: string;
    }
  | {
      readonly type: 'api_event';
      readonly appId: string;
      readonly channels: readonly string[];
      readonly event: string;
      readonly data: string;
      readonly socketId?: string;
    }
  | { readonly type: 'cache_miss'; readonly appId: string; readonly channel: string }
  | {
      readonly type: 'subscription_count';
      readonly appId: string;
      readonly channel: string;
      readonly count: number;
    }
  | {
      /** One webhook request attempt finished (or events were given up without one). */
      readonly type: 'webhook_sent';
      readonly appId: string;
      /** The target URL, without any credentials it carries. */
      readonly url: string;
      /** How many events the request carried. */
      readonly events: number;
      /** True when the receiver answered 2xx. */
      readonly ok: boolean;
      /** The HTTP status, absent on a network error, timeout or drop. */
      readonly status?: number;
      /** 1 for the first attempt; 0 when the events were dropped before any attempt. */
      readonly attempt: number;
      /** delivered; retrying (will be tried again); failed (given up); dropped (queue full, never sent). */
      readonly outcome: 'delivered' | 'retrying' | 'failed' | 'dropped';
    }
  // --- metrics --- Emitted only for metrics; emit them behind `if (events.active)` so they cost
  // nothing when metrics are off. See docs/metrics.md.
  /** One WebSocket message received from a client (`bytes`: its size). */
  | { readonly type: 'message_in'; readonly appId: string; readonly bytes: number }
  /** Frames written to clients: `messages` frames (one per recipient) of `bytes` bytes in total. */
  | {
      readonly type: 'message_out';
      readonly appId: string;
      readonly messages: number;
      readonly bytes: number;
    }
  /**
   * One HTTP request answered. `route` is the route's fixed name (`events`, `batch_events`,
   * `channels`, ...; `health`, `ready`; `(unmatched)` for 404s), never the raw path, so the
   * metric's label set stays small.
   */
  | {
      readonly type: 'http_request';
      readonly route: string;
      readonly method: string;
      readonly status: number;
      readonly durationMs: number;
    }
  /** One adapter publish (fan-out to the cluster) and how long it took. */
  | { readonly type: 'adapter_publish'; readonly adapter: string; readonly durationMs: number };

/** A listener of server events; it must not throw and must not block. */
export type ServerEventListener = (event: ServerEvent) => void;

/** A tiny synchronous event bus. */
export class ServerEvents {
  #listeners: ServerEventListener[] = [];

  /** Adds a listener; returns a function that removes it. */
  on(listener: ServerEventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** True when someone listens (lets callers skip building an event). */
  get active(): boolean {
    return this.#listeners.length > 0;
  }

  /** Hands `event` to every listener. */
  emit(event: ServerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
