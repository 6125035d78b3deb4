import { MemoryAdapter } from '../../src/adapters/memory.js';
import { adapterConformance } from './conformance.js';

adapterConformance({
  name: 'memory',
  maxNodes: 1,
  async create() {
    const adapter = new MemoryAdapter();
    await adapter.init();
    return { nodes: [adapter], close: () => adapter.close() };
  },
});
