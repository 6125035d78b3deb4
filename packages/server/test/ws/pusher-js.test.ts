/**
 * End-to-end with the real clients users run: pusher-js 8 (node build) and Laravel Echo 2 against a
 * real server on 127.0.0.1:0, channel auth from a real auth endpoint signing with the official SDK.
 * Server → client events are published through the adapter (the HTTP API is tested on its own).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import Echo from 'laravel-echo';
import nacl from 'tweetnacl';
import { OutboundFrame } from '../../src/protocol/frame.js';
import { TEST_APP, type TestServer } from '../helpers/server.js';
import {
  connectPusherJs,
  MASTER_KEY,
  nextEvent,
  nextEventWithMetadata,
  PusherJs,
  pusherJsOptions,
  onCleanup,
  startAuthEndpoint,
  startWsServer,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- pusher-js and Echo callbacks carry untyped JSON */

function publish(server: TestServer, channel: string, event: string, data: string): Promise<void> {
  const frame = OutboundFrame.event(event, channel, data);
  return server.server.context.adapter.broadcast(server.app.id, channel, frame);
}

function subscribed(channel: any): Promise<any> {
  return nextEvent(channel, 'pusher:subscription_succeeded');
}

describe('pusher-js 8', () => {
  it('connects, subscribes to a public channel and receives events (data parsed)', async (t) => {
    const server = await startWsServer(t);
    const client = await connectPusherJs(t, server);
    assert.match(client.connection.socket_id, /^\d+\.\d+$/);
    const channel = client.subscribe('news');
    await subscribed(channel);
    const got = nextEvent(channel, 'App\\Events\\Published');
    await publish(server, 'news', 'App\\Events\\Published', JSON.stringify({ id: 1 }));
    assert.deepEqual(await got, { id: 1 });
  });

  it('private channels: authorized through the auth endpoint; client events reach the others only', async (t) => {
    const server = await startWsServer(t);
    const endpoint = await startAuthEndpoint(t, server);
    const a = await connectPusherJs(t, server, endpoint);
    const b = await connectPusherJs(t, server, endpoint);
    const ca = a.subscribe('private-chat');
    const cb = b.subscribe('private-chat');
    await Promise.all([subscribed(ca), subscribed(cb)]);
    let echoed = false;
    ca.bind('client-typing', () => (echoed = true));
    const got = nextEvent(cb, 'client-typing');
    assert.equal(ca.trigger('client-typing', { who: 'a' }), true);
    assert.deepEqual(await got, { who: 'a' });
    // pusher-js has no round trip API; a second event from b to a shows ordering.
    const back = nextEvent(ca, 'client-typing');
    cb.trigger('client-typing', { who: 'b' });
    assert.deepEqual(await back, { who: 'b' });
    assert.equal(echoed, true, "a got b's event");
  });

  it('presence channels: me, members, joins and leaves, user_id on client events', async (t) => {
    const server = await startWsServer(t);
    const endpoint = await startAuthEndpoint(t, server);
    const a = await connectPusherJs(t, server, endpoint, { user_id: '1' });
    const pa = a.subscribe('presence-room') as any;
    const first = await subscribed(pa);
    assert.equal(first.count, 1);
    assert.equal(pa.members.me.id, '1');
    assert.deepEqual(pa.members.me.info, { name: 'user 1' });

    const joined = nextEvent(pa, 'pusher:member_added');
    const b = await connectPusherJs(t, server, endpoint, { user_id: '2' });
    const pb = b.subscribe('presence-room') as any;
    const members = await subscribed(pb);
    assert.equal(members.count, 2);
    assert.deepEqual((await joined).info, { name: 'user 2' });

    const whisper = nextEventWithMetadata(pa, 'client-wave');
    pb.trigger('client-wave', { hi: true });
    const { data, metadata } = await whisper;
    assert.deepEqual(data, { hi: true });
    assert.equal(metadata.user_id, '2');

    const left = nextEvent(pa, 'pusher:member_removed');
    b.disconnect();
    assert.equal((await left).id, '2');
    assert.equal(pa.members.count, 1);
  });

  it('encrypted channels: subscribe with shared_secret and decrypt what the server relays verbatim', async (t) => {
    const server = await startWsServer(t);
    const endpoint = await startAuthEndpoint(t, server);
    const client = await connectPusherJs(t, server, endpoint);
    const channel = client.subscribe('private-encrypted-vault');
    await subscribed(channel);
    const key = createHash('sha256')
      .update(
        Buffer.concat([Buffer.from('private-encrypted-vault'), Buffer.from(MASTER_KEY, 'base64')]),
      )
      .digest();
    const nonce = nacl.randomBytes(24);
    const plaintext = Buffer.from(JSON.stringify({ secret: 42 }));
    const ciphertext = nacl.secretbox(plaintext, nonce, key);
    const got = nextEvent(channel, 'sealed');
    await publish(
      server,
      'private-encrypted-vault',
      'sealed',
      JSON.stringify({
        nonce: Buffer.from(nonce).toString('base64'),
        ciphertext: Buffer.from(ciphertext).toString('base64'),
      }),
    );
    assert.deepEqual(await got, { secret: 42 });
  });

  it('a refused subscription reaches the channel as pusher:subscription_error', async (t) => {
    const server = await startWsServer(t, { apps: [{ ...TEST_APP, maxPresenceMembers: 1 }] });
    const endpoint = await startAuthEndpoint(t, server);
    const a = await connectPusherJs(t, server, endpoint, { user_id: '1' });
    await subscribed(a.subscribe('presence-solo'));
    const b = await connectPusherJs(t, server, endpoint, { user_id: '2' });
    const error = await nextEvent(b.subscribe('presence-solo'), 'pusher:subscription_error');
    assert.deepEqual(error, {
      type: 'LimitReached',
      error: 'The presence channel has 1 members, the most allowed',
      status: 4100,
    });
  });

  it('reconnects after a 4200 close and re-subscribes by itself', async (t) => {
    const server = await startWsServer(t);
    const client = await connectPusherJs(t, server);
    const channel = client.subscribe('news');
    await subscribed(channel);
    const oldId = client.connection.socket_id;
    const again = subscribed(channel);
    server.server.context.adapter.local
      .connection(server.app.id, oldId)!
      .close(4200, 'Generic reconnect immediately');
    await again;
    assert.notEqual(client.connection.socket_id, oldId);
    const got = nextEvent(channel, 'after');
    await publish(server, 'news', 'after', '"back"');
    assert.equal(await got, 'back');
  });

  it('signs in, then receives server-to-user events on pusher.user', async (t) => {
    const server = await startWsServer(t);
    const endpoint = await startAuthEndpoint(t, server);
    const client = new PusherJs(server.app.key, {
      ...pusherJsOptions(server),
      userAuthentication: {
        endpoint: endpoint.replace('/pusher/auth', '/pusher/user-auth?user=42'),
        transport: 'ajax',
      },
    });
    onCleanup(t, server, () => client.disconnect());
    client.signin();
    const { local } = server.server.context.adapter;
    // signin_success is queued before anything sent to the user, so delivery order is safe.
    while (!local.isUserOnline(server.app.id, '42')) await new Promise((r) => setTimeout(r, 5));
    const got = nextEvent(client.user, 'note');
    await server.server.context.adapter.sendToUser(
      server.app.id,
      '42',
      OutboundFrame.event('note', '#server-to-user-42', '{"n":1}'),
    );
    assert.deepEqual(await got, { n: 1 });
  });
});

