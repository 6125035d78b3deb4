/**
 * The adapter conformance suite: every adapter runs the same tests (design.md §2.3). A target
 * creates clusters of N nodes; tests that need more nodes than a target has, or a fault it cannot
 * inject, are skipped with the reason.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdapterTimeoutError,
  type Adapter,
  type ClusterTransition,
} from '../../src/adapters/adapter.js';
import type { LocalConnection } from '../../src/adapters/local-registry.js';
import { OutboundFrame } from '../../src/protocol/frame.js';

/** A running cluster of adapter nodes. */
export interface ConformanceCluster {
  readonly nodes: readonly Adapter[];
  /** Stops node `index` as kill -9 would: no leave, no more answers or heartbeats. */
  crash?(index: number): Promise<void>;
  /** Makes every backend call of node `index` hang (a stalled link). */
  stall?(index: number): void;
  /** Reports node `index`'s backend down, then up again. */
  disconnect?(index: number): void;
  reconnect?(index: number): void;
  /** Stops every node still running. */
  close(): Promise<void>;
}

/** An adapter under test. */
export interface ConformanceTarget {
  readonly name: string;
  /** Most nodes it can run (1 for the memory adapter). */
  readonly maxNodes: number;
  /** The node timeout its clusters use (dead-node tests wait up to 3× this). */
  readonly nodeTimeoutMs?: number;
  /** A reason to skip the whole suite (e.g. the service is missing), or undefined. */
  readonly skip?: string | undefined;
  /** Creates and initializes a cluster of `nodes` nodes. */
  create(nodes: number): Promise<ConformanceCluster>;
}

/** A connection that records what it is sent. */
export interface FakeConnection extends LocalConnection {
  readonly frames: string[];
  closed: { code: number; reason: string } | undefined;
}

/** A recording connection with id `socketId`. */
export function fakeConnection(socketId: string): FakeConnection {
  const connection: FakeConnection = {
    socketId,
    frames: [],
    closed: undefined,
    send(frame) {
      connection.frames.push(frame.text);
    },
    close(code, reason) {
      connection.closed = { code, reason };
    },
  };
  return connection;
}

