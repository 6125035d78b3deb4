/**
 * @module
 * The single-node adapter: every answer comes from this node's {@link LocalRegistry}, so the
 * transitions are exact by construction.
 */
import type { OutboundFrame } from '../protocol/frame.js';
import type {
  Adapter,
  CachedEvent,
  CachedEventWithTtl,
  ChannelStats,
  SubscribeOptions,
  SubscribeResult,
  UnsubscribeResult,
} from './adapter.js';
import { LocalRegistry, type LocalConnection } from './local-registry.js';
import { isPresenceChannel } from '@herald/sdk/protocol';

interface CacheEntry extends CachedEvent {
  readonly expiresAt: number;
}

/** How often expired cache entries are swept, in ms. */
const CACHE_SWEEP_INTERVAL_MS = 60_000;

/** One process, no other service: the default adapter. */
export class MemoryAdapter implements Adapter {
  readonly local = new LocalRegistry();
  readonly #cache = new Map<string, CacheEntry>();
  #sweeper: NodeJS.Timeout | undefined;

  init(): Promise<void> {
    this.#sweeper ??= setInterval(() => this.#sweepCache(), CACHE_SWEEP_INTERVAL_MS).unref();
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#cache.clear();
    return Promise.resolve();
  }

  addConnection(appId: string, connection: LocalConnection): void {
    this.local.addConnection(appId, connection);
  }

  removeConnection(appId: string, socketId: string): void {
    this.local.removeConnection(appId, socketId);
  }

  broadcast(
    appId: string,
    channel: string,
    frame: OutboundFrame,
    exceptSocketId?: string,
  ): Promise<void> {
    this.local.deliver(appId, channel, frame, exceptSocketId);
    return Promise.resolve();
  }

  sendToUser(appId: string, userId: string, frame: OutboundFrame): Promise<void> {
    this.local.deliverToUser(appId, userId, frame);
    return Promise.resolve();
  }

  sendToWatchers(appId: string, userId: string, frame: OutboundFrame): Promise<void> {
    this.local.deliverToWatchers(appId, userId, frame);
    return Promise.resolve();
  }

  terminateUser(appId: string, userId: string, code: number, reason: string): Promise<void> {
    this.local.closeUser(appId, userId, code, reason);
    return Promise.resolve();
  }

  subscribe(
    appId: string,
    channel: string,
    connection: LocalConnection,
    options: SubscribeOptions = {},
  ): Promise<SubscribeResult> {
    const { member, maxMembers } = options;
    if (
      member &&
      maxMembers !== undefined &&
      !this.local.hasMember(appId, channel, member.userId) &&
      this.local.memberCount(appId, channel) >= maxMembers
    ) {
      return Promise.resolve({ ok: false, reason: 'member-limit' });
    }
    const join = this.local.join(appId, channel, connection, member);
    return Promise.resolve({
      ok: true,
      occupied: join.channelCreated,
      memberAdded: join.memberAdded,
      subscriptionCount: join.subscriptionCount,
    });
  }

  unsubscribe(appId: string, channel: string, socketId: string): Promise<UnsubscribeResult> {
    const leave = this.local.leave(appId, channel, socketId);
    return Promise.resolve({
      wasSubscribed: leave.wasSubscribed,
      vacated: leave.channelRemoved,
      userId: leave.userId,
      memberRemoved: leave.memberRemoved,
      subscriptionCount: leave.subscriptionCount,
    });
  }

  signIn(appId: string, userId: string, socketId: string): Promise<{ online: boolean }> {
    return Promise.resolve({ online: this.local.signIn(appId, userId, socketId) });
  }

  signOut(appId: string, userId: string, socketId: string): Promise<{ offline: boolean }> {
    return Promise.resolve({ offline: this.local.signOut(appId, userId, socketId) });
  }

  channels(appId: string, prefix?: string): Promise<Map<string, ChannelStats>> {
    const out = new Map<string, ChannelStats>();
    for (const [name, subscriptionCount] of this.local.channels(appId)) {
      if (prefix !== undefined && !name.startsWith(prefix)) continue;
      out.set(name, this.#stats(appId, name, subscriptionCount));
    }
    return Promise.resolve(out);
  }

  channel(appId: string, channel: string): Promise<ChannelStats> {
    return Promise.resolve(
      this.#stats(appId, channel, this.local.subscriptionCount(appId, channel)),
    );
  }

  presenceMembers(appId: string, channel: string): Promise<Map<string, unknown>> {
    return Promise.resolve(this.local.members(appId, channel));
  }

  connectionCount(appId: string): Promise<number> {
    return Promise.resolve(this.local.connectionCount(appId));
  }

  onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]> {
    return Promise.resolve(userIds.filter((id) => this.local.isUserOnline(appId, id)));
  }

  cacheSet(appId: string, channel: string, event: CachedEvent, ttlSeconds: number): Promise<void> {
    this.#cache.set(`${appId}\n${channel}`, {
      ...event,
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
    return Promise.resolve();
  }

  cacheGet(appId: string, channel: string): Promise<CachedEventWithTtl | undefined> {
    const key = `${appId}\n${channel}`;
    const entry = this.#cache.get(key);
    if (!entry) return Promise.resolve(undefined);
    const left = entry.expiresAt - Date.now();
    if (left <= 0) {
      this.#cache.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve({
      event: entry.event,
      data: entry.data,
      ttlSeconds: Math.ceil(left / 1000),
    });
  }

  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  #stats(appId: string, channel: string, subscriptionCount: number): ChannelStats {
    return isPresenceChannel(channel)
      ? { subscriptionCount, userCount: this.local.memberCount(appId, channel) }
      : { subscriptionCount };
  }

  #sweepCache(): void {
    const now = Date.now();
    for (const [key, entry] of this.#cache) if (entry.expiresAt <= now) this.#cache.delete(key);
  }
}
