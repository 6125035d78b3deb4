/**
 * Watchlists across nodes: pusher-js 8 clients signed in on real Herald servers sharing one Redis.
 * A watcher on node B is told once when a watched user gets their first connection anywhere and
 * once when they lose their last one, including when the node holding it dies and is reaped.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';
import type { ClusterAdapter } from '../../src/adapters/cluster/cluster-adapter.js';
import { startServer, type TestServer } from '../helpers/server.js';
import {
  deletePrefix,
  REDIS_HOST,
  REDIS_PORT,
  redisSkipReason,
  uniquePrefix,
} from './redis-service.js';

// pusher-js is CommonJS whose typings declare an ES default export: at runtime the default import is the class.
const PusherJs = PusherJsModule as unknown as typeof PusherJsModule.default;
type Client = InstanceType<typeof PusherJs>;
interface WatchlistEvent {
  readonly name: string;
  readonly user_ids: string[];
}

const skip = await redisSkipReason();

/**
 * Nodes sharing one fresh key prefix. After-hooks run in registration order: register the clients'
 * disconnect before calling this, so clients leave before the servers stop; the keys go last.
 */
async function cluster(t: TestContext, count: number): Promise<TestServer[]> {
  const redisKeyPrefix = uniquePrefix();
  const servers: TestServer[] = [];
  for (let i = 0; i < count; i++) {
    servers.push(
      await startServer(t, {
        adapter: 'redis',
        redisUrl: `redis://${REDIS_HOST}:${REDIS_PORT}`,
        redisKeyPrefix,
        nodeTimeoutMs: 1000,
        requestTimeoutMs: 2000,
      }),
    );
  }
  t.after(() => deletePrefix(redisKeyPrefix));
  return servers;
}

/** A pusher-js client on `server`, signed in with the official SDK's authenticateUser. */
async function signIn(
  clients: Client[],
  server: TestServer,
  user: Pusher.UserChannelData,
  onWatchlist?: (e: WatchlistEvent) => void,
): Promise<Client> {
  const api = new Pusher({
    appId: server.app.id,
    key: server.app.key,
    secret: server.app.secret,
    host: '127.0.0.1',
    port: String(server.apiPort),
  });
  const client = new PusherJs(server.app.key, {
    cluster: '',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        callback(null, api.authenticateUser(socketId, user));
      },
    },
  });
  clients.push(client);
  if (onWatchlist) {
    client.user.watchlist.bind('online', onWatchlist);
    client.user.watchlist.bind('offline', onWatchlist);
  }
  client.signin();
  await new Promise<void>((resolve, reject) => {
    client.connection.bind('connected', () => resolve());
    client.connection.bind('failed', () => reject(new Error('pusher-js failed to connect')));
  });
  while (!client.user.user_data) await client.user.signinDonePromise;
  return client;
}

/** Records watchlist events; `until(n)` waits (bounded) until `n` were seen. */
function recorder() {
  const seen: string[] = [];
  return {
    seen,
    push: (e: WatchlistEvent) => seen.push(`${e.name}:${e.user_ids.join(',')}`),
    async until(count: number, what: string, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (seen.length < count) {
        if (Date.now() > deadline)
          assert.fail(`Timed out waiting for ${what}; saw ${seen.join(' ')}`);
        await sleep(10);
      }
    },
  };
}

/** Lets late duplicates arrive before counting (not a speed assertion). */
const settle = () => sleep(300);

test(
  'a watcher on node B sees online/offline once for a user on nodes A and B',
  { skip, timeout: 30_000 },
  async (t) => {
    const clients: Client[] = [];
    t.after(() => clients.forEach((c) => c.disconnect()));
    const [a, b] = (await cluster(t, 2)) as [TestServer, TestServer];

    const ann = recorder();
    await signIn(clients, b, { id: 'ann', watchlist: ['bob', 'cy'] }, ann.push);
    await ann.until(1, 'the initial status');
    assert.deepEqual(ann.seen, ['offline:bob,cy']);

    const bobOnA = await signIn(clients, a, { id: 'bob' });
    await ann.until(2, 'bob online');
    const bobOnB = await signIn(clients, b, { id: 'bob' });
    await settle();
    assert.deepEqual(ann.seen, ['offline:bob,cy', 'online:bob'], 'bob counts once');

    // A watcher signing in on node A gets the cluster-wide initial list (bob is online).
    const dee = recorder();
    await signIn(clients, a, { id: 'dee', watchlist: ['bob', 'ann'] }, dee.push);
    await dee.until(1, "dee's initial status");
    assert.deepEqual(dee.seen, ['online:bob,ann']);

    bobOnA.disconnect();
    await settle();
    assert.deepEqual(ann.seen, ['offline:bob,cy', 'online:bob'], 'bob is still on node B');
    bobOnB.disconnect();
    await ann.until(3, 'bob offline');
    await dee.until(2, 'bob offline (dee)');
    await settle();
    assert.deepEqual(ann.seen, ['offline:bob,cy', 'online:bob', 'offline:bob']);
    assert.deepEqual(dee.seen, ['online:bob,ann', 'offline:bob']);
  },
);

test(
  'a watched user on a node that dies is reported offline once, after reaping',
  { skip, timeout: 30_000 },
  async (t) => {
    const clients: Client[] = [];
    t.after(() => clients.forEach((c) => c.disconnect()));
    const [a, b, dying] = (await cluster(t, 3)) as [TestServer, TestServer, TestServer];

    const ann = recorder();
    await signIn(clients, b, { id: 'ann', watchlist: ['cy'] }, ann.push);
    const eve = recorder();
    await signIn(clients, a, { id: 'eve', watchlist: ['cy'] }, eve.push);
    await signIn(clients, dying, { id: 'cy' });
    await ann.until(2, 'cy online');
    await eve.until(2, 'cy online (eve)');

    await (dying.server.context.adapter as ClusterAdapter).crash();
    await ann.until(3, 'cy offline after the reap');
    await eve.until(3, 'cy offline after the reap (eve)');
    await settle();
    assert.deepEqual(ann.seen, ['offline:cy', 'online:cy', 'offline:cy']);
    assert.deepEqual(eve.seen, ['offline:cy', 'online:cy', 'offline:cy']);
  },
);
