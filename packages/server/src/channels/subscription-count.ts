/**
 * @module
 * `pusher_internal:subscription_count` for non-presence channels of apps with `subscriptionCount`
 * on. Changes are coalesced per channel: the first change after a quiet period is broadcast at once,
 * later ones within `intervalMs` are folded into one trailing broadcast of the latest count, so a
 * burst of N joins sends at most about one frame per interval instead of N. Each flush also emits a
 * `subscription_count` server event (webhooks). A new subscriber gets the count directly.
 */
import { channelType } from '@herald/sdk/protocol';
import type { LocalConnection } from '../adapters/adapter.js';
import type { App } from '../apps/app-store.js';
import type { ServerContext } from '../context.js';
import { subscriptionCount as subscriptionCountFrame } from '../protocol/messages.js';

/** Default coalescing window per channel, in ms. */
export const DEFAULT_SUBSCRIPTION_COUNT_INTERVAL_MS = 250;

/** True when `app` wants subscription counts on `channel` (public, private, encrypted, cache). */
export function countsSubscriptions(app: Pick<App, 'subscriptionCount'>, channel: string): boolean {
  if (!app.subscriptionCount) return false;
  const { kind } = channelType(channel);
  return kind !== 'presence' && kind !== 'server-to-user';
}

interface Window {
  readonly timer: NodeJS.Timeout;
  /** The latest count seen during the window, if it changed after the last flush. */
  pending: number | undefined;
  /** The count last broadcast. */
  sent: number;
}

/** The per-channel coalescer. */
export class SubscriptionCounts {
  readonly #context: Pick<ServerContext, 'adapter' | 'events' | 'logger'>;
  readonly #intervalMs: number;
  /** `appId\nchannel` → the open coalescing window. */
  readonly #windows = new Map<string, Window>();

  constructor(
    context: Pick<ServerContext, 'adapter' | 'events' | 'logger'>,
    options: { readonly intervalMs?: number } = {},
  ) {
    this.#context = context;
    this.#intervalMs = options.intervalMs ?? DEFAULT_SUBSCRIPTION_COUNT_INTERVAL_MS;
  }

  /**
   * Call after every subscribe and unsubscribe with the cluster-wide count the adapter returned.
   * `exceptSocketId` (the new subscriber, who got {@link sendTo}) is skipped by an immediate broadcast.
   */
  changed(app: App, channel: string, count: number, exceptSocketId?: string): void {
    if (!countsSubscriptions(app, channel)) return;
    const key = `${app.id}\n${channel}`;
    const window = this.#windows.get(key);
    if (window) {
      window.pending = count === window.sent ? undefined : count;
      return;
    }
    this.#flush(app.id, channel, count, exceptSocketId);
    this.#open(key, app.id, channel, count);
  }

  /** Sends the current count to one (new) subscriber, right after its subscription succeeded. */
  sendTo(app: App, connection: LocalConnection, channel: string, count: number): void {
    if (!countsSubscriptions(app, channel)) return;
    connection.send(subscriptionCountFrame(channel, count));
  }

  /** Stops every window without sending what is pending (server shutdown). */
  close(): void {
    for (const window of this.#windows.values()) clearTimeout(window.timer);
    this.#windows.clear();
  }

  #open(key: string, appId: string, channel: string, sent: number): void {
    const timer = setTimeout(() => {
      const window = this.#windows.get(key);
      this.#windows.delete(key);
      if (window?.pending === undefined) return;
      this.#flush(appId, channel, window.pending);
      this.#open(key, appId, channel, window.pending);
    }, this.#intervalMs);
    timer.unref();
    this.#windows.set(key, { timer, pending: undefined, sent });
  }

  #flush(appId: string, channel: string, count: number, exceptSocketId?: string): void {
    if (count > 0) {
      this.#context.adapter
        .broadcast(appId, channel, subscriptionCountFrame(channel, count), exceptSocketId)
        .catch((error: unknown) =>
          this.#context.logger.warn({ err: error, appId, channel }, 'subscription_count failed'),
        );
    }
    this.#context.events.emit({ type: 'subscription_count', appId, channel, count });
  }
}
