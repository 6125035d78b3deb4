/**
 * @module
 * Announces the transitions a multi-node adapter reports outside of a write (a dead node's members
 * removed by this node, this node's state re-added after an outage): the presence frames go to the
 * channel's subscribers on every node, the watchlist online/offline frames to the user's watchers on
 * every node, and the events to the server's bus (webhooks, metrics).
 * Only the node that observed a transition gets it, so each is announced once cluster-wide.
 */
import type { ServerContext } from '../context.js';
import { OutboundFrame } from '../protocol/frame.js';
import { watchlistEventsFrame } from '../users/watchlist.js';
import type { ClusterTransition } from './adapter.js';

/** Subscribes to `context.adapter`'s transitions; returns the unsubscribe function. */
export function announceTransitions(context: ServerContext): () => void {
  const { adapter, events, logger } = context;
  if (!adapter.onTransitions) return () => undefined;
  const announce = (t: ClusterTransition): void => {
    switch (t.type) {
      case 'channel_occupied':
      case 'channel_vacated':
        events.emit({ type: t.type, appId: t.appId, channel: t.channel });
        break;
      case 'member_added': {
        const data = JSON.stringify({ user_id: t.userId, user_info: t.userInfo });
        const frame = OutboundFrame.event('pusher_internal:member_added', t.channel, data);
        void adapter.broadcast(t.appId, t.channel, frame);
        events.emit({ type: 'member_added', appId: t.appId, channel: t.channel, userId: t.userId });
        break;
      }
      case 'member_removed': {
        const data = JSON.stringify({ user_id: t.userId });
        const frame = OutboundFrame.event('pusher_internal:member_removed', t.channel, data);
        void adapter.broadcast(t.appId, t.channel, frame);
        events.emit({
          type: 'member_removed',
          appId: t.appId,
          channel: t.channel,
          userId: t.userId,
        });
        break;
      }
      case 'user_online':
      case 'user_offline': {
        const name = t.type === 'user_online' ? 'online' : 'offline';
        const frame = watchlistEventsFrame([{ name, user_ids: [t.userId] }]);
        void adapter.sendToWatchers(t.appId, t.userId, frame);
        break;
      }
    }
  };
  return adapter.onTransitions((transitions) => {
    for (const t of transitions) {
      try {
        announce(t);
      } catch (error) {
        logger.error({ err: error, transition: t }, 'Could not announce a cluster transition');
      }
    }
  });
}
