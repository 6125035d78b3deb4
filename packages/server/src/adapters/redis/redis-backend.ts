/**
 * @module
 * The Redis {@link ClusterBackend}: shared state in hashes and sets changed only by the Lua scripts
 * of `scripts.ts`, pub/sub on one all-nodes channel plus one reply channel per node. Every key
 * shares the hash tag `{prefix}`, so scripts work on Redis Cluster too (one slot per deployment).
 * Commands fail fast while disconnected (no offline queue), so an outage never grows memory.
 */
import { createHash } from 'node:crypto';
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import { isPresenceChannel } from '@herald/sdk/protocol';
import type { CachedEvent, CachedEventWithTtl, ChannelStats } from '../adapter.js';
import type {
  BackendHandlers,
  ClusterBackend,
  ClusterTransition,
  JoinOutcome,
  LeaveOutcome,
  SignInEntry,
  SubscriptionEntry,
} from '../cluster/backend.js';
import * as scripts from './scripts.js';

/** ioredis options, plus `cluster` to connect to a Redis Cluster through these start nodes. */
export type RedisConnectionOptions = RedisOptions & { readonly cluster?: readonly ClusterNode[] };

/** Options of a {@link RedisBackend}. */
export interface RedisBackendOptions {
  /** `redis://` / `rediss://` URL (ignored when `options.cluster` is set). */
  readonly url?: string;
  /** ioredis options (Sentinel: `sentinels` + `name`; Cluster: `cluster`). */
  readonly options?: RedisConnectionOptions;
  /** Key and channel prefix of this deployment (no braces); default `herald`. */
  readonly keyPrefix?: string;
}

type Client = Redis | Cluster;

/** Entries removed per reap script call, so one call never blocks Redis for long. */
const REAP_BATCH = 500;
const SEP = '\u001f';

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

const SCRIPTS = {
  join: new Script(scripts.JOIN),
  leave: new Script(scripts.LEAVE),
  signIn: new Script(scripts.SIGN_IN),
  signOut: new Script(scripts.SIGN_OUT),
  channels: new Script(scripts.CHANNELS),
  channel: new Script(scripts.CHANNEL),
  heartbeat: new Script(scripts.HEARTBEAT),
  nodes: new Script(scripts.NODES),
  reap: new Script(scripts.REAP),
  cacheSet: new Script(scripts.CACHE_SET),
  cacheGet: new Script(scripts.CACHE_GET),
};

/** Shared state and transport over Redis. */
export class RedisBackend implements ClusterBackend {
  readonly #base: string;
  readonly #url: string | undefined;
  readonly #options: RedisConnectionOptions;
  #client: Client | undefined;
  #subscriber: Client | undefined;
  #nodeChannel = '';
  #closed = false;

  constructor(options: RedisBackendOptions = {}) {
    const prefix = options.keyPrefix ?? 'herald';
    if (!prefix || /[{}]/.test(prefix)) {
      throw new TypeError('The Redis key prefix must be non-empty and contain no braces');
    }
    if (options.options && 'keyPrefix' in options.options) {
      // The Lua scripts derive key names themselves; ioredis' own prefixing would split them.
      throw new TypeError(
        'Set the Redis key prefix with redisKeyPrefix, not redisOptions.keyPrefix',
      );
    }
    this.#base = `{${prefix}}`;
    this.#url = options.url;
    this.#options = options.options ?? {};
  }

