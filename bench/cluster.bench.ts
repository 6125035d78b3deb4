// The cluster suite: fan-out through the adapter on 1 node (memory) vs 2 and 3 nodes sharing Redis
// (in one process, so the figures are the adapter's and Redis's cost, not the WebSocket writes'),
// and the Redis round trip of one broadcast (publish → delivery on another node). Needs Redis at
// 127.0.0.1:6379 (REDIS_URL to change); skipped with a message when it is missing.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Adapter } from '../packages/server/src/adapters/adapter.js';
import { MemoryAdapter } from '../packages/server/src/adapters/memory.js';
import { RedisAdapter } from '../packages/server/src/adapters/redis.js';
import { OutboundFrame } from '../packages/server/src/protocol/frame.js';
import { fmt } from './harness.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const BROADCASTS = Number(process.env['BENCH_CLUSTER_BROADCASTS'] ?? 20_000);
const ROUND_TRIPS = 1000;
const SUBSCRIBERS_PER_NODE = 10;

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port || 6379), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Broadcasts from `nodes[0]` to subscribers on every node; returns deliveries per second. */
async function fanout(nodes: readonly Adapter[], channel: string): Promise<number> {
  let delivered = 0;
  const expected = BROADCASTS * SUBSCRIBERS_PER_NODE * nodes.length;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  for (const [n, node] of nodes.entries()) {
    for (let i = 0; i < SUBSCRIBERS_PER_NODE; i++) {
      const connection = {
        socketId: `${n + 1}.${i}`,
        send: () => {
          if (++delivered === expected) done();
        },
        close: () => undefined,
      };
      node.addConnection('bench', connection);
      await node.subscribe('bench', channel, connection);
    }
  }
  const frame = OutboundFrame.event('tick', channel, JSON.stringify({ payload: 'x'.repeat(100) }));
  const start = performance.now();
  for (let i = 0; i < BROADCASTS; i++) void nodes[0]!.broadcast('bench', channel, frame);
  await finished;
  return (expected * 1000) / (performance.now() - start);
}

/** Mean time from a broadcast on `from` to its delivery on `to`, one at a time, in µs. */
async function roundTrip(from: Adapter, to: Adapter): Promise<number> {
  let wake: (() => void) | undefined;
  const connection = { socketId: '9.9', send: () => wake?.(), close: () => undefined };
  to.addConnection('bench', connection);
  await to.subscribe('bench', 'rt', connection);
  const frame = OutboundFrame.event('ping', 'rt', '{}');
  const start = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    await from.broadcast('bench', 'rt', frame);
    await arrived;
  }
  return ((performance.now() - start) * 1000) / ROUND_TRIPS;
}

async function redisCluster(size: number): Promise<RedisAdapter[]> {
  const keyPrefix = `herald-bench-${randomBytes(4).toString('hex')}`;
  const nodes = Array.from({ length: size }, () => new RedisAdapter({ url: REDIS_URL, keyPrefix }));
  await Promise.all(nodes.map((node) => node.init()));
  return nodes;
}

/** Runs the cluster benchmark and prints deliveries/s per cluster size with ratios to one node. */
export async function run(): Promise<void> {
  if (!(await reachable(REDIS_URL))) {
    console.log(`cluster: skipped, no Redis at ${REDIS_URL}`);
    return;
  }
  console.log(
    `${fmt(BROADCASTS)} broadcasts from node 1, ${SUBSCRIBERS_PER_NODE} subscribers per node, in one process`,
  );
  const memory = new MemoryAdapter();
  await memory.init();
  const one = await fanout([memory], 'fan');
  await memory.close();
  console.log(`1 node (memory)      ${fmt(one).padStart(12)} deliveries/s   1.00×`);
  for (const size of [2, 3]) {
    const nodes = await redisCluster(size);
    const rate = await fanout(nodes, 'fan');
    console.log(
      `${size} nodes (redis)      ${fmt(rate).padStart(12)} deliveries/s   ${(rate / one).toFixed(2)}×`,
    );
    if (size === 2) {
      const us = await roundTrip(nodes[0]!, nodes[1]!);
      console.log(
        `redis round trip per broadcast (publish → delivery on node 2): ${us.toFixed(0)} µs`,
      );
    }
    await Promise.all(nodes.map((node) => node.close()));
  }
}
