/**
 * End to end: cache channels and subscription counts with pusher-js 8 (node build) and the official
 * `pusher` 5.x SDK against a real server.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';
import type { ServerEvent } from '../../src/events.js';
import { startServer as startTestServer, type TestServer } from '../helpers/server.js';

// pusher-js is CommonJS whose typings declare an ES default export: at runtime the default import is the class.
const PusherJs = PusherJsModule as unknown as typeof PusherJsModule.default;
type Client = InstanceType<typeof PusherJs>;

/** Clients of each server, disconnected before the server stops (after-hooks run in order). */
const clientsOf = new WeakMap<TestServer, Client[]>();

async function startServer(t: TestContext, config?: Parameters<typeof startTestServer>[1]) {
  const clients: Client[] = [];
  t.after(() => clients.forEach((c) => c.disconnect()));
  const server = await startTestServer(t, config);
  clientsOf.set(server, clients);
  return server;
}

function sdk(server: TestServer): Pusher {
  return new Pusher({
    appId: server.app.id,
    key: server.app.key,
    secret: server.app.secret,
    host: '127.0.0.1',
    port: String(server.apiPort),
  });
}

function client(_t: TestContext, server: TestServer, appKey = server.app.key): Client {
  const api = sdk(server);
  const pusher = new PusherJs(appKey, {
    cluster: '',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        callback(
          null,
          channelName.startsWith('presence-')
            ? api.authorizeChannel(socketId, channelName, { user_id: socketId })
            : api.authorizeChannel(socketId, channelName),
        );
      },
    },
  });
  clientsOf.get(server)?.push(pusher);
  return pusher;
}

function next<T = unknown>(
  target: {
    bind(event: string, cb: (data: T) => void): unknown;
    unbind(event: string, cb: (data: T) => void): unknown;
  },
  event: string,
): Promise<T> {
  return new Promise((resolve) => {
    const cb = (data: T) => {
      target.unbind(event, cb);
      resolve(data);
    };
    target.bind(event, cb);
  });
}

const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' };

describe('cache channels (pusher-js + pusher SDK)', { timeout: 20_000 }, () => {
  for (const channel of ['cache-car', 'private-cache-car', 'presence-cache-car']) {
    it(`${channel}: cache_miss when empty, then the last event to new subscribers`, async (t) => {
      const server = await startServer(t);
      const events: ServerEvent[] = [];
      server.server.context.events.on((e) => events.push(e));

      const first = client(t, server);
      const sub = first.subscribe(channel);
      const order: string[] = [];
      sub.bind_global((event: string) => order.push(event));
      await next(sub, 'pusher:cache_miss');
      assert.deepEqual(order, ['pusher:subscription_succeeded', 'pusher:cache_miss']);
      assert.deepEqual(
        events.filter((e) => e.type === 'cache_miss'),
        [{ type: 'cache_miss', appId: 'app-id', channel }],
      );

      const live = next(sub, 'moved');
      await sdk(server).trigger(channel, 'moved', { lat: 1 });
      await sdk(server).trigger(channel, 'moved', { lat: 2 });
      assert.deepEqual(await live, { lat: 1 });

      const second = client(t, server);
      const sub2 = second.subscribe(channel);
      const order2: string[] = [];
      sub2.bind_global((event: string) => order2.push(event));
      assert.deepEqual(await next(sub2, 'moved'), { lat: 2 });
      assert.deepEqual(order2, ['pusher:subscription_succeeded', 'moved']);
    });
  }

  it('does not cache client events', async (t) => {
    const server = await startServer(t);
    const a = client(t, server);
    const sub = a.subscribe('private-cache-chat');
    await next(sub, 'pusher:cache_miss');
    sub.trigger('client-typing', { x: 1 });
    const b = client(t, server);
    await next(b.subscribe('private-cache-chat'), 'pusher:cache_miss');
  });
});

describe('subscription count (pusher-js)', { timeout: 20_000 }, () => {
  async function waitForCount(channel: ReturnType<Client['subscribe']>, count: number) {
    while (
      (await next<{ subscription_count: number }>(channel, 'pusher:subscription_count'))
        .subscription_count !== count
    );
  }

  it('reports the count to new and existing subscribers, coalesced, when the app enables it', async (t) => {
    const server = await startServer(t, {
      apps: [{ ...APP, subscriptionCount: true }],
      subscriptionCountIntervalMs: 50,
    });
    const events: ServerEvent[] = [];
    server.server.context.events.on((e) => events.push(e));
    const clients = Array.from({ length: 5 }, () => client(t, server));
    const channels = clients.map((c) => c.subscribe('room'));
    await Promise.all(channels.map((c) => waitForCount(c, 5)));
    assert.equal(channels[0]!.subscriptionCount, 5);

    const frames: number[] = [];
    channels[0]!.bind('pusher:subscription_count', (d: { subscription_count: number }) =>
      frames.push(d.subscription_count),
    );
    clients[4]!.unsubscribe('room');
    await waitForCount(channels[0]!, 4);
    assert.deepEqual(frames, [4]);
    const counts = events.flatMap((e) => (e.type === 'subscription_count' ? [e.count] : []));
    assert.equal(counts.at(-1), 4);
    assert.ok(counts.length < 10, `one event per change at most: ${counts.join(',')}`);
  });

  it('sends nothing on presence channels or when the app has it off', async (t) => {
    const server = await startServer(t, {
      apps: [
        { ...APP, subscriptionCount: true },
        { id: 'off', key: 'off-key', secret: 's' },
      ],
    });
    const seen: string[] = [];
    const presence = client(t, server).subscribe('presence-room');
    presence.bind('pusher:subscription_count', () => seen.push('presence'));
    await next(presence, 'pusher:subscription_succeeded');
    const offServer = { ...server, app: { id: 'off', key: 'off-key', secret: 's' } };
    const off = client(t, server, 'off-key').subscribe('room');
    off.bind('pusher:subscription_count', () => seen.push('off'));
    await next(off, 'pusher:subscription_succeeded');
    // A frame sent after the subscription proves everything before it arrived.
    const ping = next(off, 'marker');
    await sdk(offServer).trigger('room', 'marker', {});
    await ping;
    const ping2 = next(presence, 'marker');
    await sdk(server).trigger('presence-room', 'marker', {});
    await ping2;
    assert.deepEqual(seen, []);
  });
});
