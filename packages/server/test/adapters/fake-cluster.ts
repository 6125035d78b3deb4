/**
 * An in-process cluster for the conformance suite: a {@link FakeHub} plays Redis (shared state with
 * the same atomic semantics as the Lua scripts, plus a pub/sub bus) and each node reaches it through
 * a {@link FakeBackend} whose link can be cut (every call hangs, messages are lost), delayed, or
 * reported disconnected.
 */
import { isPresenceChannel } from '@herald/sdk/protocol';
import type { CachedEvent, CachedEventWithTtl, ChannelStats } from '../../src/adapters/adapter.js';
import type {
  BackendHandlers,
  ClusterBackend,
  ClusterTransition,
  JoinOutcome,
  LeaveOutcome,
  SignInEntry,
  SubscriptionEntry,
} from '../../src/adapters/cluster/backend.js';

const SEP = '\u001f';

interface Sub {
  readonly node: string;
  readonly userId: string | undefined;
}

/** The shared state and bus of a fake cluster. */
export class FakeHub {
  readonly subs = new Map<string, Map<string, Sub>>();
  readonly members = new Map<string, Map<string, { count: number; info: unknown }>>();
  readonly channelsOf = new Map<string, Set<string>>();
  readonly signIns = new Map<string, Map<string, { node: string; userId: string }>>();
  readonly users = new Map<string, Map<string, number>>();
  readonly cache = new Map<string, { value: CachedEvent; expiresAt: number }>();
  readonly nodes = new Map<string, number>();
  readonly nodeSubs = new Map<string, Set<string>>();
  readonly nodeSignIns = new Map<string, Set<string>>();
  readonly backends = new Set<FakeBackend>();

  /** A backend for one node. */
  backend(): FakeBackend {
    const backend = new FakeBackend(this);
    this.backends.add(backend);
    return backend;
  }

