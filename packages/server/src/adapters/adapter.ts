/**
 * @module
 * The adapter seam: every membership change, fan-out and state query goes through it, so one node
 * (MemoryAdapter) and many nodes (RedisAdapter) behave the same. Rules (design.md §2.3):
 * local state lives in {@link LocalRegistry}; queries are cluster-wide and never partial (they reject
 * with {@link AdapterTimeoutError}); transitions (first subscriber, user's first socket, ...) come back
 * from the write, decided atomically; frames are serialized once.
 */
import type { OutboundFrame } from '../protocol/frame.js';
import type { LocalConnection, LocalRegistry, PresenceMember } from './local-registry.js';

export type { LocalConnection, PresenceMember } from './local-registry.js';

/** Counts for one channel, cluster-wide. */
export interface ChannelStats {
  /** Connections subscribed to the channel. */
  readonly subscriptionCount: number;
  /** Distinct users (presence channels only). */
  readonly userCount?: number;
}

/** Options of a subscribe. */
export interface SubscribeOptions {
  /** The presence member joining (presence channels only). */
  readonly member?: PresenceMember;
  /** Refuse the join when it would add a distinct user beyond this many (presence only). */
  readonly maxMembers?: number;
}

/** The cluster-wide outcome of a subscribe. */
export type SubscribeResult =
  | {
      readonly ok: true;
      /** First subscriber anywhere: send channel_occupied. */
      readonly occupied: boolean;
      /** The user's first socket in this presence channel anywhere: send member_added. */
      readonly memberAdded: boolean;
      /** Subscribers after the join, cluster-wide. */
      readonly subscriptionCount: number;
    }
  | { readonly ok: false; readonly reason: 'member-limit' };

/** The cluster-wide outcome of an unsubscribe. */
export interface UnsubscribeResult {
  /** The socket was subscribed (false: nothing changed, nothing to announce). */
  readonly wasSubscribed: boolean;
  /** Last subscriber anywhere left: send channel_vacated. */
  readonly vacated: boolean;
  /** The presence user id of the socket, if any. */
  readonly userId: string | undefined;
  /** That user's last socket in the channel anywhere left: send member_removed. */
  readonly memberRemoved: boolean;
  /** Subscribers after the leave, cluster-wide. */
  readonly subscriptionCount: number;
}

/** An event kept by a cache channel. */
export interface CachedEvent {
  /** Event name. */
  readonly event: string;
  /** Event data, exactly as triggered. */
  readonly data: string;
}

/** A cached event with its remaining lifetime. */
export interface CachedEventWithTtl extends CachedEvent {
  /** Seconds until it expires. */
  readonly ttlSeconds: number;
}

/**
 * A cluster-wide transition that no write returned: found when a dead node's state is removed, or
 * when a node resynchronizes after losing its backend. Reported once cluster-wide, through
 * {@link Adapter.onTransitions}; the server announces it like the same transition from a write
 * (`member_removed` to the channel, webhooks, watchlist offline, ...).
 */
export type ClusterTransition =
  | { readonly type: 'channel_occupied'; readonly appId: string; readonly channel: string }
  | { readonly type: 'channel_vacated'; readonly appId: string; readonly channel: string }
  | {
      readonly type: 'member_added';
      readonly appId: string;
      readonly channel: string;
      readonly userId: string;
      readonly userInfo?: unknown;
    }
  | {
      readonly type: 'member_removed';
      readonly appId: string;
      readonly channel: string;
      readonly userId: string;
    }
  | { readonly type: 'user_online'; readonly appId: string; readonly userId: string }
  | { readonly type: 'user_offline'; readonly appId: string; readonly userId: string };

/** A cluster query did not complete in time; the HTTP API answers 503. */
export class AdapterTimeoutError extends Error {
  override readonly name = 'AdapterTimeoutError';
  constructor(message = 'The cluster did not answer in time') {
    super(message);
  }
}

/** How the server talks to its node and, through it, to the cluster. */
export interface Adapter {
  /** This node's state (synchronous, local only). */
  readonly local: LocalRegistry;

  /** Connects and starts timers. */
  init(): Promise<void>;
  /** Releases connections and timers; idempotent. */
  close(): Promise<void>;

  /** Registers a connection of this node. */
  addConnection(appId: string, connection: LocalConnection): void;
  /** Forgets a connection of this node (after its channels were left and it was signed out). */
  removeConnection(appId: string, socketId: string): void;

  /** Delivers `frame` to every subscriber of `channel` on every node, except `exceptSocketId`. */
  broadcast(
    appId: string,
    channel: string,
    frame: OutboundFrame,
    exceptSocketId?: string,
  ): Promise<void>;
  /** Delivers `frame` to every socket signed in as `userId`, on every node. */
  sendToUser(appId: string, userId: string, frame: OutboundFrame): Promise<void>;
  /**
   * Delivers `frame` to every connection watching `userId` (registered with
   * `local.watch`), on every node: one publish, the same bytes to every watcher. Called by the node
   * that learned the user's online/offline transition, so each watcher gets it once.
   */
  sendToWatchers(appId: string, userId: string, frame: OutboundFrame): Promise<void>;
  /** Closes every socket signed in as `userId`, on every node. */
  terminateUser(appId: string, userId: string, code: number, reason: string): Promise<void>;

  /**
   * Subscribes a local connection and reports cluster-wide transitions. The connection must be
   * registered with {@link Adapter.addConnection}; multi-node adapters take the join back out when
   * the connection was removed while the join was in flight.
   */
  subscribe(
    appId: string,
    channel: string,
    connection: LocalConnection,
    options?: SubscribeOptions,
  ): Promise<SubscribeResult>;
  /** Unsubscribes a local socket and reports cluster-wide transitions. */
  unsubscribe(appId: string, channel: string, socketId: string): Promise<UnsubscribeResult>;
  /** Records a sign-in; `online` when it is the user's first socket anywhere. */
  signIn(appId: string, userId: string, socketId: string): Promise<{ readonly online: boolean }>;
  /** Forgets a sign-in; `offline` when it was the user's last socket anywhere. */
  signOut(appId: string, userId: string, socketId: string): Promise<{ readonly offline: boolean }>;

  /** Occupied channels (optionally only those starting with `prefix`), cluster-wide. */
  channels(appId: string, prefix?: string): Promise<Map<string, ChannelStats>>;
  /** Counts for one channel, cluster-wide (zero counts when unoccupied). */
  channel(appId: string, channel: string): Promise<ChannelStats>;
  /** Presence members, cluster-wide: user id → user_info. */
  presenceMembers(appId: string, channel: string): Promise<Map<string, unknown>>;
  /** Connections of the app, cluster-wide (connection quota). */
  connectionCount(appId: string): Promise<number>;
  /** Which of `userIds` are signed in somewhere (watchlists). */
  onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]>;

  /** Stores the last event of a cache channel for `ttlSeconds`. */
  cacheSet(appId: string, channel: string, event: CachedEvent, ttlSeconds: number): Promise<void>;
  /** The last event of a cache channel, if still alive. */
  cacheGet(appId: string, channel: string): Promise<CachedEventWithTtl | undefined>;

  /** Live nodes, from heartbeats (1 for the memory adapter). */
  serverCount(): Promise<number>;

  /**
   * Registers a listener of transitions no write returned (multi-node adapters: dead nodes reaped,
   * resync after an outage); returns a function that removes it. Absent: there are none.
   */
  onTransitions?(listener: (transitions: readonly ClusterTransition[]) => void): () => void;
  /** False while the cluster backend is unreachable (readiness). Absent: always ready. */
  isReady?(): boolean;
}
