import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdapterTimeoutError, type ClusterTransition } from '../../src/adapters/adapter.js';
import { ClusterAdapter } from '../../src/adapters/cluster/cluster-adapter.js';
import { OutboundFrame } from '../../src/protocol/frame.js';
import { adapterConformance, eventually, fakeConnection } from './conformance.js';
import { FakeHub } from './fake-cluster.js';

const nodeTimeoutMs = 1000;

adapterConformance({
  name: 'in-process fake cluster',
  maxNodes: 3,
  nodeTimeoutMs,
  async create(count) {
    const hub = new FakeHub();
    const backends = Array.from({ length: count }, () => hub.backend());
    const nodes = backends.map(
      (backend) => new ClusterAdapter(backend, { nodeTimeoutMs, requestTimeoutMs: 300 }),
    );
    await Promise.all(nodes.map((node) => node.init()));
    return {
      nodes,
      async crash(index) {
        await nodes[index]!.crash();
      },
      stall(index) {
        backends[index]!.cut = true;
      },
      disconnect(index) {
        backends[index]!.disconnect();
      },
      reconnect(index) {
        backends[index]!.reconnect();
      },
      async close() {
        for (const backend of backends) backend.cut = false;
        await Promise.all(nodes.map((node) => node.close()));
      },
    };
  },
});

test('a connection that closes while its join is in flight leaves no ghost behind', async (t) => {
  const hub = new FakeHub();
  const backend = hub.backend();
  const node = new ClusterAdapter(backend, { nodeTimeoutMs, requestTimeoutMs: 1000 });
  await node.init();
  t.after(() => node.close());
  const seen: ClusterTransition[] = [];
  node.onTransitions((list) => seen.push(...list));
  const s = fakeConnection('5.5');
  node.addConnection('a', s);
  backend.delayMs = 50;
  const joining = node.subscribe('a', 'presence-g', s, { member: { userId: 'ghost' } });
  node.removeConnection('a', s.socketId);
  const result = await joining;
  assert.ok(result.ok && result.occupied && result.memberAdded);
  await eventually(() => seen.length === 2, 5000, 'the undo');
  backend.delayMs = 0;
  assert.deepEqual(seen.map((x) => x.type).sort(), ['channel_vacated', 'member_removed']);
  assert.deepEqual(await node.channel('a', 'presence-g'), { subscriptionCount: 0, userCount: 0 });
  assert.equal(node.local.isSubscribed('a', 'presence-g', s.socketId), false);
});

test('an outage queues nothing: broadcasts meanwhile stay local and are not replayed', async (t) => {
  const hub = new FakeHub();
  const [ba, bb] = [hub.backend(), hub.backend()];
  const a = new ClusterAdapter(ba, { nodeTimeoutMs, requestTimeoutMs: 300 });
  const b = new ClusterAdapter(bb, { nodeTimeoutMs, requestTimeoutMs: 300 });
  await Promise.all([a.init(), b.init()]);
  t.after(() => Promise.all([a.close(), b.close()]));
  const local = fakeConnection('6.1');
  const remote = fakeConnection('6.2');
  a.addConnection('a', local);
  b.addConnection('a', remote);
  await a.subscribe('a', 'feed', local);
  await b.subscribe('a', 'feed', remote);
  let published = 0;
  const publish = ba.publish.bind(ba);
  ba.publish = (message) => {
    published++;
    return publish(message);
  };
  ba.disconnect();
  for (let i = 0; i < 1000; i++) {
    await a.broadcast('a', 'feed', OutboundFrame.event('during', 'feed', String(i)));
  }
  assert.equal(local.frames.length, 1000, 'local delivery keeps working');
  assert.equal(published, 0, 'nothing sent to (or queued for) the backend');
  ba.reconnect();
  await eventually(() => a.isReady(), 5000, 'ready again');
  await a.broadcast('a', 'feed', OutboundFrame.event('after', 'feed', '{}'));
  await eventually(() => remote.frames.length === 1, 5000, 'the broadcast after recovery');
  assert.match(remote.frames[0]!, /"after"/);
});

test('close rejects a pending cluster request instead of leaving it hanging', async () => {
  const hub = new FakeHub();
  const [ba, bb] = [hub.backend(), hub.backend()];
  const a = new ClusterAdapter(ba, { nodeTimeoutMs, requestTimeoutMs: 60_000 });
  const b = new ClusterAdapter(bb, { nodeTimeoutMs, requestTimeoutMs: 300 });
  await Promise.all([a.init(), b.init()]);
  bb.cut = true;
  const query = a.connectionCount('a');
  await new Promise((resolve) => setTimeout(resolve, 20));
  await a.close();
  await assert.rejects(query, AdapterTimeoutError);
  bb.cut = false;
  await b.close();
});
