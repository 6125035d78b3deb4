import assert from 'node:assert/strict';
import { createServer as createHttpServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { startServer } from '../helpers/server.js';
import { signTrigger } from '../../src/console/send.js';
import {
  APP_A,
  APP_B,
  CONSOLE_TOKEN,
  fakeConnection,
  getJson,
  signIn,
  SseReader,
  startConsoleServer,
  trackListeners,
} from './helpers.js';

describe('console: serving', () => {
  it('is off by default: /console is left to the HTTP API', async (t) => {
    const { apiUrl } = await startServer(t);
    const response = await fetch(`${apiUrl}/console/`);
    await response.arrayBuffer();
    assert.notEqual(response.status, 200);
    assert.doesNotMatch(response.headers.get('content-type') ?? '', /html/);
  });

  it('serves the page with a strict CSP, and redirects /console to /console/', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    const page = await fetch(`${apiUrl}/console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
    assert.match(await page.text(), /<script src="console\.js"/);
    for (const file of ['console.js', 'console.css']) {
      const res = await fetch(`${apiUrl}/console/${file}`);
      assert.equal(res.status, 200, file);
      await res.arrayBuffer();
    }
    const redirect = await fetch(`${apiUrl}/console`, { redirect: 'manual' });
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.get('location'), '/console/');
    const missing = await fetch(`${apiUrl}/console/../package.json`);
    assert.notEqual(missing.status, 200);
    await missing.arrayBuffer();
    const unknown = await fetch(`${apiUrl}/console/secret.txt`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: 'Not found' });
  });

  it('serves the console on the API port when apiPort is separate', async (t) => {
    const { apiUrl, port, apiPort } = await startConsoleServer(t, { apiPort: 0 });
    assert.notEqual(port, apiPort);
    const page = await fetch(`${apiUrl}/console/`);
    assert.equal(page.status, 200);
    await page.arrayBuffer();
  });
});

describe('console: sign-in', () => {
  it('refuses a wrong secret, an unknown key and another app secret with 401', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    for (const [key, secret] of [
      [APP_A.key, 'wrong-secret'],
      [APP_A.key, APP_B.secret],
      ['no-such-key', APP_A.secret],
      ['no-such-key', CONSOLE_TOKEN],
    ] as const) {
      const result = await signIn(apiUrl, key, secret);
      assert.equal(result.status, 401, `${key}/${secret}`);
      assert.deepEqual(result.body, { error: 'Wrong app key or secret' });
      assert.equal(result.setCookie, null);
    }
  });

  it('answers 429 after 10 failed sign-ins from one address, even to the right secret', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    for (let i = 0; i < 10; i++)
      assert.equal((await signIn(apiUrl, APP_A.key, `wrong-${i}`)).status, 401);
    const blocked = await signIn(apiUrl, APP_A.key, APP_A.secret);
    assert.equal(blocked.status, 429);
    assert.match(blocked.body.error, /Too many failed sign-ins/);
    assert.equal(blocked.setCookie, null);
  });

  it('answers 400 to missing fields and 415 to a non-JSON body', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    const missing = await fetch(`${apiUrl}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: APP_A.key }),
    });
    assert.equal(missing.status, 400);
    assert.match((await missing.json()).error, /"secret"/);
    const form = await fetch(`${apiUrl}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `key=${APP_A.key}&secret=${APP_A.secret}`,
    });
    assert.equal(form.status, 415);
    await form.arrayBuffer();
    const bad = await fetch(`${apiUrl}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(bad.status, 400);
    await bad.arrayBuffer();
    const huge = await fetch(`${apiUrl}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'k', secret: 'x'.repeat(100_000) }),
    });
    assert.equal(huge.status, 413);
    await huge.arrayBuffer();
  });

  it('signs in with key and secret: HttpOnly SameSite=Strict cookie, no secret in answers', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    const result = await signIn(apiUrl, APP_A.key, APP_A.secret);
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, {
      app: { id: APP_A.id, key: APP_A.key, name: APP_A.name, enabled: true },
    });
    const cookie = result.setCookie!;
    assert.match(cookie, /^herald_console=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\/console/);
    assert.match(cookie, /; Max-Age=\d+/);
    const again = await signIn(apiUrl, APP_A.key, APP_A.secret);
    assert.notEqual(again.cookie, result.cookie, 'each sign-in gets a fresh random id');

    const who = await getJson(apiUrl, '/console/api/session', result.cookie);
    assert.equal(who.status, 200);
    assert.equal(who.body.app.id, APP_A.id);
    const state = await fetch(`${apiUrl}/console/api/state`, {
      headers: { cookie: result.cookie },
    });
    const text = await state.text();
    assert.equal(state.status, 200);
    assert.equal(state.headers.get('cache-control'), 'no-store');
    assert.ok(!text.includes(APP_A.secret) && !text.includes(APP_B.secret));
    assert.ok(!text.includes(APP_B.id), 'no other app in the state');
  });

  it('signs in to any app with the console token, scoped to that app', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    const result = await signIn(apiUrl, APP_B.key, CONSOLE_TOKEN);
    assert.equal(result.status, 200);
    assert.equal(result.body.app.id, APP_B.id);
    const state = await getJson(apiUrl, '/console/api/state', result.cookie);
    assert.deepEqual(
      state.body.apps.map((a: { id: string }) => a.id),
      [APP_B.id],
    );
  });

  it('refuses the API without a session or with a forged one, and after sign-out', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    for (const path of ['/console/api/state', '/console/api/session', '/console/api/stream']) {
      const none = await getJson(apiUrl, path, '');
      assert.equal(none.status, 401, path);
      assert.deepEqual(none.body, { error: 'Sign in first' });
      const forged = await getJson(apiUrl, path, 'herald_console=forged');
      assert.equal(forged.status, 401, path);
    }
    const { cookie } = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const out = await fetch(`${apiUrl}/console/api/session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
    await out.arrayBuffer();
    assert.equal((await getJson(apiUrl, '/console/api/state', cookie)).status, 401);
  });
});

