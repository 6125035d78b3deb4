/**
 * @module
 * Extension points of the channel layer, for features built on top of it (cache channels,
 * subscription_count, sign-in, server-to-user). Every hook is optional; the defaults do nothing
 * beyond what the protocol core needs. Pass them to `createWebSocketServer(context, hooks)`.
 */
import type { App } from '../apps/app-store.js';
import type { ClientMessage } from '../protocol/messages.js';
import type { Connection } from '../connection/connection.js';

/** What a hook learns about a subscription change. */
export interface SubscriptionChange {
  /** The connection that joined or left. */
  readonly connection: Connection;
  /** Its app. */
  readonly app: App;
  /** The channel. */
  readonly channel: string;
  /** Subscribers after the change, cluster-wide. */
  readonly subscriptionCount: number;
}

/** Optional behaviour plugged into the channel layer. */
export interface ChannelHooks {
  /**
   * Runs after `pusher_internal:subscription_succeeded` was queued to the subscriber (protocol.md
   * §5.3 order): cache channels replay their last event or send `pusher:cache_miss` here
   * (`cache-`, `private-cache-`, `presence-cache-`, `private-encrypted-cache-`), then the
   * `subscription_count` broadcast. Runs inside the connection's serial processing.
   */
  afterSubscribe?(change: SubscriptionChange): void | Promise<void>;
  /** Runs after a connection left a channel (unsubscribe or disconnect): `subscription_count`. */
  afterUnsubscribe?(change: SubscriptionChange): void | Promise<void>;
  /**
   * Handles `pusher:signin`. When absent, the built-in sign-in (signature check, `signin_success`,
   * adapter.signIn) runs.
   */
  signin?(connection: Connection, message: ClientMessage): void | Promise<void>;
  // --- users ---
  /** Runs once `pusher:connection_established` was queued (require-sign-in deadline). */
  connected?(connection: Connection): void;
  /**
   * Signs a closing connection out, after it left its channels. When absent, the built-in sign-out
   * (adapter.signOut) runs.
   */
  signout?(connection: Connection): Promise<void>;
  // --- end users ---
}
