/**
 * @module
 * The connection core's one entry point into users, cache channels and subscription counts. The
 * router calls these hooks; each is cheap when its feature is off for the app.
 *
 * | Core event                                    | Hook                          |
 * |-----------------------------------------------|-------------------------------|
 * | connection established                        | {@link ConnectionExtensions.opened}      |
 * | `pusher:signin` frame                         | {@link ConnectionExtensions.signIn}      |
 * | subscribe to `#server-to-user-*`              | {@link ConnectionExtensions.mayUseServerToUserChannel} |
 * | after `subscription_succeeded` was sent       | {@link ConnectionExtensions.subscribed}  |
 * | after an unsubscribe (explicit or on close)   | {@link ConnectionExtensions.unsubscribed} |
 * | connection closed, before `removeConnection`  | {@link ConnectionExtensions.closed}      |
 * | server stop                                   | {@link ConnectionExtensions.close}       |
 */
import type { LocalConnection } from '../adapters/adapter.js';
import type { App } from '../apps/app-store.js';
import { CacheChannels } from '../channels/cache.js';
import { SubscriptionCounts } from '../channels/subscription-count.js';
import type { ServerContext } from '../context.js';
import { UserSessions, type SignInOutcome } from './sessions.js';

/** Hooks the connection core calls (see the module table). */
export interface ConnectionExtensions {
  /** Signed-in users of this node. */
  readonly users: UserSessions;
  /** A connection was established (starts the require-sign-in deadline). */
  opened(app: App, connection: LocalConnection): void;
  /** Handles `pusher:signin`; replies `pusher:signin_success` or `pusher:error` itself. */
  signIn(app: App, connection: LocalConnection, data: unknown): Promise<SignInOutcome>;
  /** True when the connection is signed in as the user of this `#server-to-user-{id}` channel. */
  mayUseServerToUserChannel(app: App, socketId: string, channel: string): boolean;
  /**
   * Call right after `subscription_succeeded` was sent: replays the cache (cache channels), then
   * sends the subscription count to the new subscriber and schedules the broadcast to the others.
   */
  subscribed(
    app: App,
    connection: LocalConnection,
    channel: string,
    subscriptionCount: number,
  ): Promise<void>;
  /** Call after a real unsubscribe (`wasSubscribed`), with the count the adapter returned. */
  unsubscribed(app: App, channel: string, subscriptionCount: number): void;
  /** Call once a connection closed, after its channels were left, before `removeConnection`. */
  closed(appId: string, socketId: string): Promise<void>;
  /** Stops timers (server shutdown). */
  close(): void;
}

/** Builds the hooks from the shared context. */
export function createConnectionExtensions(context: ServerContext): ConnectionExtensions {
  const users = new UserSessions(context);
  const cache = new CacheChannels(context);
  const counts = new SubscriptionCounts(context, {
    intervalMs: context.config.subscriptionCountIntervalMs,
  });
  return {
    users,
    opened: (app, connection) => users.opened(app, connection),
    signIn: (app, connection, data) => users.signIn(app, connection, data),
    mayUseServerToUserChannel: (app, socketId, channel) =>
      users.mayUseServerToUserChannel(app.id, socketId, channel),
    async subscribed(app, connection, channel, subscriptionCount) {
      await cache.replay(app, connection, channel);
      counts.sendTo(app, connection, channel, subscriptionCount);
      counts.changed(app, channel, subscriptionCount, connection.socketId);
    },
    unsubscribed: (app, channel, subscriptionCount) =>
      counts.changed(app, channel, subscriptionCount),
    closed: (appId, socketId) => users.closed(appId, socketId),
    close() {
      users.close();
      cache.close();
      counts.close();
    },
  };
}
