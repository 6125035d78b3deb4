/**
 * @module
 * This node's connections, channel subscriptions, presence members, signed-in users and watchlists: plain
 * synchronous data structures with O(1) updates and lookups, no I/O. Adapters own one by composition
 * and call it by name; cluster-wide answers are the adapter's job, never this class's.
 */
import type { OutboundFrame } from '../protocol/frame.js';

/** What the registry needs from a connection. */
export interface LocalConnection {
  /** The socket id the server assigned (`digits.digits`). */
  readonly socketId: string;
  /** Queues a frame; the transport batches and corks writes per event-loop turn. */
  send(frame: OutboundFrame): void;
  /** Closes the connection with a Pusher close code. */
  close(code: number, reason: string): void;
}

/** A presence member as stored: the id and the user_info from the user's first connection. */
export interface PresenceMember {
  /** The member's user id (always a string; numeric ids are stringified). */
  readonly userId: string;
  /** The `user_info` from channel_data (any JSON value), if given. */
  readonly userInfo?: unknown;
}

interface Subscription {
  readonly connection: LocalConnection;
  readonly userId: string | undefined;
}

interface MemberEntry {
  readonly info: unknown;
  readonly sockets: Set<string>;
}

/** One channel on this node. */
interface ChannelEntry {
  readonly subscriptions: Map<string, Subscription>;
  /** Presence channels only: user id → info and the sockets of that user in the channel. */
  readonly members: Map<string, MemberEntry> | undefined;
}

interface AppEntry {
  readonly connections: Map<string, LocalConnection>;
  readonly channels: Map<string, ChannelEntry>;
  /** Signed-in users: user id → their sockets on this node. */
  readonly users: Map<string, Set<string>>;
  /** Watchlists: watched user id → the connections on this node watching them. */
  readonly watchers: Map<string, Map<string, LocalConnection>>;
  /** Watchlists: socket id → the user ids it watches. */
  readonly watchlists: Map<string, readonly string[]>;
}

/** The local outcome of a join. */
export interface LocalJoin {
  /** The channel had no subscriber on this node before. */
  readonly channelCreated: boolean;
  /** The user had no socket in this presence channel on this node before. */
  readonly memberAdded: boolean;
  /** Subscribers on this node after the join. */
  readonly subscriptionCount: number;
}

/** The local outcome of a leave. */
export interface LocalLeave {
  /** The socket was subscribed (false: nothing changed). */
  readonly wasSubscribed: boolean;
  /** The channel has no subscriber left on this node. */
  readonly channelRemoved: boolean;
  /** The presence user of the socket, if any. */
  readonly userId: string | undefined;
  /** That user has no socket left in the channel on this node. */
  readonly memberRemoved: boolean;
  /** Subscribers on this node after the leave. */
  readonly subscriptionCount: number;
}

/** The per-node state of every app. */
export class LocalRegistry {
  readonly #apps = new Map<string, AppEntry>();

