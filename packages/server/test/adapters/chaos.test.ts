/**
 * Chaos: three Herald processes share one Redis; kill -9 the one holding a presence member, and the
 * others see member_removed exactly once within the node-timeout bound. Skipped while the WebSocket
 * side is the 501 placeholder.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { createInterface } from 'node:readline';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';
import { TEST_APP } from '../helpers/server.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { eventually } from './conformance.js';
import { deletePrefix, redisSkipReason, uniquePrefix } from './redis-service.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- pusher-js callbacks carry untyped JSON */

const PusherJs = PusherJsModule as unknown as typeof PusherJsModule.default;
const skip = await redisSkipReason();
const NODE_TIMEOUT_MS = 1000;
const fixture = fileURLToPath(new URL('./fixtures/node.ts', import.meta.url));

/** Starts a node process; resolves with its port once it listens. */
async function spawnNode(
  t: TestContext,
  prefix: string,
  webhookUrl: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', fixture], {
    env: {
      ...process.env,
      HERALD_TEST_PREFIX: prefix,
      HERALD_TEST_WEBHOOK_URL: webhookUrl,
      HERALD_TEST_NODE_TIMEOUT_MS: String(NODE_TIMEOUT_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
  });
  return { child, port };
}

function answersUpgrade(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: `/app/${TEST_APP.key}?protocol=7`,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(true);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode !== 501);
    });
    req.on('error', reject);
    req.end();
  });
}

const signer = new Pusher({
  appId: TEST_APP.id,
  key: TEST_APP.key,
  secret: TEST_APP.secret,
  host: '127.0.0.1',
  useTLS: false,
});

async function presenceClient(t: TestContext, port: number, userId: string) {
  const client = new PusherJs(TEST_APP.key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }: any, callback: any) =>
        callback(null, signer.authorizeChannel(socketId, channelName, { user_id: userId })),
    },
  } as any);
  t.after(() => client.disconnect());
  const channel = client.subscribe('presence-chaos') as any;
  await new Promise((resolve) => channel.bind('pusher:subscription_succeeded', resolve));
  const removed: string[] = [];
  channel.bind('pusher:member_removed', (m: any) => removed.push(String(m.id)));
  return { client, channel, removed };
}

test(
  'kill -9 a node: the others see member_removed once, within the bound',
  { skip },
  async (t) => {
    const prefix = uniquePrefix();
    t.after(() => deletePrefix(prefix));
    const nodes = [];
    const receiver = await startWebhookReceiver(t);
    for (let i = 0; i < 3; i++) nodes.push(await spawnNode(t, prefix, receiver.url()));
    if (!(await answersUpgrade(nodes[0]!.port))) {
      return t.skip('the WebSocket server is still the 501 placeholder');
    }
    const alice = await presenceClient(t, nodes[0]!.port, 'alice');
    const carol = await presenceClient(t, nodes[2]!.port, 'carol');
    const bob = await presenceClient(t, nodes[1]!.port, 'bob');
    const solo = bob.client.subscribe('bob-only') as any;
    await new Promise((resolve) => solo.bind('pusher:subscription_succeeded', resolve));
    await eventually(() => alice.channel.members.count === 3, 5000, 'three members');
    // bob's pusher-js retries the dead port in vain; only the kill removes him.
    // Webhooks: each transition sent once by the cluster, the dead node's included.
    const count = (name: string, channel: string, userId?: string) =>
      receiver
        .events()
        .filter(
          (e: any) =>
            e.name === name &&
            e.channel === channel &&
            (userId === undefined || e.user_id === userId),
        ).length;
    // The dead node's own webhooks must be out before the kill (a kill -9 loses what is in flight).
    await eventually(
      () =>
        count('channel_occupied', 'bob-only') === 1 &&
        count('member_added', 'presence-chaos') === 3,
      10_000,
      'the join webhooks',
    );
    const killedAt = Date.now();
    nodes[1]!.child.kill('SIGKILL');
    await eventually(
      () => alice.removed.length > 0 && carol.removed.length > 0,
      NODE_TIMEOUT_MS * 10,
      'member_removed on the survivors',
    );
    const took = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, NODE_TIMEOUT_MS * 2));
    assert.deepEqual(alice.removed, ['bob']);
    assert.deepEqual(carol.removed, ['bob']);
    assert.equal(alice.channel.members.count, 2);
    await eventually(
      () =>
        count('member_removed', 'presence-chaos', 'bob') > 0 &&
        count('channel_vacated', 'bob-only') > 0,
      NODE_TIMEOUT_MS * 10,
      'the webhooks of the dead node',
    );
    await new Promise((resolve) => setTimeout(resolve, NODE_TIMEOUT_MS));
    assert.equal(count('channel_occupied', 'presence-chaos'), 1);
    for (const user of ['alice', 'bob', 'carol']) {
      assert.equal(count('member_added', 'presence-chaos', user), 1, `member_added ${user}`);
    }
    assert.equal(count('channel_occupied', 'bob-only'), 1);
    assert.equal(count('member_removed', 'presence-chaos', 'bob'), 1);
    assert.equal(count('channel_vacated', 'bob-only'), 1);
    t.diagnostic(`member_removed after ${took} ms (node timeout ${NODE_TIMEOUT_MS} ms)`);
  },
);
