import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisAdapter } from '../../src/adapters/redis.js';
import { OutboundFrame } from '../../src/protocol/frame.js';
import { adapterConformance, eventually, fakeConnection } from './conformance.js';
import {
  countKeys,
  deletePrefix,
  REDIS_HOST,
  REDIS_PORT,
  redisSkipReason,
  uniquePrefix,
} from './redis-service.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const skip = await redisSkipReason();
const nodeTimeoutMs = 1500;

adapterConformance({
  name: 'redis',
  maxNodes: 3,
  nodeTimeoutMs,
  skip,
  async create(count) {
    const keyPrefix = uniquePrefix();
    const proxies: TcpProxy[] = [];
    for (let i = 0; i < count; i++) proxies.push(await startTcpProxy(REDIS_HOST, REDIS_PORT));
    const nodes = proxies.map(
      (proxy) =>
        new RedisAdapter({
          url: `redis://127.0.0.1:${proxy.port}`,
          keyPrefix,
          nodeTimeoutMs,
          requestTimeoutMs: 500,
          options: { retryStrategy: () => 50 },
        }),
    );
    await Promise.all(nodes.map((node) => node.init()));
    return {
      nodes,
      crash: (index) => nodes[index]!.crash(),
      stall: (index) => proxies[index]!.stall(),
      disconnect: (index) => proxies[index]!.cut(),
      reconnect: (index) => proxies[index]!.restore(),
      async close() {
        for (const proxy of proxies) proxy.restore();
        await Promise.all(nodes.map((node) => node.close()));
        await Promise.all(proxies.map((proxy) => proxy.close()));
        await deletePrefix(keyPrefix);
      },
    };
  },
});

test('redis: a closed cluster leaves no keys behind', { skip }, async () => {
  const keyPrefix = uniquePrefix();
  const nodes = [0, 1].map(
    () => new RedisAdapter({ url: `redis://${REDIS_HOST}:${REDIS_PORT}`, keyPrefix }),
  );
  await Promise.all(nodes.map((node) => node.init()));
  const s = fakeConnection('1.1');
  nodes[0]!.addConnection('a', s);
  await nodes[0]!.subscribe('a', 'presence-k', s, { member: { userId: 'u' } });
  await nodes[0]!.signIn('a', 'u', s.socketId);
  await nodes[1]!.cacheSet('a', 'cache-k', { event: 'e', data: 'd' }, 5);
  assert.ok((await countKeys(keyPrefix)) > 0);
  await Promise.all(nodes.map((node) => node.close()));
  // Only the cache entry (which expires by itself) is left.
  assert.equal(await countKeys(keyPrefix), 1);
  await deletePrefix(keyPrefix);
});

test('redis: a bad key prefix is refused with a clear error', () => {
  assert.throws(() => new RedisAdapter({ keyPrefix: 'a{b}' }), /no braces/);
  assert.throws(
    () => new RedisAdapter({ options: { keyPrefix: 'x:' } }),
    /redisKeyPrefix, not redisOptions.keyPrefix/,
  );
});

test('redis: a restarted Redis connection resynchronizes this node', { skip }, async (t) => {
  const keyPrefix = uniquePrefix();
  const proxy = await startTcpProxy(REDIS_HOST, REDIS_PORT);
  const node = new RedisAdapter({
    url: `redis://127.0.0.1:${proxy.port}`,
    keyPrefix,
    requestTimeoutMs: 500,
    options: { retryStrategy: () => 50 },
  });
  const observer = new RedisAdapter({ url: `redis://${REDIS_HOST}:${REDIS_PORT}`, keyPrefix });
  t.after(async () => {
    proxy.restore();
    await node.close();
    await observer.close();
    await proxy.close();
    await deletePrefix(keyPrefix);
  });
  await node.init();
  await observer.init();
  const s = fakeConnection('2.2');
  node.addConnection('a', s);
  proxy.cut();
  await eventually(() => !node.isReady(), 5000, 'not ready');
  await node.subscribe('a', 'chan', s);
  assert.deepEqual(await observer.channel('a', 'chan'), { subscriptionCount: 0 });
  proxy.restore();
  await eventually(() => node.isReady(), 10_000, 'ready again');
  assert.deepEqual(await observer.channel('a', 'chan'), { subscriptionCount: 1 });
});