  #app(appId: string): AppEntry {
    let app = this.#apps.get(appId);
    if (!app) {
      app = {
        connections: new Map(),
        channels: new Map(),
        users: new Map(),
        watchers: new Map(),
        watchlists: new Map(),
      };
      this.#apps.set(appId, app);
    }
    return app;
  }

  /** Registers a new connection of `appId`. */
  addConnection(appId: string, connection: LocalConnection): void {
    this.#app(appId).connections.set(connection.socketId, connection);
  }

  /** Forgets a connection (and its watchlist). Callers leave its channels and sign it out first. */
  removeConnection(appId: string, socketId: string): void {
    const app = this.#apps.get(appId);
    if (!app) return;
    app.connections.delete(socketId);
    this.unwatch(appId, socketId);
    this.#dropIfEmpty(appId, app);
  }

  #dropIfEmpty(appId: string, app: AppEntry): void {
    if (
      app.connections.size === 0 &&
      app.channels.size === 0 &&
      app.users.size === 0 &&
      app.watchlists.size === 0
    ) {
      this.#apps.delete(appId);
    }
  }

  /** The connection with `socketId`, if it is on this node. */
  connection(appId: string, socketId: string): LocalConnection | undefined {
    return this.#apps.get(appId)?.connections.get(socketId);
  }

  /** Connections of `appId` on this node. */
  connectionCount(appId: string): number {
    return this.#apps.get(appId)?.connections.size ?? 0;
  }

  /** Every app with state on this node. */
  appIds(): IterableIterator<string> {
    return this.#apps.keys();
  }

  /** Every connection of `appId` on this node. */
  connections(appId: string): IterableIterator<LocalConnection> {
    return (this.#apps.get(appId)?.connections ?? new Map<string, LocalConnection>()).values();
  }

  /**
   * Subscribes a connection. For presence channels pass the member; the first socket of a user sets
   * the member's info. Joining twice is a no-op that reports no transition.
   */
  join(
    appId: string,
    channel: string,
    connection: LocalConnection,
    member?: PresenceMember,
  ): LocalJoin {
    const app = this.#app(appId);
    let entry = app.channels.get(channel);
    const channelCreated = entry === undefined;
    if (!entry) {
      entry = { subscriptions: new Map(), members: member ? new Map() : undefined };
      app.channels.set(channel, entry);
    }
    if (entry.subscriptions.has(connection.socketId)) {
      return {
        channelCreated: false,
        memberAdded: false,
        subscriptionCount: entry.subscriptions.size,
      };
    }
    entry.subscriptions.set(connection.socketId, { connection, userId: member?.userId });
    let memberAdded = false;
    if (member && entry.members) {
      const existing = entry.members.get(member.userId);
      if (existing) existing.sockets.add(connection.socketId);
      else {
        entry.members.set(member.userId, {
          info: member.userInfo,
          sockets: new Set([connection.socketId]),
        });
        memberAdded = true;
      }
    }
    return { channelCreated, memberAdded, subscriptionCount: entry.subscriptions.size };
  }

  /** Unsubscribes a connection; reports what changed on this node. */
  leave(appId: string, channel: string, socketId: string): LocalLeave {
    const app = this.#apps.get(appId);
    const entry = app?.channels.get(channel);
    const subscription = entry?.subscriptions.get(socketId);
    if (!app || !entry || !subscription) {
      return {
        wasSubscribed: false,
        channelRemoved: false,
        userId: undefined,
        memberRemoved: false,
        subscriptionCount: entry?.subscriptions.size ?? 0,
      };
    }
    entry.subscriptions.delete(socketId);
    const userId = subscription.userId;
    let memberRemoved = false;
    if (userId !== undefined && entry.members) {
      const member = entry.members.get(userId);
      if (member) {
        member.sockets.delete(socketId);
        if (member.sockets.size === 0) {
          entry.members.delete(userId);
          memberRemoved = true;
        }
      }
    }
    const channelRemoved = entry.subscriptions.size === 0;
    if (channelRemoved) app.channels.delete(channel);
    return {
      wasSubscribed: true,
      channelRemoved,
      userId,
      memberRemoved,
      subscriptionCount: entry.subscriptions.size,
    };
  }

  /** True when `socketId` is subscribed to `channel` on this node. */
  isSubscribed(appId: string, channel: string, socketId: string): boolean {
    return this.#apps.get(appId)?.channels.get(channel)?.subscriptions.has(socketId) ?? false;
  }

  /** The presence user id a socket joined `channel` as, if any. */
  memberOf(appId: string, channel: string, socketId: string): string | undefined {
    return this.#apps.get(appId)?.channels.get(channel)?.subscriptions.get(socketId)?.userId;
  }

  /** Subscribers of `channel` on this node. */
  subscriptionCount(appId: string, channel: string): number {
    return this.#apps.get(appId)?.channels.get(channel)?.subscriptions.size ?? 0;
  }

  /** Occupied channels of `appId` on this node, with their local subscriber counts. */
  channels(appId: string): IterableIterator<[string, number]> {
    const channels = this.#apps.get(appId)?.channels;
    return (function* () {
      if (!channels) return;
      for (const [name, entry] of channels)
        yield [name, entry.subscriptions.size] as [string, number];
    })();
  }

  /** Subscriptions of `channel` on this node: socket id → presence member (if any). */
  subscriptions(appId: string, channel: string): Map<string, PresenceMember | undefined> {
    const entry = this.#apps.get(appId)?.channels.get(channel);
    const out = new Map<string, PresenceMember | undefined>();
    if (!entry) return out;
    for (const [socketId, { userId }] of entry.subscriptions) {
      out.set(
        socketId,
        userId === undefined ? undefined : { userId, userInfo: entry.members?.get(userId)?.info },
      );
    }
    return out;
  }

  /** Signed-in users of `appId` on this node: user id → their socket ids. */
  signedInUsers(appId: string): IterableIterator<[string, ReadonlySet<string>]> {
    return (this.#apps.get(appId)?.users ?? new Map<string, Set<string>>()).entries();
  }

  /** Presence members of `channel` on this node: user id → user_info. */
  members(appId: string, channel: string): Map<string, unknown> {
    const members = this.#apps.get(appId)?.channels.get(channel)?.members;
    const out = new Map<string, unknown>();
    if (members) for (const [userId, entry] of members) out.set(userId, entry.info);
    return out;
  }

  /** Distinct presence users of `channel` on this node. */
  memberCount(appId: string, channel: string): number {
    return this.#apps.get(appId)?.channels.get(channel)?.members?.size ?? 0;
  }

  /** True when `userId` is a member of the presence `channel` on this node. */
  hasMember(appId: string, channel: string, userId: string): boolean {
    return this.#apps.get(appId)?.channels.get(channel)?.members?.has(userId) ?? false;
  }

  /** Writes `frame` to every local subscriber of `channel` except `exceptSocketId`. */
  deliver(appId: string, channel: string, frame: OutboundFrame, exceptSocketId?: string): number {
    const entry = this.#apps.get(appId)?.channels.get(channel);
    if (!entry) return 0;
    let delivered = 0;
    for (const [socketId, subscription] of entry.subscriptions) {
      if (socketId === exceptSocketId) continue;
      subscription.connection.send(frame);
      delivered++;
    }
    return delivered;
  }

  /** Records that `socketId` signed in as `userId`; true when it is the user's first socket here. */
  signIn(appId: string, userId: string, socketId: string): boolean {
    const users = this.#app(appId).users;
    const sockets = users.get(userId);
    if (sockets) {
      sockets.add(socketId);
      return false;
    }
    users.set(userId, new Set([socketId]));
    return true;
  }

  /** Forgets a sign-in; true when it was the user's last socket here. */
  signOut(appId: string, userId: string, socketId: string): boolean {
    const users = this.#apps.get(appId)?.users;
    const sockets = users?.get(userId);
    if (!users || !sockets || !sockets.delete(socketId)) return false;
    if (sockets.size > 0) return false;
    users.delete(userId);
    return true;
  }

  /** Sockets on this node signed in as `userId`. */
  userSockets(appId: string, userId: string): ReadonlySet<string> {
    return this.#apps.get(appId)?.users.get(userId) ?? new Set<string>();
  }

  /** True when `userId` is signed in on at least one socket of this node. */
  isUserOnline(appId: string, userId: string): boolean {
    return this.#apps.get(appId)?.users.has(userId) ?? false;
  }

  /** Writes `frame` to every local socket signed in as `userId`. */
  deliverToUser(appId: string, userId: string, frame: OutboundFrame): number {
    const app = this.#apps.get(appId);
    const sockets = app?.users.get(userId);
    if (!app || !sockets) return 0;
    for (const socketId of sockets) app.connections.get(socketId)?.send(frame);
    return sockets.size;
  }

  /** Closes every local socket signed in as `userId`. */
  closeUser(appId: string, userId: string, code: number, reason: string): number {
    const app = this.#apps.get(appId);
    const sockets = app?.users.get(userId);
    if (!app || !sockets) return 0;
    const connections = [...sockets].map((id) => app.connections.get(id));
    for (const connection of connections) connection?.close(code, reason);
    return connections.length;
  }

  /**
   * Records that `connection` watches `userIds` (its watchlist, replacing an earlier one), so
   * {@link LocalRegistry.deliverToWatchers} reaches it in O(1) per watcher.
   */
  watch(appId: string, connection: LocalConnection, userIds: readonly string[]): void {
    this.unwatch(appId, connection.socketId);
    if (userIds.length === 0) return;
    const app = this.#app(appId);
    app.watchlists.set(connection.socketId, userIds);
    for (const userId of userIds) {
      const watchers = app.watchers.get(userId);
      if (watchers) watchers.set(connection.socketId, connection);
      else app.watchers.set(userId, new Map([[connection.socketId, connection]]));
    }
  }

  /** Forgets the watchlist of `socketId` (nothing happens when it has none). */
  unwatch(appId: string, socketId: string): void {
    const app = this.#apps.get(appId);
    const userIds = app?.watchlists.get(socketId);
    if (!app || !userIds) return;
    app.watchlists.delete(socketId);
    for (const userId of userIds) {
      const watchers = app.watchers.get(userId);
      if (!watchers) continue;
      watchers.delete(socketId);
      if (watchers.size === 0) app.watchers.delete(userId);
    }
    this.#dropIfEmpty(appId, app);
  }

  /** The user ids `socketId` watches (empty when none). */
  watchlistOf(appId: string, socketId: string): readonly string[] {
    return this.#apps.get(appId)?.watchlists.get(socketId) ?? [];
  }

  /** Socket ids on this node watching `userId`. */
  watchersOf(appId: string, userId: string): IterableIterator<string> {
    return (this.#apps.get(appId)?.watchers.get(userId) ?? new Map<string, never>()).keys();
  }

  /** Writes `frame` to every local connection watching `userId`. */
  deliverToWatchers(appId: string, userId: string, frame: OutboundFrame): number {
    const watchers = this.#apps.get(appId)?.watchers.get(userId);
    if (!watchers) return 0;
    for (const connection of watchers.values()) connection.send(frame);
    return watchers.size;
  }
}