  #set<K, V>(map: Map<K, V>, key: K, create: () => V): V {
    let value = map.get(key);
    if (value === undefined) {
      value = create();
      map.set(key, value);
    }
    return value;
  }

  join(node: string, entry: SubscriptionEntry, maxMembers?: number): JoinOutcome {
    const key = `${entry.appId}${SEP}${entry.channel}`;
    const subs = this.#set(this.subs, key, () => new Map<string, Sub>());
    if (subs.has(entry.socketId)) {
      return { ok: true, occupied: false, memberAdded: false, subscriptionCount: subs.size };
    }
    const members = this.#set(this.members, key, () => new Map());
    const userId = entry.member?.userId;
    if (
      userId !== undefined &&
      maxMembers !== undefined &&
      !members.has(userId) &&
      members.size >= maxMembers
    ) {
      if (subs.size === 0) this.subs.delete(key);
      return { ok: false };
    }
    subs.set(entry.socketId, { node, userId });
    this.#set(this.nodeSubs, node, () => new Set()).add(`${key}${SEP}${entry.socketId}`);
    this.#set(this.channelsOf, entry.appId, () => new Set()).add(entry.channel);
    let memberAdded = false;
    if (userId !== undefined) {
      const member = members.get(userId);
      if (member) member.count++;
      else {
        members.set(userId, { count: 1, info: entry.member?.userInfo });
        memberAdded = true;
      }
    }
    return { ok: true, occupied: subs.size === 1, memberAdded, subscriptionCount: subs.size };
  }

  leave(appId: string, channel: string, socketId: string): LeaveOutcome {
    const key = `${appId}${SEP}${channel}`;
    const subs = this.subs.get(key);
    const sub = subs?.get(socketId);
    if (!subs || !sub) {
      return {
        wasSubscribed: false,
        vacated: false,
        userId: undefined,
        memberRemoved: false,
        subscriptionCount: subs?.size ?? 0,
      };
    }
    subs.delete(socketId);
    this.nodeSubs.get(sub.node)?.delete(`${key}${SEP}${socketId}`);
    const vacated = subs.size === 0;
    if (vacated) {
      this.subs.delete(key);
      this.channelsOf.get(appId)?.delete(channel);
    }
    let memberRemoved = false;
    if (sub.userId !== undefined) {
      const members = this.members.get(key);
      const member = members?.get(sub.userId);
      if (members && member && --member.count <= 0) {
        members.delete(sub.userId);
        memberRemoved = true;
      }
    }
    return {
      wasSubscribed: true,
      vacated,
      userId: sub.userId,
      memberRemoved,
      subscriptionCount: subs.size,
    };
  }

  signIn(node: string, { appId, userId, socketId }: SignInEntry): boolean {
    const ins = this.#set(this.signIns, appId, () => new Map());
    const existing = ins.get(socketId);
    if (existing?.userId === userId) return false;
    if (existing) this.signOut({ appId, userId: existing.userId, socketId });
    ins.set(socketId, { node, userId });
    this.#set(this.nodeSignIns, node, () => new Set()).add(`${appId}${SEP}${socketId}`);
    const users = this.#set(this.users, appId, () => new Map<string, number>());
    const count = (users.get(userId) ?? 0) + 1;
    users.set(userId, count);
    return count === 1;
  }

  signOut({ appId, userId, socketId }: SignInEntry): boolean {
    const ins = this.signIns.get(appId);
    const existing = ins?.get(socketId);
    if (!ins || existing?.userId !== userId) return false;
    ins.delete(socketId);
    this.nodeSignIns.get(existing.node)?.delete(`${appId}${SEP}${socketId}`);
    const users = this.users.get(appId)!;
    const count = (users.get(userId) ?? 1) - 1;
    if (count > 0) {
      users.set(userId, count);
      return false;
    }
    users.delete(userId);
    return true;
  }

  stats(appId: string, channel: string): ChannelStats {
    const key = `${appId}${SEP}${channel}`;
    const subscriptionCount = this.subs.get(key)?.size ?? 0;
    return isPresenceChannel(channel)
      ? { subscriptionCount, userCount: this.members.get(key)?.size ?? 0 }
      : { subscriptionCount };
  }

  reap(node: string, timeoutMs?: number): ClusterTransition[] {
    const seen = this.nodes.get(node);
    if (timeoutMs !== undefined && seen !== undefined && seen >= Date.now() - timeoutMs) return [];
    const out: ClusterTransition[] = [];
    for (const entry of [...(this.nodeSubs.get(node) ?? [])]) {
      const [appId = '', channel = '', socketId = ''] = entry.split(SEP);
      const r = this.leave(appId, channel, socketId);
      if (r.vacated) out.push({ type: 'channel_vacated', appId, channel });
      if (r.memberRemoved && r.userId !== undefined) {
        out.push({ type: 'member_removed', appId, channel, userId: r.userId });
      }
    }
    for (const entry of [...(this.nodeSignIns.get(node) ?? [])]) {
      const [appId = '', socketId = ''] = entry.split(SEP);
      const userId = this.signIns.get(appId)?.get(socketId)?.userId;
      if (userId !== undefined && this.signOut({ appId, userId, socketId })) {
        out.push({ type: 'user_offline', appId, userId });
      }
    }
    this.nodeSubs.delete(node);
    this.nodeSignIns.delete(node);
    this.nodes.delete(node);
    return out;
  }

  publish(from: FakeBackend, message: string): void {
    for (const backend of this.backends) backend.receive(from, message, false);
  }

  publishTo(from: FakeBackend, nodeId: string, message: string): void {
    for (const backend of this.backends) {
      if (backend.nodeId === nodeId) backend.receive(from, message, true);
    }
  }
}

/** One node's link to the hub, with fault injection. */
export class FakeBackend implements ClusterBackend {
  nodeId = '';
  #handlers: BackendHandlers | undefined;
  /** Every call hangs and messages in or out are lost (a partition, or a frozen node). */
  cut = false;
  /** Extra latency of every call and message, in ms. */
  delayMs = 0;
  #disconnected = false;
  #closed = false;

  constructor(readonly hub: FakeHub) {}

  /** Reports the link down: calls reject, messages are lost, the adapter sees not-ready. */
  disconnect(): void {
    this.#disconnected = true;
    this.#handlers?.onReadyChange(false);
  }

  /** Reports the link up again. */
  reconnect(): void {
    this.#disconnected = false;
    this.#handlers?.onReadyChange(true);
  }

  async #gate(): Promise<void> {
    if (this.#disconnected || this.#closed) throw new Error('disconnected');
    if (this.cut) await new Promise<never>(() => undefined);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.cut) await new Promise<never>(() => undefined);
    if (this.#disconnected || this.#closed) throw new Error('disconnected');
  }