describe('console: state', () => {
  it('shows connection count, occupied channels with counts, and presence members', async (t) => {
    const { apiUrl, server } = await startConsoleServer(t);
    const { adapter } = server.context;
    const a1 = fakeConnection('1.1');
    const a2 = fakeConnection('1.2');
    const b1 = fakeConnection('2.1');
    adapter.addConnection(APP_A.id, a1);
    adapter.addConnection(APP_A.id, a2);
    adapter.addConnection(APP_B.id, b1);
    await adapter.subscribe(APP_A.id, 'orders', a1);
    await adapter.subscribe(APP_A.id, 'orders', a2);
    await adapter.subscribe(APP_A.id, 'presence-room', a1, {
      member: { userId: 'u1', userInfo: { name: 'Ada' } },
    });
    await adapter.subscribe(APP_A.id, 'presence-room', a2, { member: { userId: 'u2' } });
    await adapter.subscribe(APP_B.id, 'b-secret-channel', b1);

    const { cookie } = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const state = await getJson(apiUrl, '/console/api/state', cookie);
    assert.equal(state.status, 200);
    assert.equal(state.body.connections, 2);
    assert.equal(state.body.channelCount, 2);
    assert.deepEqual(state.body.channels, [
      { name: 'orders', subscriptionCount: 2 },
      { name: 'presence-room', subscriptionCount: 2, userCount: 2 },
    ]);
    const members = await getJson(apiUrl, '/console/api/members?channel=presence-room', cookie);
    assert.equal(members.status, 200);
    assert.deepEqual(members.body, {
      channel: 'presence-room',
      memberCount: 2,
      members: [
        { id: 'u1', info: { name: 'Ada' } },
        { id: 'u2', info: null },
      ].map((m) => (m.info === null ? { id: m.id } : m)),
    });
    const notPresence = await getJson(apiUrl, '/console/api/members?channel=orders', cookie);
    assert.equal(notPresence.status, 400);
    assert.match(notPresence.body.error, /not a presence channel/);

    // App B's session sees only B.
    const b = await signIn(apiUrl, APP_B.key, APP_B.secret);
    const bState = await getJson(apiUrl, '/console/api/state', b.cookie);
    assert.equal(bState.body.connections, 1);
    assert.deepEqual(bState.body.channels, [{ name: 'b-secret-channel', subscriptionCount: 1 }]);
    const bMembers = await getJson(apiUrl, '/console/api/members?channel=presence-room', b.cookie);
    assert.deepEqual(bMembers.body.members, []);
  });
});

