/**
 * Subscription rules and client-event rules, driven by raw `ws` clients; channel auth signed with the
 * official `pusher` SDK's authorizeChannel / authenticateUser.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { CloseCodes, SubscriptionErrors } from '../../src/protocol/close-codes.js';
import type { ServerEvent } from '../../src/events.js';
import { startServer, TEST_APP, type TestServer } from '../helpers/server.js';
import { officialSdk, RawClient } from './helpers.js';

type Client = Awaited<ReturnType<typeof RawClient.established>>;

async function setup(t: TestContext, config: Parameters<typeof startServer>[1] = {}) {
  const server = await startServer(t, config);
  const sdk = officialSdk(server);
  const client = () => RawClient.established(server, t);
  return { server, sdk, client };
}

async function join(
  sdk: ReturnType<typeof officialSdk>,
  client: Client,
  channel: string,
  userId?: string,
  userInfo: unknown = { name: `user ${userId}` },
) {
  const auth = channel.startsWith('presence-')
    ? sdk.authorizeChannel(client.socketId, channel, {
        user_id: userId!,
        user_info: userInfo as object,
      })
    : channel.startsWith('private-')
      ? sdk.authorizeChannel(client.socketId, channel)
      : { auth: '' };
  client.send('pusher:subscribe', { channel, ...auth });
  return client.next('pusher_internal:subscription_succeeded', (f) => f.channel === channel);
}

async function refused(client: Client, channel: string) {
  const frame = await client.next('pusher:subscription_error', (f) => f.channel === channel);
  return frame.data as { type: string; error: string; status: number };
}

function recordEvents(server: TestServer): ServerEvent[] {
  const seen: ServerEvent[] = [];
  server.server.context.events.on((event) => seen.push(event));
  return seen;
}

describe('subscriptions', () => {
  it('public channels need no auth and answer subscription_succeeded with data "{}"', async (t) => {
    const { sdk, client } = await setup(t);
    const c = await client();
    const ok = await join(sdk, c, 'news');
    assert.deepEqual(ok, {
      event: 'pusher_internal:subscription_succeeded',
      channel: 'news',
      data: '{}',
    });
  });

  it('refuses invalid names, #-channels and foreign signatures without occupying anything', async (t) => {
    const { server, sdk, client } = await setup(t);
    const c = await client();
    const other = await client();
    c.send('pusher:subscribe', { channel: 'bad name!' });
    assert.equal((await refused(c, 'bad name!')).status, SubscriptionErrors.INVALID_CHANNEL.status);
    const long = 'x'.repeat(201);
    c.send('pusher:subscribe', { channel: long });
    assert.equal((await refused(c, long)).type, 'InvalidChannel');
    c.send('pusher:subscribe', { channel: '#server-to-user-1', auth: '' });
    assert.equal((await refused(c, '#server-to-user-1')).status, 403);
    c.send('pusher:subscribe', { channel: 'private-a' });
    assert.deepEqual(await refused(c, 'private-a'), {
      type: 'AuthError',
      error: 'Invalid signature',
      status: 401,
    });
    // A signature made for another socket id is refused.
    c.send('pusher:subscribe', {
      channel: 'private-a',
      ...sdk.authorizeChannel(other.socketId, 'private-a'),
    });
    assert.equal((await refused(c, 'private-a')).status, 401);
    // ...and one signed with another secret.
    const wrong = `${server.app.key}:${'0'.repeat(64)}`;
    c.send('pusher:subscribe', { channel: 'private-encrypted-a', auth: wrong });
    assert.equal((await refused(c, 'private-encrypted-a')).status, 401);
    await c.roundTrip();
    assert.equal((await server.server.context.adapter.channels(server.app.id)).size, 0);
    // The socket stays usable.
    await join(sdk, c, 'private-a');
    await join(sdk, c, 'private-encrypted-a');
  });

  it('presence: members, hash and count; member_added/removed once per user, to the others', async (t) => {
    const { server, sdk, client } = await setup(t);
    const events = recordEvents(server);
    const a = await client();
    const b1 = await client();
    const b2 = await client();
    const first = await join(sdk, a, 'presence-room', '1');
    assert.deepEqual(JSON.parse(first.data), {
      presence: { ids: ['1'], hash: { '1': { name: 'user 1' } }, count: 1 },
    });
    await join(sdk, b1, 'presence-room', '2');
    const added = await a.next('pusher_internal:member_added');
    assert.deepEqual(JSON.parse(added.data), { user_id: '2', user_info: { name: 'user 2' } });
    const second = await join(sdk, b2, 'presence-room', '2');
    assert.equal(JSON.parse(second.data).presence.count, 2);
    b1.ws.close();
    await b1.closed;
    await a.roundTrip();
    b2.send('pusher:unsubscribe', { channel: 'presence-room' });
    const removed = await a.next('pusher_internal:member_removed');
    assert.deepEqual(JSON.parse(removed.data), { user_id: '2' });
    await a.roundTrip();
    assert.equal(a.frames.filter((f) => f.event === 'pusher_internal:member_added').length, 1);
    assert.equal(a.frames.filter((f) => f.event === 'pusher_internal:member_removed').length, 1);
    assert.equal(b1.frames.filter((f) => f.event === 'pusher_internal:member_added').length, 0);
    const types = events.filter((e) => e.type === 'member_added' || e.type === 'member_removed');
    assert.deepEqual(
      types.map((e) => [e.type, 'userId' in e ? e.userId : '']),
      [
        ['member_added', '1'],
        ['member_added', '2'],
        ['member_removed', '2'],
      ],
    );
  });

  it('presence: numeric user ids become strings; bad channel_data and big user_info are refused', async (t) => {
    const { sdk, client } = await setup(t);
    const c = await client();
    const channelData = JSON.stringify({ user_id: 10, user_info: { name: 'Mr. Pusher' } });
    const auth = sdk.authorizeChannel(c.socketId, 'presence-n', {
      user_id: 10 as unknown as string,
      user_info: { name: 'Mr. Pusher' },
    });
    assert.equal(auth.channel_data, channelData);
    c.send('pusher:subscribe', { channel: 'presence-n', ...auth });
    const ok = await c.next('pusher_internal:subscription_succeeded');
    assert.deepEqual(JSON.parse(ok.data).presence.ids, ['10']);

    c.send('pusher:subscribe', {
      channel: 'presence-x',
      auth: sdk.authorizeChannel(c.socketId, 'presence-x').auth,
    });
    assert.equal((await refused(c, 'presence-x')).type, 'InvalidChannelData');
    const noId = sdk.authorizeChannel(c.socketId, 'presence-y', { user_info: {} } as never);
    c.send('pusher:subscribe', { channel: 'presence-y', ...noId });
    assert.equal((await refused(c, 'presence-y')).type, 'InvalidChannelData');
    const big = sdk.authorizeChannel(c.socketId, 'presence-z', {
      user_id: '1',
      user_info: { bio: 'x'.repeat(2000) },
    });
    c.send('pusher:subscribe', { channel: 'presence-z', ...big });
    assert.deepEqual(await refused(c, 'presence-z'), {
      type: 'LimitReached',
      status: 413,
      error: 'user_info is 2010 bytes; the limit is 1024',
    });
    // channel_data that differs from what was signed is an auth error.
    const tampered = {
      ...sdk.authorizeChannel(c.socketId, 'presence-w', { user_id: '1' }),
      channel_data: '{"user_id":"2"}',
    };
    c.send('pusher:subscribe', { channel: 'presence-w', ...tampered });
    assert.equal((await refused(c, 'presence-w')).status, 401);
  });

  it('presence: the member limit refuses a new user but not another socket of a member', async (t) => {
    const { server, sdk, client } = await setup(t, {
      apps: [{ ...TEST_APP, maxPresenceMembers: 2 }],
    });
    const [a, b, c, a2] = await Promise.all([client(), client(), client(), client()]);
    await join(sdk, a, 'presence-full', '1');
    await join(sdk, b, 'presence-full', '2');
    c.send('pusher:subscribe', {
      channel: 'presence-full',
      ...sdk.authorizeChannel(c.socketId, 'presence-full', { user_id: '3' }),
    });
    assert.deepEqual(await refused(c, 'presence-full'), {
      type: 'LimitReached',
      status: 4100,
      error: 'The presence channel has 2 members, the most allowed',
    });
    await join(sdk, a2, 'presence-full', '1');
    assert.equal(
      (await server.server.context.adapter.channel(server.app.id, 'presence-full')).userCount,
      2,
    );
  });

  it('caps channels per connection', async (t) => {
    const { sdk, client } = await setup(t, { maxChannelsPerConnection: 2 });
    const c = await client();
    await join(sdk, c, 'one');
    await join(sdk, c, 'two');
    await join(sdk, c, 'one'); // re-subscribing is not a new channel
    c.send('pusher:subscribe', { channel: 'three' });
    assert.equal((await refused(c, 'three')).status, 429);
    c.send('pusher:unsubscribe', { channel: 'one' });
    await join(sdk, c, 'three');
  });

  it('emits subscribed/occupied/unsubscribed/vacated and connection events with the close code', async (t) => {
    const { server, sdk, client } = await setup(t);
    const events = recordEvents(server);
    const c = await client();
    await join(sdk, c, 'ev');
    c.send('pusher:unsubscribe', { channel: 'ev' });
    await c.roundTrip();
    await join(sdk, c, 'ev');
    c.ws.close(4321);
    await c.closed;
    while (!events.some((e) => e.type === 'connection_closed'))
      await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'connection_opened',
        'subscribed',
        'channel_occupied',
        'unsubscribed',
        'channel_vacated',
        'subscribed',
        'channel_occupied',
        'unsubscribed',
        'channel_vacated',
        'connection_closed',
      ],
    );
    assert.deepEqual(events.at(-1), {
      type: 'connection_closed',
      appId: server.app.id,
      socketId: c.socketId,
      code: 4321,
    });
  });
});

describe('client events', () => {
  it('relays to the other subscribers only, adds user_id on presence, emits client_event', async (t) => {
    const { server, sdk, client } = await setup(t);
    const events = recordEvents(server);
    const [a, b] = await Promise.all([client(), client()]);
    await join(sdk, a, 'private-chat');
    await join(sdk, b, 'private-chat');
    a.send('client-typing', { typing: true }, 'private-chat');
    const got = await b.next('client-typing');
    assert.deepEqual(got, {
      event: 'client-typing',
      channel: 'private-chat',
      data: { typing: true },
    });
    await join(sdk, a, 'presence-chat', '7');
    await join(sdk, b, 'presence-chat', '8');
    a.send('client-hi', 'there', 'presence-chat');
    assert.deepEqual(await b.next('client-hi'), {
      event: 'client-hi',
      channel: 'presence-chat',
      data: 'there',
      user_id: '7',
    });
    await a.roundTrip();
    assert.equal(a.frames.filter((f) => f.event.startsWith('client-')).length, 0, 'never echoed');
    const relayed = events.filter((e) => e.type === 'client_event');
    assert.deepEqual(relayed.at(-1), {
      type: 'client_event',
      appId: server.app.id,
      channel: 'presence-chat',
      event: 'client-hi',
      data: 'there',
      socketId: a.socketId,
      userId: '7',
    });
  });

  it('refuses client events where they are not allowed, with pusher:error 4301', async (t) => {
    const { sdk, client } = await setup(t, { apps: [{ ...TEST_APP, maxEventDataBytes: 100 }] });
    const [a, b] = await Promise.all([client(), client()]);
    for (const c of [a, b]) {
      await join(sdk, c, 'public');
      await join(sdk, c, 'private-encrypted-e');
      await join(sdk, c, 'private-p');
    }
    const attempts: [string, unknown, string | undefined, string][] = [
      ['client-x', {}, 'public', 'Client events are only allowed on private and presence channels'],
      [
        'client-x',
        {},
        'private-encrypted-e',
        'Client events are not allowed on encrypted channels',
      ],
      ['client-x', {}, 'private-other', 'Not subscribed to private-other'],
      ['client-x', {}, undefined, 'A client event needs a channel'],
      [
        'client-x',
        'y'.repeat(200),
        'private-p',
        'Client event data is 202 bytes; the limit is 100',
      ],
      [
        `client-${'n'.repeat(200)}`,
        {},
        'private-p',
        'The event name is longer than 200 characters',
      ],
    ];
    for (const [event, data, channel, message] of attempts) {
      a.send(event, data, channel);
      const error = await a.next('pusher:error');
      assert.deepEqual(error.data, { code: CloseCodes.CLIENT_EVENT_REJECTED.code, message });
    }
    await b.roundTrip();
    assert.equal(b.frames.filter((f) => f.event.startsWith('client-')).length, 0);
  });

  it('refuses client events for apps that disable them', async (t) => {
    const { sdk, client } = await setup(t, { apps: [{ ...TEST_APP, clientEvents: false }] });
    const a = await client();
    await join(sdk, a, 'private-p');
    a.send('client-x', {}, 'private-p');
    const error = await a.next('pusher:error');
    assert.equal(error.data.message, 'Client events are disabled for this app');
    await a.roundTrip();
  });

  it('rate-limits per connection: excess gets pusher:error, abuse closes with 4301', async (t) => {
    const { sdk, client } = await setup(t, { apps: [{ ...TEST_APP, clientEventsPerSecond: 3 }] });
    const [a, b] = await Promise.all([client(), client()]);
    await join(sdk, a, 'private-r');
    await join(sdk, b, 'private-r');
    for (let i = 0; i < 5; i++) a.send('client-n', i, 'private-r');
    await a.roundTrip();
    const errors = a.frames.filter((f) => f.event === 'pusher:error');
    // Either all five fell in one window (3 pass, 2 refused) or the window turned over in between.
    assert.ok(errors.length <= 2);
    assert.ok(errors.every((e) => e.data.code === CloseCodes.CLIENT_EVENT_REJECTED.code));
    for (let i = 0; i < 20; i++) a.send('client-n', i, 'private-r');
    const closed = await a.closed;
    assert.equal(closed.code, CloseCodes.CLIENT_EVENT_REJECTED.code);
    await b.roundTrip();
    assert.ok(b.frames.filter((f) => f.event === 'client-n').length <= 12);
  });
});

describe('sign-in', () => {
  it('verifies user auth, answers signin_success and allows its #server-to-user- channel', async (t) => {
    const { server, sdk, client } = await setup(t);
    const c = await client();
    const { auth, user_data } = sdk.authenticateUser(c.socketId, { id: '42', user_info: { n: 1 } });
    c.send('pusher:signin', { auth, user_data });
    const ok = await c.next('pusher:signin_success');
    assert.deepEqual(JSON.parse(ok.data), { user_data });
    assert.ok(server.server.context.adapter.local.isUserOnline(server.app.id, '42'));
    c.send('pusher:subscribe', { channel: '#server-to-user-42', auth: '' });
    await c.next(
      'pusher_internal:subscription_succeeded',
      (f) => f.channel === '#server-to-user-42',
    );
    c.send('pusher:subscribe', { channel: '#server-to-user-43', auth: '' });
    assert.equal((await refused(c, '#server-to-user-43')).status, 403);
    c.ws.close();
    await c.closed;
    while (server.server.context.adapter.local.isUserOnline(server.app.id, '42')) {
      await new Promise((r) => setTimeout(r, 5));
    }
  });

  it('closes with 4009 on a bad sign-in signature', async (t) => {
    const { sdk, client } = await setup(t);
    const [c, other] = await Promise.all([client(), client()]);
    const { auth, user_data } = sdk.authenticateUser(other.socketId, { id: '42' });
    c.send('pusher:signin', { auth, user_data });
    const error = await c.next('pusher:error');
    assert.equal(error.data.code, CloseCodes.UNAUTHORIZED.code);
    assert.equal((await c.closed).code, CloseCodes.UNAUTHORIZED.code);
  });
});