  receive(from: FakeBackend, message: string, direct: boolean): void {
    if (from.cut || this.cut || this.#disconnected || this.#closed || from.#disconnected) return;
    const deliver = () => {
      if (this.cut || this.#closed) return;
      if (direct) this.#handlers?.onDirect(message);
      else this.#handlers?.onMessage(message);
    };
    const delay = from.delayMs + this.delayMs;
    if (delay > 0) setTimeout(deliver, delay);
    else queueMicrotask(deliver);
  }

  async connect(nodeId: string, handlers: BackendHandlers): Promise<void> {
    this.nodeId = nodeId;
    this.#handlers = handlers;
    await this.#gate();
  }

  close(): Promise<void> {
    this.#closed = true;
    this.hub.backends.delete(this);
    return Promise.resolve();
  }

  async publish(message: string): Promise<void> {
    await this.#gate();
    this.hub.publish(this, message);
  }

  async publishTo(nodeId: string, message: string): Promise<void> {
    await this.#gate();
    this.hub.publishTo(this, nodeId, message);
  }

  async join(nodeId: string, entry: SubscriptionEntry, maxMembers?: number): Promise<JoinOutcome> {
    await this.#gate();
    return this.hub.join(nodeId, entry, maxMembers);
  }

  async leave(
    _nodeId: string,
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<LeaveOutcome> {
    await this.#gate();
    return this.hub.leave(appId, channel, socketId);
  }

  async signIn(nodeId: string, entry: SignInEntry): Promise<boolean> {
    await this.#gate();
    return this.hub.signIn(nodeId, entry);
  }

  async signOut(_nodeId: string, entry: SignInEntry): Promise<boolean> {
    await this.#gate();
    return this.hub.signOut(entry);
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelStats>> {
    await this.#gate();
    const out = new Map<string, ChannelStats>();
    for (const channel of this.hub.channelsOf.get(appId) ?? []) {
      if (prefix === undefined || channel.startsWith(prefix)) {
        out.set(channel, this.hub.stats(appId, channel));
      }
    }
    return out;
  }

  async channel(appId: string, channel: string): Promise<ChannelStats> {
    await this.#gate();
    return this.hub.stats(appId, channel);
  }

  async members(appId: string, channel: string): Promise<Map<string, unknown>> {
    await this.#gate();
    const out = new Map<string, unknown>();
    for (const [userId, { info }] of this.hub.members.get(`${appId}${SEP}${channel}`) ?? []) {
      out.set(userId, info);
    }
    return out;
  }

  async onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]> {
    await this.#gate();
    const users = this.hub.users.get(appId);
    return userIds.filter((id) => (users?.get(id) ?? 0) > 0);
  }

  async cacheSet(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSeconds: number,
  ): Promise<void> {
    await this.#gate();
    this.hub.cache.set(`${appId}${SEP}${channel}`, {
      value: { event: event.event, data: event.data },
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
  }

  async cacheGet(appId: string, channel: string): Promise<CachedEventWithTtl | undefined> {
    await this.#gate();
    const entry = this.hub.cache.get(`${appId}${SEP}${channel}`);
    const left = (entry?.expiresAt ?? 0) - Date.now();
    if (!entry || left <= 0) return undefined;
    return { ...entry.value, ttlSeconds: Math.ceil(left / 1000) };
  }

  async heartbeat(nodeId: string): Promise<{ rejoined: boolean }> {
    await this.#gate();
    const rejoined = !this.hub.nodes.has(nodeId);
    this.hub.nodes.set(nodeId, Date.now());
    return { rejoined };
  }

  async liveNodes(timeoutMs: number): Promise<string[]> {
    await this.#gate();
    const limit = Date.now() - timeoutMs;
    return [...this.hub.nodes].filter(([, seen]) => seen >= limit).map(([id]) => id);
  }

  async deadNodes(timeoutMs: number): Promise<string[]> {
    await this.#gate();
    const limit = Date.now() - timeoutMs;
    return [...this.hub.nodes].filter(([, seen]) => seen < limit).map(([id]) => id);
  }

  async reapNode(
    nodeId: string,
    timeoutMs?: number,
  ): Promise<{ transitions: ClusterTransition[]; done: boolean }> {
    await this.#gate();
    return { transitions: this.hub.reap(nodeId, timeoutMs), done: true };
  }

  async nodeEntries(
    nodeId: string,
  ): Promise<{ subscriptions: SubscriptionEntry[]; signIns: SignInEntry[] }> {
    await this.#gate();
    return {
      subscriptions: [...(this.hub.nodeSubs.get(nodeId) ?? [])].map((e) => {
        const [appId = '', channel = '', socketId = ''] = e.split(SEP);
        return { appId, channel, socketId };
      }),
      signIns: [...(this.hub.nodeSignIns.get(nodeId) ?? [])].map((e) => {
        const [appId = '', socketId = ''] = e.split(SEP);
        return {
          appId,
          socketId,
          userId: this.hub.signIns.get(appId)?.get(socketId)?.userId ?? '',
        };
      }),
    };
  }
}
