/**
 * pusher-js 8 clients spread over three real Herald servers sharing one Redis: presence member lists,
 * joins and leaves, client events and counts work across nodes, and the HTTP API answers
 * cluster-wide on a node that holds no subscriber. Skipped while the WebSocket side (or, for the
 * HTTP part, the HTTP API) is still the 501 placeholder.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test, type TestContext } from 'node:test';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';
import { startServer, type TestServer } from '../helpers/server.js';
import {
  deletePrefix,
  REDIS_HOST,
  REDIS_PORT,
  redisSkipReason,
  uniquePrefix,
} from './redis-service.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- pusher-js callbacks carry untyped JSON */

const PusherJs = PusherJsModule as unknown as typeof PusherJsModule.default;
type PusherJsClient = InstanceType<typeof PusherJs>;

const skip = await redisSkipReason();

/** Answers 501 to an upgrade: the WebSocket side is still the placeholder. */
function wsIsPlaceholder(server: TestServer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      path: `/app/${server.app.key}?protocol=7`,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(false);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode === 501);
    });
    req.on('error', reject);
    req.end();
  });
}

function sdk(server: TestServer): Pusher {
  return new Pusher({
    appId: server.app.id,
    key: server.app.key,
    secret: server.app.secret,
    host: '127.0.0.1',
    port: String(server.apiPort),
    useTLS: false,
  });
}

async function connect(
  t: TestContext,
  server: TestServer,
  userId: string,
): Promise<PusherJsClient> {
  const signer = sdk(server);
  const client = new PusherJs(server.app.key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }: any, callback: any) => {
        const data = { user_id: userId, user_info: { name: `user ${userId}` } };
        callback(
          null,
          channelName.startsWith('presence-')
            ? signer.authorizeChannel(socketId, channelName, data)
            : signer.authorizeChannel(socketId, channelName),
        );
      },
    },
  } as any);
  t.after(() => client.disconnect());
  await new Promise<void>((resolve, reject) => {
    client.connection.bind('connected', () => resolve());
    client.connection.bind('failed', () => reject(new Error('pusher-js failed to connect')));
  });
  return client;
}

function next(channel: any, event: string): Promise<any> {
  return new Promise((resolve) => {
    const handler = (data: any) => {
      channel.unbind(event, handler);
      resolve(data);
    };
    channel.bind(event, handler);
  });
}

test('pusher-js clients on three nodes see one presence channel', { skip }, async (t) => {
  const redisKeyPrefix = uniquePrefix();
  t.after(() => deletePrefix(redisKeyPrefix));
  const servers: TestServer[] = [];
  for (let i = 0; i < 3; i++) {
    servers.push(
      await startServer(t, {
        adapter: 'redis',
        redisUrl: `redis://${REDIS_HOST}:${REDIS_PORT}`,
        redisKeyPrefix,
      }),
    );
  }
  const [a, b, c] = servers as [TestServer, TestServer, TestServer];
  if (await wsIsPlaceholder(a)) return t.skip('the WebSocket server is still the 501 placeholder');

  const alice = await connect(t, a, 'alice');
  const pa = alice.subscribe('presence-room') as any;
  await next(pa, 'pusher:subscription_succeeded');
  const joined = next(pa, 'pusher:member_added');

  const bob = await connect(t, b, 'bob');
  const pb = bob.subscribe('presence-room') as any;
  const members = await next(pb, 'pusher:subscription_succeeded');
  assert.equal(members.count, 2);
  assert.deepEqual(pb.members.get('alice')?.info, { name: 'user alice' }, 'alice on node A');
  assert.deepEqual(await joined, { id: 'bob', info: { name: 'user bob' } });

  // The same user on a third node: no second member_added anywhere.
  let duplicate = false;
  pa.bind('pusher:member_added', () => (duplicate = true));
  const bob2 = await connect(t, c, 'bob');
  const pb2 = bob2.subscribe('presence-room') as any;
  assert.equal((await next(pb2, 'pusher:subscription_succeeded')).count, 2);

  // A client event from node A reaches node B (client events are on in the test app).
  const typed = next(pb, 'client-typing');
  pa.trigger('client-typing', { who: 'alice' });
  assert.deepEqual(await typed, { who: 'alice' });

  // The HTTP API on node C answers cluster-wide (alice is on A, bob on B and C).
  const api = sdk(c);
  let status: number;
  let body: any;
  try {
    const res = await api.get({ path: '/channels/presence-room/users' });
    status = res.status;
    body = await res.json();
  } catch (error) {
    status = (error as { status?: number }).status ?? 0;
  }
  if (status !== 501) {
    assert.equal(status, 200);
    assert.deepEqual(body.users.map((u: any) => u.id).sort(), ['alice', 'bob']);
    const info = await (
      await api.get({
        path: '/channels/presence-room',
        params: { info: 'user_count,subscription_count' },
      })
    ).json();
    assert.equal(info.user_count, 2);
    assert.equal(info.subscription_count, 3);
  }

  // Bob leaves node B but is still on node C: no member_removed; then the last one leaves.
  let removals = 0;
  pa.bind('pusher:member_removed', () => removals++);
  bob.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(removals, 0, 'bob is still connected on node C');
  const left = next(pa, 'pusher:member_removed');
  bob2.disconnect();
  assert.deepEqual(await left, { id: 'bob', info: { name: 'user bob' } });
  assert.equal(duplicate, false, 'no duplicate member_added');
  assert.equal(pa.members.count, 1);
  assert.equal(removals, 1);
});
