/**
 * @module
 * Plugs users (sign-in, watchlists, require-sign-in), cache channels and subscription counts into
 * the connection core through its {@link ChannelHooks}:
 *
 * | Hook              | What runs                                                             |
 * |-------------------|-----------------------------------------------------------------------|
 * | `connected`       | require-sign-in deadline (close 4009 after `app.signInTimeoutMs`)     |
 * | `signin`          | verify, `signin_success`, watchlist status, online to watchers; sets `connection.user` |
 * | `afterSubscribe`  | cache replay or `pusher:cache_miss`, then the subscription count      |
 * | `afterUnsubscribe`| the (coalesced) subscription count                                    |
 * | `signout`         | sign-out, offline to watchers                                         |
 */
import type { ChannelHooks } from '../channels/hooks.js';
import { CacheChannels } from '../channels/cache.js';
import { SubscriptionCounts } from '../channels/subscription-count.js';
import type { ServerContext } from '../context.js';
import { UserSessions } from './sessions.js';

/** The hooks plus what owns timers. */
export interface UserExtensions {
  /** Pass to `createWebSocketServer(context, hooks)`. */
  readonly hooks: ChannelHooks;
  /** Signed-in users of this node. */
  readonly users: UserSessions;
  /** Stops timers (server shutdown). */
  close(): void;
}

/** Builds the hooks from the shared context. */
export function createUserExtensions(context: ServerContext): UserExtensions {
  const users = new UserSessions(context);
  const cache = new CacheChannels(context);
  const counts = new SubscriptionCounts(context, {
    intervalMs: context.config.subscriptionCountIntervalMs,
  });
  const hooks: ChannelHooks = {
    connected: (connection) => users.opened(connection.app, connection),
    async signin(connection, message) {
      const outcome = await users.signIn(connection.app, connection, message.data);
      if (!outcome.ok) return;
      // The core's own checks (#server-to-user- subscriptions) read the identity from here.
      connection.user = {
        id: outcome.userId,
        userData: outcome.userData,
        ...(outcome.userInfo !== undefined ? { userInfo: outcome.userInfo } : {}),
      };
    },
    async signout(connection) {
      connection.user = undefined;
      await users.closed(connection.app.id, connection.socketId);
    },
    async afterSubscribe({ connection, app, channel, subscriptionCount }) {
      await cache.replay(app, connection, channel);
      counts.sendTo(app, connection, channel, subscriptionCount);
      counts.changed(app, channel, subscriptionCount, connection.socketId);
    },
    afterUnsubscribe({ app, channel, subscriptionCount }) {
      counts.changed(app, channel, subscriptionCount);
    },
  };
  return {
    hooks,
    users,
    close() {
      users.close();
      cache.close();
      counts.close();
    },
  };
}