describe('console: live feed', () => {
  it('listens to the bus only while a stream is open, and only shows its own app', async (t) => {
    const { apiUrl, server } = await startConsoleServer(t);
    const { events } = server.context;
    const listeners = trackListeners(events);
    const a = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const b = await signIn(apiUrl, APP_B.key, APP_B.secret);
    assert.equal(listeners.count, 0, 'the console does not listen before a console opens');

    const feedA = await SseReader.open(`${apiUrl}/console/api/stream`, a.cookie);
    const feedB = await SseReader.open(`${apiUrl}/console/api/stream`, b.cookie);
    assert.equal(feedA.status, 200);
    await feedA.until((m) => m.some((x) => x.event === 'ready'));
    await feedB.until((m) => m.some((x) => x.event === 'ready'));
    assert.equal(listeners.count, 1, 'one bus listener for all streams');

    events.emit({ type: 'connection_opened', appId: APP_B.id, socketId: '9.9' });
    events.emit({ type: 'connection_opened', appId: APP_A.id, socketId: '1.1' });
    events.emit({ type: 'subscribed', appId: APP_A.id, channel: 'orders', socketId: '1.1' });
    events.emit({
      type: 'client_event',
      appId: APP_A.id,
      channel: 'private-chat',
      event: 'client-typing',
      data: { typing: true },
      socketId: '1.1',
    });
    events.emit({
      type: 'connection_closed',
      appId: APP_A.id,
      socketId: '1.1',
      code: 4200,
    });
    await feedA.until((m) => m.some((x) => x.data.type === 'connection_closed'));
    const entries = feedA.messages.filter((m) => m.event === 'message').map((m) => m.data);
    assert.deepEqual(
      entries.map(({ time: _time, ...rest }) => rest),
      [
        { type: 'connection_opened', socketId: '1.1' },
        { type: 'subscribed', channel: 'orders', socketId: '1.1' },
        {
          type: 'client_event',
          channel: 'private-chat',
          event: 'client-typing',
          data: '{"typing":true}',
          socketId: '1.1',
        },
        { type: 'connection_closed', socketId: '1.1', code: 4200 },
      ],
    );
    assert.ok(entries.every((e) => typeof e.time === 'number'));
    await feedB.until((m) => m.some((x) => x.event === 'message'));
    assert.deepEqual(
      feedB.messages.filter((m) => m.event === 'message').map((m) => m.data.socketId),
      ['9.9'],
    );

    feedA.close();
    feedB.close();
    await feedA.closed();
    await feedB.closed();
    // The server notices the closed sockets on its side.
    while (listeners.count > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(listeners.count, 0, 'the bus listener is gone once no console is open');
  });

  it('shows webhooks sent and their outcome', async (t) => {
    const receiver = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end('{}'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const { apiUrl, server } = await startConsoleServer(t, {
      webhookBatchMs: 0,
      apps: [{ ...APP_A, webhooks: [{ url }] }, APP_B],
    });
    const a = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const feed = await SseReader.open(`${apiUrl}/console/api/stream`, a.cookie);
    t.after(() => feed.close());
    await feed.until((m) => m.some((x) => x.event === 'ready'));
    server.context.events.emit({ type: 'channel_occupied', appId: APP_A.id, channel: 'orders' });
    await feed.until((m) => m.some((x) => x.data.type === 'webhook_sent'));
    const sent = feed.messages.find((x) => x.data.type === 'webhook_sent')!.data;
    assert.equal(sent.url, url);
    assert.equal(sent.outcome, 'delivered');
    assert.equal(sent.ok, true);
    assert.equal(sent.status, 200);
    assert.equal(sent.events, 1);
  });

  it('ends open streams when the server stops (no wait for the shutdown timeout)', async (t) => {
    const { apiUrl, server } = await startConsoleServer(t, { shutdownTimeoutMs: 600_000 });
    const listeners = trackListeners(server.context.events);
    const a = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const feed = await SseReader.open(`${apiUrl}/console/api/stream`, a.cookie);
    await feed.until((m) => m.some((x) => x.event === 'ready'));
    await server.stop();
    await feed.closed();
    assert.equal(listeners.count, 0);
  });

  it('refuses a stream beyond 100 open ones with 503', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    const a = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const open: SseReader[] = [];
    t.after(() => open.forEach((r) => r.close()));
    for (let i = 0; i < 100; i++) {
      const reader = await SseReader.open(`${apiUrl}/console/api/stream`, a.cookie);
      open.push(reader);
      assert.equal(reader.status, 200);
    }
    const refused = await getJson(apiUrl, '/console/api/stream', a.cookie);
    assert.equal(refused.status, 503);
    assert.match(refused.body.error, /Too many consoles/);
  });

  it('ends the streams of a session when it signs out', async (t) => {
    const { apiUrl, server } = await startConsoleServer(t);
    const listeners = trackListeners(server.context.events);
    const a = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const feed = await SseReader.open(`${apiUrl}/console/api/stream`, a.cookie);
    await feed.until((m) => m.some((x) => x.event === 'ready'));
    const out = await fetch(`${apiUrl}/console/api/session`, {
      method: 'DELETE',
      headers: { cookie: a.cookie },
    });
    await out.arrayBuffer();
    await feed.closed();
    assert.equal(listeners.count, 0);
  });

  it('drops the oldest items of a console that does not read, and says how many', async (t) => {
    const { apiUrl, server } = await startConsoleServer(t);
    const { events } = server.context;
    const a = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const url = new URL(`${apiUrl}/console/api/stream`);
    // A raw client that stops reading after the headers: its socket fills up.
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      request(url, { headers: { cookie: a.cookie } }, resolve)
        .on('error', reject)
        .end();
    });
    assert.equal(response.statusCode, 200);
    response.pause();
    const data = 'x'.repeat(2000);
    const total = 20_000; // ~40 MB of feed, far beyond socket buffers and the 1000-item ring
    for (let i = 0; i < total; i += 100) {
      for (let j = i; j < i + 100; j++)
        events.emit({ type: 'api_event', appId: APP_A.id, channels: ['c'], event: `e${j}`, data });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const heapMb = process.memoryUsage().heapUsed / 1e6;
    assert.ok(heapMb < 1000, `heap stays bounded (${heapMb.toFixed(0)} MB)`);

    // Now read everything that was kept.
    let text = '';
    let lastEvent = '';
    let dropped = 0;
    let received = 0;
    response.setEncoding('utf8');
    response.resume();
    await new Promise<void>((resolve) => {
      response.on('data', (chunk: string) => {
        text += chunk;
        let end: number;
        while ((end = text.indexOf('\n\n')) !== -1) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          if (block.startsWith('event: dropped')) {
            dropped += JSON.parse(block.split('data: ')[1]!).count;
          } else if (block.startsWith('data: ')) {
            received += 1;
            lastEvent = JSON.parse(block.slice(6)).event;
          }
        }
        if (lastEvent === `e${total - 1}`) resolve();
      });
    });
    response.destroy();
    assert.ok(dropped > 0, 'some items were dropped');
    assert.equal(
      received + dropped,
      total,
      'every item was either delivered or counted as dropped',
    );
    assert.ok(received < total);
  });
});