  #create(): Client {
    const { cluster, ...rest } = this.#options;
    const options: RedisOptions = {
      ...rest,
      // Fail fast while disconnected: the adapter decides what to do, and nothing piles up.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    };
    // ioredis' option types are not written for exactOptionalPropertyTypes, hence the casts.
    if (cluster) {
      return new Cluster([...cluster], {
        redisOptions: options as never,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
    }
    return this.#url ? new Redis(this.#url, options as never) : new Redis(options as never);
  }

  async connect(nodeId: string, handlers: BackendHandlers): Promise<void> {
    const client = this.#create();
    const subscriber = this.#create();
    this.#client = client;
    this.#subscriber = subscriber;
    const channels = [`${this.#base}:bus`, `${this.#base}:node:${nodeId}`];
    const update = () => {
      if (this.#closed) return;
      if (client.status !== 'ready' || subscriber.status !== 'ready') {
        handlers.onReadyChange(false);
        return;
      }
      // Ready once the (re)subscription is confirmed, so no message published after is missed.
      subscriber.subscribe(...channels).then(
        () => {
          if (!this.#closed) handlers.onReadyChange(true);
        },
        () => handlers.onReadyChange(false),
      );
    };
    for (const c of [client, subscriber]) {
      // Errors are reported as not-ready; ioredis reconnects by itself.
      c.on('error', () => undefined);
      c.on('close', update);
      c.on('end', update);
    }
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#nodeChannel) handlers.onDirect(message);
      else handlers.onMessage(message);
    });
    await Promise.all([client.connect(), subscriber.connect()]);
    this.#nodeChannel = channels[1]!;
    await subscriber.subscribe(...channels);
    // The ready events after the first are reconnections.
    client.on('ready', update);
    subscriber.on('ready', update);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      [this.#client, this.#subscriber].map(async (c) => {
        if (!c) return;
        try {
          await c.quit();
        } catch {
          c.disconnect();
        }
      }),
    );
  }

  async publish(message: string): Promise<void> {
    await this.#redis().publish(`${this.#base}:bus`, message);
  }

  async publishTo(nodeId: string, message: string): Promise<void> {
    await this.#redis().publish(`${this.#base}:node:${nodeId}`, message);
  }