test(
  'redis: after a Redis outage, broadcasts from other nodes arrive again',
  { skip },
  async (t) => {
    const keyPrefix = uniquePrefix();
    const proxy = await startTcpProxy(REDIS_HOST, REDIS_PORT);
    const behindProxy = new RedisAdapter({
      url: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix,
      requestTimeoutMs: 500,
      options: { retryStrategy: () => 50 },
    });
    const direct = new RedisAdapter({ url: `redis://${REDIS_HOST}:${REDIS_PORT}`, keyPrefix });
    t.after(async () => {
      proxy.restore();
      await behindProxy.close();
      await direct.close();
      await proxy.close();
      await deletePrefix(keyPrefix);
    });
    await behindProxy.init();
    await direct.init();
    const s = fakeConnection('3.3');
    behindProxy.addConnection('a', s);
    await behindProxy.subscribe('a', 'feed', s);
    proxy.cut();
    await eventually(() => !behindProxy.isReady(), 5000, 'not ready');
    proxy.restore();
    await eventually(() => behindProxy.isReady(), 10_000, 'ready again');
    // Published after recovery: must arrive (the subscriber connection resubscribed).
    const frame = OutboundFrame.event('after', 'feed', '{}');
    await direct.broadcast('a', 'feed', frame);
    await eventually(() => s.frames.length > 0, 10_000, 'a broadcast after recovery');
    assert.equal(s.frames[0], frame.text);
  },
);

test(
  'redis: a dead node with more entries than one reap batch is reaped fully, once',
  { skip },
  async (t) => {
    const keyPrefix = uniquePrefix();
    const options = { url: `redis://${REDIS_HOST}:${REDIS_PORT}`, keyPrefix, nodeTimeoutMs: 1000 };
    const survivors = [new RedisAdapter(options), new RedisAdapter(options)];
    const dying = new RedisAdapter(options);
    t.after(async () => {
      await Promise.all(survivors.map((node) => node.close()));
      await deletePrefix(keyPrefix);
    });
    await Promise.all([...survivors, dying].map((node) => node.init()));
    const vacated: string[] = [];
    for (const node of survivors) {
      node.onTransitions((list) => {
        for (const x of list) if (x.type === 'channel_vacated') vacated.push(x.channel);
      });
    }
    const count = 1200;
    await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const s = fakeConnection(`9.${i}`);
        dying.addConnection('a', s);
        return dying.subscribe('a', `ch-${i}`, s);
      }),
    );
    await dying.crash();
    await eventually(() => vacated.length >= count, 15_000, 'every channel vacated');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(vacated.length, count);
    assert.equal(new Set(vacated).size, count);
    assert.equal((await survivors[0]!.channels('a')).size, 0);
  },
);

test(
  'redis: state lost in Redis (restart without data) is rebuilt by the nodes',
  { skip },
  async (t) => {
    const keyPrefix = uniquePrefix();
    const options = { url: `redis://${REDIS_HOST}:${REDIS_PORT}`, keyPrefix, nodeTimeoutMs: 1000 };
    const [a, b] = [new RedisAdapter(options), new RedisAdapter(options)];
    t.after(async () => {
      await Promise.all([a.close(), b.close()]);
      await deletePrefix(keyPrefix);
    });
    await Promise.all([a.init(), b.init()]);
    const sa = fakeConnection('7.1');
    const sb = fakeConnection('7.2');
    a.addConnection('a', sa);
    b.addConnection('a', sb);
    await a.subscribe('a', 'presence-z', sa, { member: { userId: 'u' } });
    await b.subscribe('a', 'presence-z', sb, { member: { userId: 'u' } });
    await b.signIn('a', 'u', sb.socketId);
    const seen: string[] = [];
    for (const node of [a, b]) node.onTransitions((list) => seen.push(...list.map((x) => x.type)));
    await deletePrefix(keyPrefix);
    await eventually(() => seen.length >= 3, 10_000, 'the rebuild');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(seen.sort(), ['channel_occupied', 'member_added', 'user_online']);
    assert.deepEqual(await a.channel('a', 'presence-z'), { subscriptionCount: 2, userCount: 1 });
    assert.deepEqual(await a.onlineUsers('a', ['u']), ['u']);
  },
);
