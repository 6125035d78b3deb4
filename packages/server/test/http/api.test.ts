import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Pusher from 'pusher';
import { startServer, type TestServer } from '../helpers/server.js';
import { FakeConnection } from '../helpers/fake-connection.js';
import type { ServerEvent } from '../../src/events.js';

describe('HTTP API with the official pusher SDK', () => {
  let s: TestServer;
  let pusher: Pusher;
  const events: ServerEvent[] = [];
  const subscribe = async (channel: string, socketId: string, userId?: string) => {
    const connection = new FakeConnection(socketId);
    const { adapter } = s.server.context;
    adapter.addConnection(s.app.id, connection);
    await adapter.subscribe(s.app.id, channel, connection, userId ? { member: { userId } } : {});
    return connection;
  };

  before(async () => {
    s = await startServer(undefined, {
      apps: [{ id: 'app-id', key: 'app-key', secret: 'app-secret', clientEvents: true }],
    });
    s.server.context.events.on((e) => events.push(e));
    pusher = new Pusher({
      appId: s.app.id,
      key: s.app.key,
      secret: s.app.secret,
      host: '127.0.0.1',
      port: String(s.apiPort),
      useTLS: false,
    });
  });
  after(() => s.server.stop());

  it('triggers an event to every subscriber with the same bytes, except socket_id', async () => {
    const a = await subscribe('orders', '1.1');
    const b = await subscribe('orders', '1.2');
    const c = await subscribe('orders', '1.3');
    const response = await pusher.trigger(
      'orders',
      'App\\Events\\OrderShipped',
      { id: 7 },
      {
        socket_id: '1.3',
      },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {});
    assert.deepEqual(a.messages, [
      { event: 'App\\Events\\OrderShipped', channel: 'orders', data: '{"id":7}' },
    ]);
    assert.equal(a.frames[0], b.frames[0], 'one OutboundFrame shared by every subscriber');
    assert.equal(c.frames.length, 0, 'socket_id is excluded');
    const apiEvent = events.find((e) => e.type === 'api_event');
    assert.deepEqual(apiEvent, {
      type: 'api_event',
      appId: 'app-id',
      channels: ['orders'],
      event: 'App\\Events\\OrderShipped',
      data: '{"id":7}',
      socketId: '1.3',
    });
  });

  it('triggers on several channels and returns info', async () => {
    await subscribe('presence-room', '2.1', 'u1');
    await subscribe('presence-room', '2.2', 'u1');
    await subscribe('presence-room', '2.3', 'u2');
    await subscribe('news', '2.4');
    const response = await pusher.trigger(['presence-room', 'news', 'empty'], 'ping', 'x', {
      info: 'user_count,subscription_count',
    });
    assert.deepEqual(await response.json(), {
      channels: {
        'presence-room': { user_count: 2, subscription_count: 3 },
        news: { subscription_count: 1 },
        empty: { subscription_count: 0 },
      },
    });
  });

  it('triggers a batch with per-event info', async () => {
    const conn = await subscribe('batch-a', '3.1');
    const response = await pusher.triggerBatch([
      { channel: 'batch-a', name: 'one', data: '1' },
      { channel: 'batch-a', name: 'two', data: { n: 2 }, info: 'subscription_count' },
    ]);
    assert.deepEqual(await response.json(), { batch: [{}, { subscription_count: 1 }] });
    assert.deepEqual(
      conn.messages.map((m) => [m.event, m.data]),
      [
        ['one', '1'],
        ['two', '{"n":2}'],
      ],
    );
    const plain = await pusher.triggerBatch([{ channel: 'batch-a', name: 'three', data: '3' }]);
    assert.deepEqual(await plain.json(), {});
  });

  it('lists channels with filter_by_prefix and info', async () => {
    await subscribe('presence-list', '4.1', 'u9');
    const all = await (await pusher.get({ path: '/channels' })).json();
    assert.deepEqual(all.channels['orders'], {});
    assert.ok('presence-list' in all.channels);
    const presence = await (
      await pusher.get({
        path: '/channels',
        params: { filter_by_prefix: 'presence-', info: 'user_count,subscription_count' },
      })
    ).json();
    assert.deepEqual(Object.keys(presence.channels).sort(), ['presence-list', 'presence-room']);
    assert.deepEqual(presence.channels['presence-list'], { user_count: 1, subscription_count: 1 });
  });

  it('reports one channel', async () => {
    const info = await (
      await pusher.get({
        path: '/channels/presence-room',
        params: { info: 'user_count,subscription_count' },
      })
    ).json();
    assert.deepEqual(info, { occupied: true, user_count: 2, subscription_count: 3 });
    const empty = await (await pusher.get({ path: '/channels/nobody-here' })).json();
    assert.deepEqual(empty, { occupied: false });
  });

  it('caches the last event of a cache channel and reports it', async () => {
    await pusher.trigger('cache-car', 'moved', '{"lat":1}');
    const info = await (
      await pusher.get({ path: '/channels/cache-car', params: { info: 'cache' } })
    ).json();
    assert.equal(info.occupied, false);
    assert.equal(info.cache.data, '{"lat":1}');
    assert.ok(info.cache.ttl > 0);
  });

  it('accepts every channel-name character in paths and bodies', async () => {
    const name = 'presence-A_z-0=9@a,b.c;d';
    const conn = await subscribe(name, '6.1', 'u6');
    await pusher.trigger(name, 'e', 'x');
    assert.equal(conn.messages[0].channel, name);
    const info = await (
      await pusher.get({ path: `/channels/${name}`, params: { info: 'user_count' } })
    ).json();
    assert.deepEqual(info, { occupied: true, user_count: 1 });
    const users = await (await pusher.get({ path: `/channels/${name}/users` })).json();
    assert.deepEqual(users, { users: [{ id: 'u6' }] });
  });

  it('lists presence users, and none for an unknown channel', async () => {
    const users = await (await pusher.get({ path: '/channels/presence-room/users' })).json();
    assert.deepEqual(users.users.map((u: { id: string }) => u.id).sort(), ['u1', 'u2']);
    const none = await (await pusher.get({ path: '/channels/presence-nobody/users' })).json();
    assert.deepEqual(none, { users: [] });
  });

  it('sends to a user and terminates their connections', async () => {
    const { adapter } = s.server.context;
    const conn = new FakeConnection('5.1');
    adapter.addConnection(s.app.id, conn);
    await adapter.signIn(s.app.id, 'alice', '5.1');
    await pusher.sendToUser('alice', 'hello', { hi: 1 });
    assert.deepEqual(conn.messages, [
      { event: 'hello', channel: '#server-to-user-alice', data: '{"hi":1}' },
    ]);
    const response = await pusher.terminateUserConnections('alice');
    assert.equal(response.status, 200);
    assert.deepEqual(conn.closed, { code: 4009, reason: 'You got disconnected by the app.' });
  });
});
