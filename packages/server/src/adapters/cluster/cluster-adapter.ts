/**
 * @module
 * The multi-node adapter, independent of the backend: fan-out over pub/sub (one publish per
 * broadcast, each node writes to its own sockets), membership written to the shared state by atomic
 * backend operations that return the transition, node-to-node requests on per-node reply channels,
 * heartbeats and reaping of dead nodes, and outage handling (local delivery keeps working, queries
 * reject, the node's state is resynchronized when the backend is back).
 *
 * Exactly-once rule: a transition is reported once, either as the answer of the write that caused
 * it, or through {@link ClusterAdapter.onTransitions} (dead-node reaping, resync after an outage).
 * A write that could not reach the cluster reports no transition; the resync reports it later.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.js';
import { OutboundFrame } from '../../protocol/frame.js';
import {
  AdapterTimeoutError,
  type Adapter,
  type CachedEvent,
  type CachedEventWithTtl,
  type ChannelStats,
  type SubscribeOptions,
  type SubscribeResult,
  type UnsubscribeResult,
} from '../adapter.js';
import { LocalRegistry, type LocalConnection } from '../local-registry.js';
import type { ClusterBackend, ClusterTransition, SubscriptionEntry } from './backend.js';
import { resync } from './resync.js';
import { withTimeout } from './with-timeout.js';

export type { ClusterTransition } from './backend.js';

/** A listener of transitions not returned by a write (reaping, resync). Must not throw. */
export type TransitionListener = (transitions: readonly ClusterTransition[]) => void;

/** Options of a {@link ClusterAdapter}. */
export interface ClusterAdapterOptions {
  /** This node's id (default: random). */
  readonly nodeId?: string;
  /** A node silent for this long is declared dead and its state removed (default 10 000 ms). */
  readonly nodeTimeoutMs?: number;
  /** Longest wait for a cluster answer before rejecting with AdapterTimeoutError (default 5000). */
  readonly requestTimeoutMs?: number;
  /** Heartbeat period (default nodeTimeoutMs / 4). */
  readonly heartbeatIntervalMs?: number;
  /** Where warnings go. */
  readonly logger?: Logger;
}

/** Message field separator (never produced by JSON.stringify, hence never inside a frame). */
const SEP = '\u001f';

interface PendingRequest {
  readonly waiting: Set<string>;
  total: number;
  readonly resolve: (total: number) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Splits `message` into `count` fields; the last one keeps any separators. */
function fields(message: string, count: number): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < count - 1; i++) {
    const end = message.indexOf(SEP, start);
    if (end < 0) return [];
    out.push(message.slice(start, end));
    start = end + 1;
  }
  out.push(message.slice(start));
  return out;
}

/** An {@link Adapter} for many nodes over a {@link ClusterBackend}. */
export class ClusterAdapter implements Adapter {
  readonly local = new LocalRegistry();
  /** This node's id in the cluster. */
  readonly nodeId: string;
  readonly #backend: ClusterBackend;
  readonly #nodeTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #heartbeatIntervalMs: number;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<TransitionListener>();
  readonly #pending = new Map<string, PendingRequest>();
  #requestSeq = 0;
  #connected = false;
  #ready = false;
  #closed = false;
  #dirty = false;
  #resyncing: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #tickRunning: Promise<void> | undefined;