/** Waits until `check` holds (polling), or fails after `ms`. Not a speed assertion: a bound. */
export async function eventually(
  check: () => boolean,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

const APP = 'app-1';
let seq = 0;
/** A fresh socket id. */
const sid = () => `${1000 + ++seq}.${Math.floor(Math.random() * 1e6)}`;

/** Connects a new fake socket to `node`. */
function connect(node: Adapter): FakeConnection {
  const connection = fakeConnection(sid());
  node.addConnection(APP, connection);
  return connection;
}

function member(userId: string, info: unknown = { name: userId }) {
  return { member: { userId, userInfo: info } };
}

/** Runs the conformance suite against `target`. */
export function adapterConformance(target: ConformanceTarget): void {
  describe(`adapter conformance: ${target.name}`, { skip: target.skip ?? false }, () => {
    async function cluster(t: TestContext, nodes: number): Promise<ConformanceCluster | undefined> {
      if (nodes > target.maxNodes) {
        t.skip(`needs ${nodes} nodes; ${target.name} has ${target.maxNodes}`);
        return undefined;
      }
      const c = await target.create(nodes);
      t.after(() => c.close());
      return c;
    }

    test('subscribe and unsubscribe report occupied/vacated and member transitions', async (t) => {
      const c = await cluster(t, 1);
      if (!c) return;
      const [a] = c.nodes as [Adapter];
      const s1 = connect(a);
      const s2 = connect(a);
      const r1 = await a.subscribe(APP, 'presence-room', s1, member('u1'));
      assert.deepEqual(r1, { ok: true, occupied: true, memberAdded: true, subscriptionCount: 1 });
      const r2 = await a.subscribe(APP, 'presence-room', s2, member('u1'));
      assert.deepEqual(r2, { ok: true, occupied: false, memberAdded: false, subscriptionCount: 2 });
      assert.deepEqual(await a.channel(APP, 'presence-room'), {
        subscriptionCount: 2,
        userCount: 1,
      });
      assert.deepEqual(
        [...(await a.presenceMembers(APP, 'presence-room'))],
        [['u1', { name: 'u1' }]],
      );
      const l1 = await a.unsubscribe(APP, 'presence-room', s1.socketId);
      assert.deepEqual(l1, {
        wasSubscribed: true,
        vacated: false,
        userId: 'u1',
        memberRemoved: false,
        subscriptionCount: 1,
      });
      const l2 = await a.unsubscribe(APP, 'presence-room', s2.socketId);
      assert.deepEqual(l2, {
        wasSubscribed: true,
        vacated: true,
        userId: 'u1',
        memberRemoved: true,
        subscriptionCount: 0,
      });
      const again = await a.unsubscribe(APP, 'presence-room', s2.socketId);
      assert.equal(again.wasSubscribed, false);
      assert.equal(again.vacated, false);
      assert.deepEqual(await a.channel(APP, 'presence-room'), {
        subscriptionCount: 0,
        userCount: 0,
      });
      assert.deepEqual(await a.channel(APP, 'public'), { subscriptionCount: 0 });
    });

    test('transitions are cluster-wide', async (t) => {
      const c = await cluster(t, 2);
      if (!c) return;
      const [a, b] = c.nodes as [Adapter, Adapter];
      const sa = connect(a);
      const sb = connect(b);
      assert.equal((await a.subscribe(APP, 'presence-x', sa, member('u'))).ok, true);
      const rb = await b.subscribe(APP, 'presence-x', sb, member('u'));
      assert.deepEqual(rb, { ok: true, occupied: false, memberAdded: false, subscriptionCount: 2 });
      const la = await a.unsubscribe(APP, 'presence-x', sa.socketId);
      assert.equal(la.vacated, false);
      assert.equal(la.memberRemoved, false);
      const lb = await b.unsubscribe(APP, 'presence-x', sb.socketId);
      assert.equal(lb.vacated, true);
      assert.equal(lb.memberRemoved, true);
    });

    test('concurrent duplicate joins of one socket report one transition', async (t) => {
      const c = await cluster(t, 1);
      if (!c) return;
      const [a] = c.nodes as [Adapter];
      const s = connect(a);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => a.subscribe(APP, 'presence-dup', s, member('u'))),
      );
      const ok = results.filter((r) => r.ok);
      assert.equal(ok.length, 5);
      assert.equal(ok.filter((r) => r.occupied).length, 1);
      assert.equal(ok.filter((r) => r.memberAdded).length, 1);
      assert.deepEqual(await a.channel(APP, 'presence-dup'), {
        subscriptionCount: 1,
        userCount: 1,
      });
    });

    test('simultaneous last leave on two nodes: exactly one vacated', async (t) => {
      const c = await cluster(t, 2);
      if (!c) return;
      const [a, b] = c.nodes as [Adapter, Adapter];
      for (let round = 0; round < 10; round++) {
        const sa = connect(a);
        const sb = connect(b);
        const joins = await Promise.all([
          a.subscribe(APP, 'race', sa),
          b.subscribe(APP, 'race', sb),
        ]);
        assert.equal(joins.filter((r) => r.ok && r.occupied).length, 1, 'one occupied');
        const leaves = await Promise.all([
          a.unsubscribe(APP, 'race', sa.socketId),
          b.unsubscribe(APP, 'race', sb.socketId),
        ]);
        assert.equal(leaves.filter((r) => r.vacated).length, 1, 'one vacated');
      }
    });

    test('one user joining on two nodes at once: exactly one member_added', async (t) => {
      const c = await cluster(t, 2);
      if (!c) return;
      const [a, b] = c.nodes as [Adapter, Adapter];
      for (let round = 0; round < 10; round++) {
        const sa = connect(a);
        const sb = connect(b);
        const joins = await Promise.all([
          a.subscribe(APP, 'presence-twice', sa, member('same')),
          b.subscribe(APP, 'presence-twice', sb, member('same')),
        ]);
        assert.equal(joins.filter((r) => r.ok && r.memberAdded).length, 1, 'one member_added');
        const leaves = await Promise.all([
          a.unsubscribe(APP, 'presence-twice', sa.socketId),
          b.unsubscribe(APP, 'presence-twice', sb.socketId),
        ]);
        assert.equal(leaves.filter((r) => r.memberRemoved).length, 1, 'one member_removed');
      }
    });

    test('broadcast reaches subscribers on every node except the excepted socket', async (t) => {
      const c = await cluster(t, Math.min(3, target.maxNodes));
      if (!c) return;
      const subscribers: FakeConnection[] = [];
      for (const node of c.nodes) {
        for (let i = 0; i < 2; i++) {
          const s = connect(node);
          await node.subscribe(APP, 'news', s);
          subscribers.push(s);
        }
      }
      const other = connect(c.nodes[0]!);
      await c.nodes[0]!.subscribe(APP, 'other', other);
      const except = subscribers[subscribers.length - 1]!;
      const frame = OutboundFrame.event('hello', 'news', '{"n":1}');
      await c.nodes[0]!.broadcast(APP, 'news', frame, except.socketId);
      await eventually(
        () => subscribers.every((s) => s === except || s.frames.length === 1),
        5000,
        'the broadcast on every node',
      );
      await sleep(50);
      for (const s of subscribers) {
        assert.deepEqual(s.frames, s === except ? [] : [frame.text]);
      }
      assert.deepEqual(other.frames, []);
    });

    test('sendToUser and terminateUser reach the user on every node', async (t) => {
      const c = await cluster(t, Math.min(2, target.maxNodes));
      if (!c) return;
      const sockets = c.nodes.map((node) => {
        const s = connect(node);
        return { node, s };
      });
      for (const { node, s } of sockets) await node.signIn(APP, 'u-send', s.socketId);
      const bystander = connect(c.nodes[0]!);
      await c.nodes[0]!.signIn(APP, 'someone-else', bystander.socketId);
      const frame = OutboundFrame.event('private', undefined, '{}');
      const last = c.nodes[c.nodes.length - 1]!;
      await last.sendToUser(APP, 'u-send', frame);
      await eventually(() => sockets.every(({ s }) => s.frames.length === 1), 5000, 'sendToUser');
      await last.terminateUser(APP, 'u-send', 4009, 'Terminated');
      await eventually(() => sockets.every(({ s }) => s.closed !== undefined), 5000, 'terminate');
      for (const { s } of sockets) assert.deepEqual(s.closed, { code: 4009, reason: 'Terminated' });
      assert.deepEqual(bystander.frames, []);
      assert.equal(bystander.closed, undefined);
    });

    test('signIn/signOut report online/offline cluster-wide', async (t) => {
      const c = await cluster(t, Math.min(2, target.maxNodes));
      if (!c) return;
      const a = c.nodes[0]!;
      const b = c.nodes[c.nodes.length - 1]!;
      const sa = connect(a);
      const sb = connect(b);
      assert.deepEqual(await a.signIn(APP, 'w', sa.socketId), { online: true });
      assert.deepEqual(await b.signIn(APP, 'w', sb.socketId), { online: false });
      assert.deepEqual(await a.signIn(APP, 'w', sa.socketId), { online: false });
      assert.deepEqual(await b.onlineUsers(APP, ['w', 'nobody']), ['w']);
      assert.deepEqual(await a.signOut(APP, 'w', sa.socketId), { offline: false });
      assert.deepEqual(await a.signOut(APP, 'w', sa.socketId), { offline: false });
      assert.deepEqual(await b.signOut(APP, 'w', sb.socketId), { offline: true });
      assert.deepEqual(await a.onlineUsers(APP, ['w']), []);
    });

    test('sendToWatchers reaches each watcher on every node exactly once', async (t) => {
      const c = await cluster(t, Math.min(2, target.maxNodes));
      if (!c) return;
      const watchers = c.nodes.map((node) => {
        const s = connect(node);
        node.local.watch(APP, s, ['star', 'other']);
        return s;
      });
      const elsewhere = connect(c.nodes[0]!);
      c.nodes[0]!.local.watch(APP, elsewhere, ['other']);
      const gone = connect(c.nodes[0]!);
      c.nodes[0]!.local.watch(APP, gone, ['star']);
      c.nodes[0]!.local.unwatch(APP, gone.socketId);
      const last = c.nodes[c.nodes.length - 1]!;
      const online = OutboundFrame.event('pusher_internal:watchlist_events', undefined, '"on"');
      const offline = OutboundFrame.event('pusher_internal:watchlist_events', undefined, '"off"');
      await last.sendToWatchers(APP, 'star', online);
      // Same publisher, same order: a duplicate of the first frame would arrive before the second.
      await last.sendToWatchers(APP, 'star', offline);
      await eventually(() => watchers.every((s) => s.frames.length >= 2), 5000, 'watchers');
      for (const s of watchers) assert.deepEqual(s.frames, [online.text, offline.text]);
      assert.deepEqual(elsewhere.frames, []);
      assert.deepEqual(gone.frames, []);
      // Watching is local bookkeeping: no channel, no cluster state.
      assert.deepEqual([...(await last.channels(APP))], []);
      assert.deepEqual(await last.channel(APP, 'star'), { subscriptionCount: 0 });
    });

    test('channels, channel, presenceMembers and connectionCount are cluster-wide', async (t) => {
      const c = await cluster(t, Math.min(2, target.maxNodes));
      if (!c) return;
      const a = c.nodes[0]!;
      const b = c.nodes[c.nodes.length - 1]!;
      const two = c.nodes.length === 2;
      const sa = connect(a);
      const sb = connect(b);
      connect(b);
      await a.subscribe(APP, 'presence-lobby', sa, member('alice', { n: 1 }));
      await b.subscribe(APP, 'presence-lobby', sb, member('bob'));
      await b.subscribe(APP, 'chat', sb);
      await a.subscribe(APP, 'private-a', sa);
      const channels = await a.channels(APP);
      assert.deepEqual(
        new Map([...channels].sort(([x], [y]) => x.localeCompare(y))),
        new Map([
          ['chat', { subscriptionCount: 1 }],
          ['presence-lobby', { subscriptionCount: two ? 2 : 2, userCount: 2 }],
          ['private-a', { subscriptionCount: 1 }],
        ]),
      );
      assert.deepEqual([...(await b.channels(APP, 'pr'))].map(([n]) => n).sort(), [
        'presence-lobby',
        'private-a',
      ]);
      assert.deepEqual(await b.channel(APP, 'presence-lobby'), {
        subscriptionCount: 2,
        userCount: 2,
      });
      const members = await b.presenceMembers(APP, 'presence-lobby');
      assert.deepEqual(members.get('alice'), { n: 1 });
      assert.deepEqual(members.get('bob'), { name: 'bob' });
      assert.equal(members.size, 2);
      assert.equal(await a.connectionCount(APP), 3);
      assert.equal(await b.connectionCount('other-app'), 0);
      assert.equal(await a.serverCount(), c.nodes.length);
    });

    test('cache set/get with TTL', async (t) => {
      const c = await cluster(t, Math.min(2, target.maxNodes));
      if (!c) return;
      const a = c.nodes[0]!;
      const b = c.nodes[c.nodes.length - 1]!;
      assert.equal(await b.cacheGet(APP, 'cache-x'), undefined);
      await a.cacheSet(APP, 'cache-x', { event: 'e', data: '{"v":1}' }, 60);
      const got = await b.cacheGet(APP, 'cache-x');
      assert.equal(got?.event, 'e');
      assert.equal(got.data, '{"v":1}');
      assert.ok(got.ttlSeconds > 0 && got.ttlSeconds <= 60, `ttl ${got.ttlSeconds}`);
      await a.cacheSet(APP, 'cache-short', { event: 'e', data: 'x' }, 1);
      assert.equal((await b.cacheGet(APP, 'cache-short'))?.data, 'x');
      await sleep(2100);
      assert.equal(await b.cacheGet(APP, 'cache-short'), undefined);
    });

    test('member limit refuses a new user, not a known one, across nodes', async (t) => {
      const c = await cluster(t, Math.min(2, target.maxNodes));
      if (!c) return;
      const a = c.nodes[0]!;
      const b = c.nodes[c.nodes.length - 1]!;
      const limit = { maxMembers: 2 };
      const join = (node: Adapter, user: string) =>
        node.subscribe(APP, 'presence-full', connect(node), { ...member(user), ...limit });
      assert.equal((await join(a, 'u1')).ok, true);
      assert.equal((await join(b, 'u2')).ok, true);
      assert.deepEqual(await join(b, 'u3'), { ok: false, reason: 'member-limit' });
      assert.deepEqual(await join(a, 'u3'), { ok: false, reason: 'member-limit' });
      assert.equal((await join(b, 'u1')).ok, true);
      assert.deepEqual(await a.channel(APP, 'presence-full'), {
        subscriptionCount: 3,
        userCount: 2,
      });
    });

    test('node death mid-query: the query rejects with AdapterTimeoutError', async (t) => {
      const c = await cluster(t, 2);
      if (!c) return;
      if (!c.crash) return t.skip('no crash injection');
      const [a] = c.nodes as [Adapter, Adapter];
      connect(a);
      const query = a.connectionCount(APP);
      await c.crash(1);
      await assert.rejects(query, AdapterTimeoutError);
    });

    test('a stalled backend: queries reject with AdapterTimeoutError, never partially', async (t) => {
      const c = await cluster(t, 2);
      if (!c) return;
      if (!c.stall) return t.skip('no stall injection');
      const [a, b] = c.nodes as [Adapter, Adapter];
      await b.subscribe(APP, 'presence-s', connect(b), member('x'));
      c.stall(0);
      await assert.rejects(a.channels(APP), AdapterTimeoutError);
      await assert.rejects(a.presenceMembers(APP, 'presence-s'), AdapterTimeoutError);
      await assert.rejects(a.connectionCount(APP), AdapterTimeoutError);
      // The other node is not stalled, so its own queries still answer.
      c.stall(1);
      await assert.rejects(b.channel(APP, 'presence-s'), AdapterTimeoutError);
    });

    test('a dead node is reaped once: member_removed/vacated/offline reported exactly once', async (t) => {
      const c = await cluster(t, 3);
      if (!c) return;
      if (!c.crash) return t.skip('no crash injection');
      const [a, b, dying] = c.nodes as [Adapter, Adapter, Adapter];
      const seen: ClusterTransition[] = [];
      for (const node of [a, b]) node.onTransitions?.((list) => seen.push(...list));
      const sa = connect(a);
      await a.subscribe(APP, 'presence-p', sa, member('stays'));
      const sd1 = connect(dying);
      const sd2 = connect(dying);
      await dying.subscribe(APP, 'presence-p', sd1, member('goes'));
      await dying.subscribe(APP, 'presence-p', sd2, member('goes'));
      await dying.subscribe(APP, 'solo', sd1);
      await dying.signIn(APP, 'goes', sd1.socketId);
      await c.crash(2);
      const bound = (target.nodeTimeoutMs ?? 10_000) * 3;
      await eventually(() => seen.length >= 3, bound, 'the dead node to be reaped');
      await sleep((target.nodeTimeoutMs ?? 1000) / 2);
      const key = (x: ClusterTransition) => JSON.stringify(x);
      assert.deepEqual(
        seen.map(key).sort(),
        [
          key({ type: 'channel_vacated', appId: APP, channel: 'solo' }),
          key({ type: 'member_removed', appId: APP, channel: 'presence-p', userId: 'goes' }),
          key({ type: 'user_offline', appId: APP, userId: 'goes' }),
        ].sort(),
      );
      assert.deepEqual(await b.channel(APP, 'presence-p'), { subscriptionCount: 1, userCount: 1 });
      assert.equal(await a.serverCount(), 2);
    });

    test('outage: local delivery works, not ready, queries reject; resync after', async (t) => {
      const c = await cluster(t, 2);
      if (!c) return;
      if (!c.disconnect || !c.reconnect) return t.skip('no outage injection');
      const [a, b] = c.nodes as [Adapter, Adapter];
      const seen: ClusterTransition[] = [];
      a.onTransitions?.((list) => seen.push(...list));
      const s1 = connect(a);
      await a.subscribe(APP, 'presence-o', s1, member('before'));
      assert.equal(a.isReady?.(), true);
      c.disconnect(0);
      await eventually(() => a.isReady?.() === false, 5000, 'not ready');
      const s2 = connect(a);
      const during = await a.subscribe(APP, 'presence-o', s2, member('during'));
      assert.equal(during.ok, true);
      assert.ok(during.ok && !during.memberAdded, 'no transition without the cluster');
      await a.unsubscribe(APP, 'presence-o', s1.socketId);
      const frame = OutboundFrame.event('local', 'presence-o', '{}');
      await a.broadcast(APP, 'presence-o', frame);
      assert.deepEqual(s2.frames, [frame.text]);
      await assert.rejects(a.channel(APP, 'presence-o'), AdapterTimeoutError);
      c.reconnect(0);
      await eventually(() => a.isReady?.() === true, 5000, 'ready again');
      assert.deepEqual(
        seen.map((x) => x.type).sort(),
        ['member_added', 'member_removed'],
        JSON.stringify(seen),
      );
      const members = await b.presenceMembers(APP, 'presence-o');
      assert.deepEqual([...members.keys()], ['during']);
    });
  });
}
