/**
 * @module
 * The one builder of `pusher_internal:watchlist_events` frames. Who watches whom is indexed per node
 * by the adapter's local registry (`local.watch`: watched user id → watching connections), so an
 * online/offline transition reaches exactly its watchers in O(watchers), without scanning
 * connections; `adapter.sendToWatchers` carries one frame to the watchers on every node.
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
