/**
 * Handshake, liveness and malformed input, driven by a raw `ws` client (what pusher-js can't express).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOCKET_ID_PATTERN } from '@herald/sdk/protocol';
import { CloseCodes } from '../../src/protocol/close-codes.js';
import { startServer, TEST_APP } from '../helpers/server.js';
import { RawClient } from './helpers.js';

const Q = '?protocol=7&client=js&version=8.6.0';

async function expectRefusal(url: string, code: number): Promise<void> {
  const client = await RawClient.connect(url);
  const error = await client.next('pusher:error');
  assert.equal(error.data.code, code);
  const closed = await client.closed;
  assert.equal(closed.code, code);
  assert.equal(closed.reason, error.data.message);
}

describe('handshake', () => {
  it('sends connection_established with a socket id and activity_timeout', async (t) => {
    const server = await startServer(t, { activityTimeoutSeconds: 77 });
    const client = await RawClient.connect(`${server.wsUrl}/app/${server.app.key}${Q}`, t);
    const frame = await client.next('pusher:connection_established');
    assert.equal(typeof frame.data, 'string', 'data is a JSON string');
    const data = JSON.parse(frame.data);
    assert.match(data.socket_id, SOCKET_ID_PATTERN);
    assert.equal(data.activity_timeout, 77);
    assert.equal(server.server.context.adapter.local.connectionCount(server.app.id), 1);
  });

  it('refuses an unknown key with 4001', async (t) => {
    const server = await startServer(t);
    await expectRefusal(`${server.wsUrl}/app/nope${Q}`, CloseCodes.APP_NOT_FOUND.code);
  });

  it('refuses a disabled app with 4003', async (t) => {
    const server = await startServer(t, { apps: [{ ...TEST_APP, enabled: false }] });
    await expectRefusal(`${server.wsUrl}/app/${server.app.key}${Q}`, CloseCodes.APP_DISABLED.code);
  });

  it('refuses connections over the quota with 4004 and admits again after one leaves', async (t) => {
    const server = await startServer(t, { apps: [{ ...TEST_APP, maxConnections: 2 }] });
    const url = `${server.wsUrl}/app/${server.app.key}${Q}`;
    const [a] = await Promise.all([
      RawClient.established(server, t),
      RawClient.established(server, t),
    ]);
    await expectRefusal(url, CloseCodes.OVER_CONNECTION_QUOTA.code);
    a.ws.close();
    await a.closed;
    // The server cleans up asynchronously after the close; poll the registry.
    while (server.server.context.adapter.local.connectionCount(server.app.id) > 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await RawClient.established(server, t);
  });

  it('does not overshoot the quota on a burst of simultaneous connections', async (t) => {
    const server = await startServer(t, { apps: [{ ...TEST_APP, maxConnections: 3 }] });
    const url = `${server.wsUrl}/app/${server.app.key}${Q}`;
    const clients = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(url, t)));
    const first = await Promise.all(
      clients.map((c) =>
        Promise.race([c.next('pusher:connection_established'), c.next('pusher:error')]),
      ),
    );
    assert.equal(first.filter((f) => f.event === 'pusher:connection_established').length, 3);
    assert.equal(
      first.filter((f) => f.data?.code === CloseCodes.OVER_CONNECTION_QUOTA.code).length,
      5,
    );
  });

  it('refuses bad paths with 4005', async (t) => {
    const server = await startServer(t);
    await expectRefusal(`${server.wsUrl}/socket${Q}`, CloseCodes.PATH_NOT_FOUND.code);
    await expectRefusal(`${server.wsUrl}/app/${Q}`, CloseCodes.PATH_NOT_FOUND.code);
    await expectRefusal(`${server.wsUrl}/app/a/b${Q}`, CloseCodes.PATH_NOT_FOUND.code);
  });

  it('checks the protocol version: 4006 malformed, 4007 unsupported, 4008 missing', async (t) => {
    const server = await startServer(t);
    const base = `${server.wsUrl}/app/${server.app.key}`;
    await expectRefusal(`${base}?protocol=seven`, CloseCodes.INVALID_VERSION.code);
    await expectRefusal(`${base}?protocol=3`, CloseCodes.UNSUPPORTED_PROTOCOL.code);
    await expectRefusal(`${base}?protocol=8`, CloseCodes.UNSUPPORTED_PROTOCOL.code);
    await expectRefusal(`${base}?client=js`, CloseCodes.NO_PROTOCOL_VERSION.code);
    for (const version of [4, 5, 6, 7]) {
      const client = await RawClient.connect(`${base}?protocol=${version}`, t);
      await client.next('pusher:connection_established');
    }
  });

  it('answers non-WebSocket upgrade requests with HTTP 400 and keeps serving', async (t) => {
    const server = await startServer(t);
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        path: `/app/${server.app.key}${Q}`,
        headers: { connection: 'upgrade', upgrade: 'websocket' },
      });
      req.on('response', (res) => resolve(res.statusCode));
      req.on('error', () => resolve(undefined));
      req.end();
    });
    assert.equal(status, 400);
    await RawClient.established(server, t);
  });
});

describe('liveness', () => {
  it('answers pusher:ping with pusher:pong', async (t) => {
    const server = await startServer(t);
    const client = await RawClient.established(server, t);
    client.send('pusher:ping', {});
    const pong = await client.next('pusher:pong');
    assert.deepEqual(pong, { event: 'pusher:pong', data: '{}' });
  });

  it('pings a silent client, keeps it when it answers, closes with 4201 when it does not', async (t) => {
    const server = await startServer(t, { activityTimeoutSeconds: 1, pongTimeoutSeconds: 1 });
    const polite = await RawClient.established(server, t);
    const silent = await RawClient.established(server, t);
    await polite.next('pusher:ping');
    polite.send('pusher:pong', {});
    await silent.next('pusher:ping');
    const closed = await silent.closed;
    assert.equal(closed.code, CloseCodes.PONG_NOT_RECEIVED.code);
    assert.equal(polite.ws.readyState, polite.ws.OPEN);
  });
});

describe('bad input', () => {
  it('answers invalid JSON, non-objects, missing events and unknown events with pusher:error, in order', async (t) => {
    const server = await startServer(t);
    const client = await RawClient.established(server, t);
    client.ws.send('{not json');
    client.ws.send('[1,2]');
    client.ws.send('{"data":{}}');
    client.send('pusher:subscribe', {});
    client.send('pusher:subscribe', { channel: 'first' });
    client.send('nonsense');
    client.send('pusher_internal:subscription_succeeded', {}, 'x');
    await client.roundTrip();
    const codes = client.frames.slice(1, -1).map((f) => f.data?.code ?? f.event);
    assert.deepEqual(codes, [
      CloseCodes.INVALID_MESSAGE.code,
      CloseCodes.INVALID_MESSAGE.code,
      CloseCodes.INVALID_MESSAGE.code,
      CloseCodes.INVALID_MESSAGE.code,
      'pusher_internal:subscription_succeeded',
      CloseCodes.UNSUPPORTED_EVENT.code,
      CloseCodes.UNSUPPORTED_EVENT.code,
    ]);
    assert.equal(client.frames[1]!.data.message, 'Invalid JSON');
  });

  it('closes a connection sending a frame over maxPayloadBytes with 1009; others do not notice', async (t) => {
    const server = await startServer(t, { maxPayloadBytes: 64 * 1024 });
    const bystander = await RawClient.established(server, t);
    const client = await RawClient.established(server, t);
    client.ws.send(JSON.stringify({ event: 'client-x', data: 'x'.repeat(1024 * 1024) }));
    const closed = await client.closed;
    assert.equal(closed.code, CloseCodes.MESSAGE_TOO_BIG.code);
    await bystander.roundTrip();
  });

  it('survives a burst of thousands of subscribes: extra channels are refused, the rest work', async (t) => {
    const server = await startServer(t, { maxChannelsPerConnection: 50 });
    const client = await RawClient.established(server, t);
    for (let i = 0; i < 3000; i++)
      client.send('pusher:subscribe', { channel: `burst-${i}`, auth: '' });
    await client.roundTrip();
    const ok = client.frames.filter((f) => f.event === 'pusher_internal:subscription_succeeded');
    const refused = client.frames.filter((f) => f.event === 'pusher:subscription_error');
    assert.equal(ok.length, 50);
    assert.equal(refused.length, 2950);
    assert.equal(refused[0]!.data.status, 429);
    assert.equal(refused[0]!.data.type, 'LimitReached');
  });

  it('accepts binary frames holding JSON like text frames', async (t) => {
    const server = await startServer(t);
    const client = await RawClient.established(server, t);
    client.ws.send(Buffer.from(JSON.stringify({ event: 'pusher:ping', data: {} })), {
      binary: true,
    });
    await client.next('pusher:pong');
  });
});

describe('shutdown', () => {
  it('closes every connection with 4200 and removes them', async (t) => {
    const server = await startServer(undefined);
    const clients = await Promise.all([
      RawClient.established(server, t),
      RawClient.established(server, t),
    ]);
    clients[0].send('pusher:subscribe', { channel: 'room', auth: '' });
    await clients[0].next('pusher_internal:subscription_succeeded');
    await server.server.stop();
    for (const client of clients)
      assert.equal((await client.closed).code, CloseCodes.RECONNECT.code);
    assert.equal(server.server.context.adapter.local.connectionCount(server.app.id), 0);
    assert.equal(server.server.context.adapter.local.subscriptionCount(server.app.id, 'room'), 0);
  });
});
