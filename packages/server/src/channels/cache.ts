/**
 * @module
 * Cache channels (`cache-`, `private-cache-`, `presence-cache-`, `private-encrypted-cache-`): the last
 * event triggered through the HTTP API is kept in the adapter for `app.cacheTtlSeconds`; a new
 * subscriber gets it right after `subscription_succeeded`, or `pusher:cache_miss` when there is none
 * (plus a `cache_miss` server event, de-duplicated while a channel stays empty). Client events are
 * never cached.
 */
import { channelType } from '@herald/sdk/protocol';
import type { LocalConnection } from '../adapters/adapter.js';
import type { App } from '../apps/app-store.js';
import type { ServerContext } from '../context.js';
import { OutboundFrame } from '../protocol/frame.js';

/** How long one `cache_miss` server event stands for further misses on the same empty channel. */
export const CACHE_MISS_DEDUPE_MS = 5_000;

/** True for the four cache channel kinds. */
export function isCacheChannel(channel: string): boolean {
  return channelType(channel).cache;
}

/** `{"event":"pusher:cache_miss","channel":…}` (no data, as soketi and Reverb send it). */
export function cacheMissFrame(channel: string): OutboundFrame {
  return OutboundFrame.event('pusher:cache_miss', channel, undefined);
}

/** Stores and replays the last event of cache channels. */
export class CacheChannels {
  readonly #context: Pick<ServerContext, 'adapter' | 'events'>;
  readonly #dedupeMs: number;
  /** `appId\nchannel` → timer that ends the de-duplication of its cache_miss event. */
  readonly #recentMisses = new Map<string, NodeJS.Timeout>();

  constructor(
    context: Pick<ServerContext, 'adapter' | 'events'>,
    options: { readonly missDedupeMs?: number } = {},
  ) {
    this.#context = context;
    this.#dedupeMs = options.missDedupeMs ?? CACHE_MISS_DEDUPE_MS;
  }

  /**
   * Call right after sending `subscription_succeeded` on a cache channel: sends the cached event
   * (as an ordinary channel event) or `pusher:cache_miss` to `connection` only.
   */
  async replay(app: App, connection: LocalConnection, channel: string): Promise<void> {
    if (!isCacheChannel(channel)) return;
    const cached = await this.#context.adapter.cacheGet(app.id, channel);
    if (cached) {
      connection.send(OutboundFrame.event(cached.event, channel, cached.data));
      return;
    }
    connection.send(cacheMissFrame(channel));
    const key = `${app.id}\n${channel}`;
    if (this.#recentMisses.has(key)) return;
    const timer = setTimeout(() => this.#recentMisses.delete(key), this.#dedupeMs);
    timer.unref();
    this.#recentMisses.set(key, timer);
    this.#context.events.emit({ type: 'cache_miss', appId: app.id, channel });
  }

  /** Stops the de-duplication timers. */
  close(): void {
    for (const timer of this.#recentMisses.values()) clearTimeout(timer);
    this.#recentMisses.clear();
  }
}
