/**
 * @module
 * Who watches whom on this node: each signed-in connection with a `watchlist` is indexed under every
 * user id it watches, so an online/offline transition reaches exactly its watchers in O(watchers),
 * without scanning connections. Plus the one builder of `pusher_internal:watchlist_events` frames.
 */
import { OutboundFrame } from '../protocol/frame.js';

/** One element of `pusher_internal:watchlist_events` (pusher-js emits it by `name`). */
export interface WatchlistEvent {
  /** `online`: the user got their first connection; `offline`: they lost their last one. */
  readonly name: 'online' | 'offline';
  /** The users concerned. */
  readonly user_ids: readonly string[];
}

/**
 * Builds `{"event":"pusher_internal:watchlist_events","data":"{\"events\":[...]}"}` (data is a JSON
 * string, like every server frame; no channel).
 */
export function watchlistEventsFrame(events: readonly WatchlistEvent[]): OutboundFrame {
  return OutboundFrame.event(
    'pusher_internal:watchlist_events',
    undefined,
    JSON.stringify({ events }),
  );
}

/** The watchlist status frame sent right after sign-in: online ids, then offline ids (empty lists left out). */
export function initialWatchlistFrame(
  watchlist: readonly string[],
  online: readonly string[],
): OutboundFrame | undefined {
  if (watchlist.length === 0) return undefined;
  const onlineSet = new Set(online);
  const events: WatchlistEvent[] = [];
  const onlineIds = watchlist.filter((id) => onlineSet.has(id));
  const offlineIds = watchlist.filter((id) => !onlineSet.has(id));
  if (onlineIds.length > 0) events.push({ name: 'online', user_ids: onlineIds });
  if (offlineIds.length > 0) events.push({ name: 'offline', user_ids: offlineIds });
  return watchlistEventsFrame(events);
}

/** This node's index of watching connections, per app. */
export class WatchlistRegistry {
  /** appId → watched user id → sockets watching them. */
  readonly #watchers = new Map<string, Map<string, Set<string>>>();
  /** appId → socket id → the ids it watches. */
  readonly #lists = new Map<string, Map<string, readonly string[]>>();

  /** Records that `socketId` watches `userIds` (replacing an earlier list of the same socket). */
  watch(appId: string, socketId: string, userIds: readonly string[]): void {
    this.unwatch(appId, socketId);
    if (userIds.length === 0) return;
    let lists = this.#lists.get(appId);
    if (!lists) this.#lists.set(appId, (lists = new Map<string, readonly string[]>()));
    lists.set(socketId, userIds);
    let watchers = this.#watchers.get(appId);
    if (!watchers) this.#watchers.set(appId, (watchers = new Map<string, Set<string>>()));
    for (const userId of userIds) {
      const sockets = watchers.get(userId);
      if (sockets) sockets.add(socketId);
      else watchers.set(userId, new Set([socketId]));
    }
  }

  /** Forgets everything `socketId` watched. */
  unwatch(appId: string, socketId: string): void {
    const lists = this.#lists.get(appId);
    const userIds = lists?.get(socketId);
    if (!lists || !userIds) return;
    lists.delete(socketId);
    if (lists.size === 0) this.#lists.delete(appId);
    const watchers = this.#watchers.get(appId);
    if (!watchers) return;
    for (const userId of userIds) {
      const sockets = watchers.get(userId);
      if (!sockets) continue;
      sockets.delete(socketId);
      if (sockets.size === 0) watchers.delete(userId);
    }
    if (watchers.size === 0) this.#watchers.delete(appId);
  }

  /** Sockets on this node watching `userId`. */
  watchersOf(appId: string, userId: string): ReadonlySet<string> {
    return this.#watchers.get(appId)?.get(userId) ?? new Set<string>();
  }

  /** The ids `socketId` watches (empty when none). */
  watchlistOf(appId: string, socketId: string): readonly string[] {
    return this.#lists.get(appId)?.get(socketId) ?? [];
  }
}