  constructor(backend: ClusterBackend, options: ClusterAdapterOptions = {}) {
    this.#backend = backend;
    this.nodeId = options.nodeId ?? randomBytes(8).toString('hex');
    this.#nodeTimeoutMs = options.nodeTimeoutMs ?? 10_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.#heartbeatIntervalMs =
      options.heartbeatIntervalMs ?? Math.max(50, Math.floor(this.#nodeTimeoutMs / 4));
    this.#logger = options.logger;
  }

  /**
   * Registers a listener of transitions that no write returned: state of dead nodes removed by this
   * node, and this node's own transitions found by a resync. Each is reported once, cluster-wide.
   * Returns a function that removes the listener.
   */
  onTransitions(listener: TransitionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** True while the backend is connected and this node's state is synchronized. */
  isReady(): boolean {
    return this.#ready;
  }

  async init(): Promise<void> {
    try {
      await this.#start();
    } catch (error) {
      // Do not leave a client reconnecting forever behind a failed start.
      this.#closed = true;
      await this.#backend.close();
      throw error;
    }
  }

  async #start(): Promise<void> {
    await withTimeout(
      this.#backend.connect(this.nodeId, {
        onMessage: (message) => this.#onMessage(message),
        onDirect: (message) => this.#onDirect(message),
        onReadyChange: (ready) => this.#onReadyChange(ready),
      }),
      this.#requestTimeoutMs,
      'connect',
    );
    this.#connected = true;
    await withTimeout(this.#backend.heartbeat(this.nodeId), this.#requestTimeoutMs, 'heartbeat');
    this.#ready = true;
    this.#heartbeat = setInterval(() => {
      if (this.#tickRunning || this.#closed) return;
      this.#tickRunning = this.#tick().finally(() => (this.#tickRunning = undefined));
    }, this.#heartbeatIntervalMs).unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const [id, request] of this.#pending) {
      clearTimeout(request.timer);
      this.#pending.delete(id);
      request.reject(new AdapterTimeoutError('The adapter is closing'));
    }
    // Let a heartbeat or resync in flight finish, so it cannot re-add this node after it left.
    await Promise.allSettled([this.#tickRunning, this.#resyncing]);
    if (this.#connected) {
      try {
        // Leave the cluster at once instead of waiting for the others to reap this node.
        await this.#reap(this.nodeId, undefined);
      } catch (error) {
        this.#logger?.warn({ err: error }, 'Could not remove this node from the cluster');
      }
    }
    this.#ready = false;
    await this.#backend.close();
  }

  /**
   * Stops at once without leaving the cluster, as `kill -9` would: the other nodes reap this node's
   * state after the node timeout. For chaos tests and drills.
   */
  async crash(): Promise<void> {
    this.#closed = true;
    this.#ready = false;
    clearInterval(this.#heartbeat);
    await this.#backend.close();
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
    return this.#publish(['b', this.nodeId, appId, channel, exceptSocketId ?? '', frame.text]);
  }

  sendToUser(appId: string, userId: string, frame: OutboundFrame): Promise<void> {
    this.local.deliverToUser(appId, userId, frame);
    return this.#publish(['u', this.nodeId, appId, userId, frame.text]);
  }

  sendToWatchers(appId: string, userId: string, frame: OutboundFrame): Promise<void> {
    this.local.deliverToWatchers(appId, userId, frame);
    return this.#publish(['w', this.nodeId, appId, userId, frame.text]);
  }

  terminateUser(appId: string, userId: string, code: number, reason: string): Promise<void> {
    this.local.closeUser(appId, userId, code, reason);
    return this.#publish(['t', this.nodeId, appId, userId, String(code), reason]);
  }

  async subscribe(
    appId: string,
    channel: string,
    connection: LocalConnection,
    options: SubscribeOptions = {},
  ): Promise<SubscribeResult> {
    const { member, maxMembers } = options;
    const entry: SubscriptionEntry = member
      ? { appId, channel, socketId: connection.socketId, member }
      : { appId, channel, socketId: connection.socketId };
    if (this.#ready) {
      try {
        const outcome = await withTimeout(
          this.#backend.join(this.nodeId, entry, member ? maxMembers : undefined),
          this.#requestTimeoutMs,
          'subscribe',
        );
        if (!outcome.ok) return { ok: false, reason: 'member-limit' };
        if (this.local.connection(appId, connection.socketId) !== connection) {
          // The connection closed while the join was in flight: take it back out, and announce
          // what that leave causes, so no ghost subscriber or member stays in the cluster.
          void this.#undoJoin(appId, channel, connection.socketId);
          return outcome;
        }
        this.local.join(appId, channel, connection, member);
        return outcome;
      } catch (error) {
        this.#lost('subscribe', error);
      }
    }
    // Cluster unreachable: serve locally, report no transition; the resync will.
    if (
      member &&
      maxMembers !== undefined &&
      !this.local.hasMember(appId, channel, member.userId) &&
      this.local.memberCount(appId, channel) >= maxMembers
    ) {
      return { ok: false, reason: 'member-limit' };
    }
    const join = this.local.join(appId, channel, connection, member);
    this.#dirty = true;
    return {
      ok: true,
      occupied: false,
      memberAdded: false,
      subscriptionCount: join.subscriptionCount,
    };
  }

  async #undoJoin(appId: string, channel: string, socketId: string): Promise<void> {
    try {
      const out = await withTimeout(
        this.#backend.leave(this.nodeId, appId, channel, socketId),
        this.#requestTimeoutMs,
        'unsubscribe',
      );
      const transitions: ClusterTransition[] = [];
      if (out.vacated) transitions.push({ type: 'channel_vacated', appId, channel });
      if (out.memberRemoved && out.userId !== undefined) {
        transitions.push({ type: 'member_removed', appId, channel, userId: out.userId });
      }
      this.#report(transitions);
    } catch (error) {
      this.#lost('unsubscribe', error);
    }
  }

  async unsubscribe(appId: string, channel: string, socketId: string): Promise<UnsubscribeResult> {
    // Stop local delivery first, whatever the cluster says.
    const leave = this.local.leave(appId, channel, socketId);
    if (this.#ready) {
      try {
        const outcome = await withTimeout(
          this.#backend.leave(this.nodeId, appId, channel, socketId),
          this.#requestTimeoutMs,
          'unsubscribe',
        );
        return {
          ...outcome,
          wasSubscribed: outcome.wasSubscribed || leave.wasSubscribed,
          userId: outcome.userId ?? leave.userId,
        };
      } catch (error) {
        this.#lost('unsubscribe', error);
      }
    }
    this.#dirty = true;
    return {
      wasSubscribed: leave.wasSubscribed,
      vacated: false,
      userId: leave.userId,
      memberRemoved: false,
      subscriptionCount: leave.subscriptionCount,
    };
  }

  async signIn(appId: string, userId: string, socketId: string): Promise<{ online: boolean }> {
    this.local.signIn(appId, userId, socketId);
    if (this.#ready) {
      try {
        const online = await withTimeout(
          this.#backend.signIn(this.nodeId, { appId, userId, socketId }),
          this.#requestTimeoutMs,
          'sign-in',
        );
        return { online };
      } catch (error) {
        this.#lost('sign-in', error);
      }
    }
    this.#dirty = true;
    return { online: false };
  }

  async signOut(appId: string, userId: string, socketId: string): Promise<{ offline: boolean }> {
    this.local.signOut(appId, userId, socketId);
    if (this.#ready) {
      try {
        const offline = await withTimeout(
          this.#backend.signOut(this.nodeId, { appId, userId, socketId }),
          this.#requestTimeoutMs,
          'sign-out',
        );
        return { offline };
      } catch (error) {
        this.#lost('sign-out', error);
      }
    }
    this.#dirty = true;
    return { offline: false };
  }

  channels(appId: string, prefix?: string): Promise<Map<string, ChannelStats>> {
    return this.#query(() => this.#backend.channels(appId, prefix), 'channels');
  }

  channel(appId: string, channel: string): Promise<ChannelStats> {
    return this.#query(() => this.#backend.channel(appId, channel), 'channel');
  }

  presenceMembers(appId: string, channel: string): Promise<Map<string, unknown>> {
    return this.#query(() => this.#backend.members(appId, channel), 'presence members');
  }

  onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]> {
    return this.#query(() => this.#backend.onlineUsers(appId, userIds), 'online users');
  }

  cacheSet(appId: string, channel: string, event: CachedEvent, ttlSeconds: number): Promise<void> {
    return this.#query(() => this.#backend.cacheSet(appId, channel, event, ttlSeconds), 'cache');
  }

  cacheGet(appId: string, channel: string): Promise<CachedEventWithTtl | undefined> {
    return this.#query(() => this.#backend.cacheGet(appId, channel), 'cache');
  }

  async serverCount(): Promise<number> {
    const nodes = await this.#query(() => this.#backend.liveNodes(this.#nodeTimeoutMs), 'nodes');
    return nodes.includes(this.nodeId) ? nodes.length : nodes.length + 1;
  }

  /**
   * Connections of the app on every node: a node-to-node request answered by each live node on this
   * node's reply channel. Rejects with AdapterTimeoutError unless every live node answers in time.
   */
  async connectionCount(appId: string): Promise<number> {
    const nodes = await this.#query(() => this.#backend.liveNodes(this.#nodeTimeoutMs), 'nodes');
    const others = nodes.filter((node) => node !== this.nodeId);
    const own = this.local.connectionCount(appId);
    if (others.length === 0) return own;
    const requestId = `${this.nodeId}:${++this.#requestSeq}`;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new AdapterTimeoutError('The cluster did not answer in time (connection count)'));
      }, this.#requestTimeoutMs);
      this.#pending.set(requestId, {
        waiting: new Set(others),
        total: own,
        resolve,
        reject,
        timer,
      });
      this.#publish(['q', this.nodeId, requestId, 'count', appId]).catch(() => undefined);
    });
  }

  // --- transport ---

  #publish(parts: string[]): Promise<void> {
    // While disconnected, remote nodes are unreachable: drop instead of buffering without bound.
    if (!this.#connected || !this.#ready) return Promise.resolve();
    return this.#backend.publish(parts.join(SEP)).catch((error: unknown) => {
      this.#logger?.warn({ err: error }, 'Cluster publish failed');
    });
  }

  #onMessage(message: string): void {
    if (this.#closed) return;
    const type = message.slice(0, 1);
    try {
      if (type === 'b') {
        const [, sender, appId, channel, except, text] = fields(message, 6);
        if (sender === this.nodeId || text === undefined) return;
        this.local.deliver(appId!, channel!, new OutboundFrame(text), except || undefined);
      } else if (type === 'u') {
        const [, sender, appId, userId, text] = fields(message, 5);
        if (sender === this.nodeId || text === undefined) return;
        this.local.deliverToUser(appId!, userId!, new OutboundFrame(text));
      } else if (type === 'w') {
        const [, sender, appId, userId, text] = fields(message, 5);
        if (sender === this.nodeId || text === undefined) return;
        this.local.deliverToWatchers(appId!, userId!, new OutboundFrame(text));
      } else if (type === 't') {
        const [, sender, appId, userId, code, reason] = fields(message, 6);
        if (sender === this.nodeId || reason === undefined) return;
        this.local.closeUser(appId!, userId!, Number(code), reason);
      } else if (type === 'q') {
        const [, sender, requestId, kind, appId] = fields(message, 5);
        if (sender === this.nodeId || appId === undefined || kind !== 'count') return;
        const answer = ['r', requestId, this.nodeId, String(this.local.connectionCount(appId))];
        this.#backend.publishTo(sender!, answer.join(SEP)).catch(() => undefined);
      }
    } catch (error) {
      this.#logger?.warn({ err: error }, 'Bad cluster message ignored');
    }
  }

  #onDirect(message: string): void {
    const [type, requestId, responder, value] = fields(message, 4);
    if (type !== 'r' || value === undefined) return;
    const request = this.#pending.get(requestId!);
    if (!request || !request.waiting.delete(responder!)) return;
    request.total += Number(value) || 0;
    this.#settle(requestId!, request);
  }

  #settle(requestId: string, request: PendingRequest): void {
    if (request.waiting.size > 0) return;
    clearTimeout(request.timer);
    this.#pending.delete(requestId);
    request.resolve(request.total);
  }

  // --- liveness and outages ---

  #onReadyChange(ready: boolean): void {
    if (this.#closed) return;
    if (!ready) {
      if (this.#ready) this.#logger?.warn('Cluster backend unreachable; serving local only');
      this.#ready = false;
      this.#dirty = true;
      return;
    }
    void this.#recover();
  }

  /** Back online: heartbeat, resynchronize, then report ready. */
  async #recover(): Promise<void> {
    try {
      await withTimeout(this.#backend.heartbeat(this.nodeId), this.#requestTimeoutMs, 'heartbeat');
      await this.#resync();
      if (this.#closed) return;
      this.#ready = true;
      this.#logger?.info('Cluster backend reachable again; state resynchronized');
    } catch (error) {
      this.#logger?.warn({ err: error }, 'Resync failed; will retry');
      this.#dirty = true;
    }
  }

  #lost(what: string, error: unknown): void {
    this.#dirty = true;
    this.#logger?.warn({ err: error }, `Cluster write failed (${what}); will resync`);
  }

  async #tick(): Promise<void> {
    try {
      const { rejoined } = await withTimeout(
        this.#backend.heartbeat(this.nodeId),
        this.#requestTimeoutMs,
        'heartbeat',
      );
      if (this.#closed) return;
      if (rejoined || this.#dirty || !this.#ready) {
        if (rejoined) this.#logger?.warn('This node had been declared dead; resynchronizing');
        await this.#resync();
        if (!this.#closed) this.#ready = true;
      }
      const dead = await withTimeout(
        this.#backend.deadNodes(this.#nodeTimeoutMs),
        this.#requestTimeoutMs,
        'dead nodes',
      );
      for (const node of dead) {
        if (node === this.nodeId || this.#closed) continue;
        this.#forgetNode(node);
        const count = await this.#reap(node, this.#nodeTimeoutMs);
        if (count > 0) this.#logger?.info({ node, transitions: count }, 'Dead node reaped');
      }
    } catch (error) {
      this.#logger?.debug({ err: error }, 'Heartbeat failed');
    }
  }

  /** Removes `node`'s state batch by batch, reporting each batch's transitions as it goes. */
  async #reap(node: string, timeoutMs: number | undefined): Promise<number> {
    let count = 0;
    for (;;) {
      const { transitions, done } = await withTimeout(
        this.#backend.reapNode(node, timeoutMs),
        this.#requestTimeoutMs,
        'reap',
      );
      count += transitions.length;
      this.#report(transitions);
      if (done) return count;
    }
  }

  /** A dead node will not answer: stop waiting for it (its state is gone with it). */
  #forgetNode(node: string): void {
    for (const [id, request] of this.#pending) {
      if (request.waiting.delete(node)) this.#settle(id, request);
    }
  }

  /** Makes the shared state hold exactly this node's local state; reports what that changed. */
  #resync(): Promise<void> {
    this.#resyncing ??= (async () => {
      try {
        do {
          this.#dirty = false;
          await this.#resyncOnce();
        } while (this.#dirty && !this.#closed);
      } finally {
        this.#resyncing = undefined;
      }
    })();
    return this.#resyncing;
  }

  async #resyncOnce(): Promise<void> {
    const transitions = await resync(
      this.#backend,
      this.local,
      this.nodeId,
      this.#requestTimeoutMs,
    );
    this.#report(transitions);
  }

  #report(transitions: readonly ClusterTransition[]): void {
    if (transitions.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(transitions);
      } catch (error) {
        this.#logger?.error({ err: error }, 'Transition listener threw');
      }
    }
  }

  async #query<T>(run: () => Promise<T>, what: string): Promise<T> {
    if (!this.#ready) throw new AdapterTimeoutError(`The cluster is unavailable (${what})`);
    return withTimeout(run(), this.#requestTimeoutMs, what);
  }
}