describe('Laravel Echo 2', () => {
  it('channel/private/join/whisper/here/joining/leaving/error work unchanged', async (t) => {
    const server = await startWsServer(t, { apps: [{ ...TEST_APP, maxPresenceMembers: 2 }] });
    const endpoint = await startAuthEndpoint(t, server);
    const echoes: { disconnect(): void }[] = [];
    onCleanup(t, server, () => echoes.forEach((e) => e.disconnect()));
    const echo = (userId: string) => {
      const instance = new Echo({
        broadcaster: 'pusher',
        key: server.app.key,
        Pusher: PusherJs as any,
        ...pusherJsOptions(server),
        authEndpoint: endpoint,
        auth: { headers: {}, params: { user_id: userId } },
        withoutInterceptors: true,
      } as any);
      echoes.push(instance);
      return instance;
    };
    const ann = echo('1');
    const bo = echo('2');

    const shipped = new Promise<any>((resolve) =>
      ann.channel('orders').listen('OrderShipped', resolve),
    );
    await new Promise<void>((resolve) => ann.channel('orders').subscribed(() => resolve()));
    await publish(server, 'orders', 'App\\Events\\OrderShipped', '{"id":7}');
    assert.deepEqual(await shipped, { id: 7 });

    const here = new Promise<any[]>((resolve) => ann.join('lobby').here(resolve));
    assert.deepEqual(await here, [{ name: 'user 1' }]);
    const joining = new Promise<any>((resolve) => ann.join('lobby').joining(resolve));
    const boHere = new Promise<any[]>((resolve) => bo.join('lobby').here(resolve));
    assert.equal((await boHere).length, 2);
    assert.deepEqual(await joining, { name: 'user 2' });

    const whispered = new Promise<any>((resolve) =>
      ann.private('chat').listenForWhisper('typing', resolve),
    );
    await new Promise<void>((resolve) => ann.private('chat').subscribed(() => resolve()));
    await new Promise<void>((resolve) => bo.private('chat').subscribed(() => resolve()));
    bo.private('chat').whisper('typing', { name: 'Bo' });
    assert.deepEqual(await whispered, { name: 'Bo' });

    const third = echo('3');
    const error = new Promise<any>((resolve) => third.join('lobby').error(resolve));
    assert.equal((await error).type, 'LimitReached');

    const leaving = new Promise<any>((resolve) => ann.join('lobby').leaving(resolve));
    bo.leave('lobby');
    assert.deepEqual(await leaving, { name: 'user 2' });
  });
});