describe('console: send an event', () => {
  it('signs the trigger exactly like a Pusher SDK (protocol.md §11.1 vector)', () => {
    const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';
    const url = signTrigger(
      { id: '3', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' },
      body,
      1353088179,
    );
    const params = new URL(url, 'http://x').searchParams;
    assert.equal(params.get('body_md5'), 'ec365a775a4cd0599faeb73354201b6f');
    assert.equal(
      params.get('auth_signature'),
      'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    );
    assert.ok(url.startsWith('/apps/3/events?'));
  });

  it('validates the form and needs a session', async (t) => {
    const { apiUrl } = await startConsoleServer(t);
    const post = (cookie: string, body: unknown) =>
      fetch(`${apiUrl}/console/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
    const anonymous = await post('', { channels: ['a'], event: 'e', data: '{}' });
    assert.equal(anonymous.status, 401);
    await anonymous.arrayBuffer();
    const { cookie } = await signIn(apiUrl, APP_A.key, APP_A.secret);
    for (const body of [
      { channels: [], event: 'e', data: '{}' },
      { channels: ['a'], event: '', data: '{}' },
      { channels: ['a'], event: 'e', data: { not: 'a string' } },
    ]) {
      const res = await post(cookie, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof (await res.json()).error, 'string');
    }
  });

  it('sends through the signed HTTP API and hands back its answer', async (t) => {
    const { apiUrl, server } = await startConsoleServer(t);
    const { cookie } = await signIn(apiUrl, APP_A.key, APP_A.secret);
    const seen: unknown[] = [];
    server.context.events.on((e) => {
      if (e.type === 'api_event') seen.push(e);
    });
    const res = await fetch(`${apiUrl}/console/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ channels: ['orders'], event: 'order-shipped', data: '{"id":7}' }),
    });
    assert.equal(res.status, 200);
    const result = await res.json();
    if (result.status === 501) {
      t.diagnostic('the HTTP API is still a placeholder (501): only the round trip is checked');
      return;
    }
    assert.equal(result.status, 200, JSON.stringify(result));
    assert.deepEqual(result.body, {});
    assert.deepEqual(seen, [
      {
        type: 'api_event',
        appId: APP_A.id,
        channels: ['orders'],
        event: 'order-shipped',
        data: '{"id":7}',
      },
    ]);
  });
});