  async join(nodeId: string, entry: SubscriptionEntry, maxMembers?: number): Promise<JoinOutcome> {
    const { member } = entry;
    const info = member?.userInfo === undefined ? '' : JSON.stringify(member.userInfo);
    const r = (await this.#run(
      SCRIPTS.join,
      nodeId,
      entry.appId,
      entry.channel,
      entry.socketId,
      member?.userId ?? '',
      info,
      maxMembers === undefined ? '' : String(maxMembers),
    )) as number[];
    if (r[0] !== 1) return { ok: false };
    return { ok: true, occupied: r[1] === 1, memberAdded: r[2] === 1, subscriptionCount: r[3]! };
  }

  async leave(
    _nodeId: string,
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<LeaveOutcome> {
    const r = (await this.#run(SCRIPTS.leave, appId, channel, socketId)) as [
      number,
      number,
      string,
      number,
      number,
    ];
    return {
      wasSubscribed: r[0] === 1,
      vacated: r[1] === 1,
      userId: r[2] === '' ? undefined : r[2],
      memberRemoved: r[3] === 1,
      subscriptionCount: r[4],
    };
  }

  async signIn(nodeId: string, entry: SignInEntry): Promise<boolean> {
    return (
      (await this.#run(SCRIPTS.signIn, nodeId, entry.appId, entry.userId, entry.socketId)) === 1
    );
  }

  async signOut(_nodeId: string, entry: SignInEntry): Promise<boolean> {
    return (await this.#run(SCRIPTS.signOut, entry.appId, entry.userId, entry.socketId)) === 1;
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelStats>> {
    const r = (await this.#run(SCRIPTS.channels, appId, prefix ?? '')) as (string | number)[];
    const out = new Map<string, ChannelStats>();
    for (let i = 0; i + 2 < r.length; i += 3) {
      const name = String(r[i]);
      const subscriptionCount = Number(r[i + 1]);
      out.set(
        name,
        isPresenceChannel(name)
          ? { subscriptionCount, userCount: Number(r[i + 2]) }
          : { subscriptionCount },
      );
    }
    return out;
  }

  async channel(appId: string, channel: string): Promise<ChannelStats> {
    const [subscriptionCount, userCount] = (await this.#run(SCRIPTS.channel, appId, channel)) as [
      number,
      number,
    ];
    return isPresenceChannel(channel) ? { subscriptionCount, userCount } : { subscriptionCount };
  }

  async members(appId: string, channel: string): Promise<Map<string, unknown>> {
    const all = await this.#redis().hgetall(`${this.#base}:mi:${appId}${SEP}${channel}`);
    const out = new Map<string, unknown>();
    for (const [userId, info] of Object.entries(all)) {
      out.set(userId, info === '' ? undefined : (JSON.parse(info) as unknown));
    }
    return out;
  }

  async onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const counts = await this.#redis().hmget(`${this.#base}:u:${appId}`, ...userIds);
    return userIds.filter((_, i) => Number(counts[i] ?? 0) > 0);
  }

  async cacheSet(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSeconds: number,
  ): Promise<void> {
    const value = JSON.stringify({ event: event.event, data: event.data });
    await this.#run(SCRIPTS.cacheSet, appId, channel, String(ttlSeconds), value);
  }

  async cacheGet(appId: string, channel: string): Promise<CachedEventWithTtl | undefined> {
    const r = (await this.#run(SCRIPTS.cacheGet, appId, channel)) as [string, number] | [];
    if (r.length === 0) return undefined;
    const { event, data } = JSON.parse(r[0]) as CachedEvent;
    return { event, data, ttlSeconds: Math.max(1, r[1]) };
  }

  async heartbeat(nodeId: string): Promise<{ rejoined: boolean }> {
    return { rejoined: (await this.#run(SCRIPTS.heartbeat, nodeId)) === 1 };
  }

  async liveNodes(timeoutMs: number): Promise<string[]> {
    return (await this.#run(SCRIPTS.nodes, String(timeoutMs), 'live')) as string[];
  }

  async deadNodes(timeoutMs: number): Promise<string[]> {
    return (await this.#run(SCRIPTS.nodes, String(timeoutMs), 'dead')) as string[];
  }

  /** Reaps one batch of `nodeId` if it is still silent for `timeoutMs` (-1: unconditionally). */
  async reapNode(
    nodeId: string,
    timeoutMs = -1,
  ): Promise<{ transitions: ClusterTransition[]; done: boolean }> {
    const transitions: ClusterTransition[] = [];
    const r = (await this.#run(SCRIPTS.reap, nodeId, String(timeoutMs), String(REAP_BATCH))) as (
      number | string
    )[];
    for (let i = 1; i + 3 < r.length; i += 4) {
      const [type = '', appId = '', a = '', b = ''] = r.slice(i, i + 4).map(String);
      if (type === 'v') transitions.push({ type: 'channel_vacated', appId, channel: a });
      else if (type === 'r') {
        transitions.push({ type: 'member_removed', appId, channel: a, userId: b });
      } else if (type === 'o') transitions.push({ type: 'user_offline', appId, userId: a });
    }
    return { transitions, done: r[0] === 1 };
  }

  async nodeEntries(
    nodeId: string,
  ): Promise<{ subscriptions: SubscriptionEntry[]; signIns: SignInEntry[] }> {
    const redis = this.#redis();
    const [subs, ins] = await Promise.all([
      redis.smembers(`${this.#base}:ns:${nodeId}`),
      redis.smembers(`${this.#base}:ni:${nodeId}`),
    ]);
    return {
      subscriptions: subs.map((e) => {
        const [appId = '', channel = '', socketId = ''] = e.split(SEP);
        return { appId, channel, socketId };
      }),
      signIns: ins.map((e) => {
        const [appId = '', socketId = '', userId = ''] = e.split(SEP);
        return { appId, socketId, userId };
      }),
    };
  }

  #redis(): Client {
    if (!this.#client) throw new Error('The Redis backend is not connected');
    return this.#client;
  }

  async #run(script: Script, ...args: string[]): Promise<unknown> {
    const redis = this.#redis();
    const keys = [`${this.#base}:n`];
    try {
      return await redis.evalsha(script.sha, 1, ...keys, this.#base, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(script.source, 1, ...keys, this.#base, ...args);
    }
  }
}
