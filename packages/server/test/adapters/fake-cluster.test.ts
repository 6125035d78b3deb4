import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterTransition } from '../../src/adapters/adapter.js';
import { ClusterAdapter } from '../../src/adapters/cluster/cluster-adapter.js';
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
