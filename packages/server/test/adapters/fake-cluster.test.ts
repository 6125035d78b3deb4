import { ClusterAdapter } from '../../src/adapters/cluster/cluster-adapter.js';
import { adapterConformance } from './conformance.js';
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
