/**
 * End to end: pusher-js 8 (node build) against a real server, the official `pusher` 5.x SDK on the
 * HTTP side. Sign-in, server-to-user, terminate, watchlists and the require-sign-in deadline.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';
import WebSocket from 'ws';
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

/** The official SDK pointed at the test server. */
function sdk(server: TestServer): Pusher {
  return new Pusher({
    appId: server.app.id,
    key: server.app.key,
    secret: server.app.secret,
    host: '127.0.0.1',
    port: String(server.apiPort),
  });
}

/** A pusher-js client that signs in as `user` (when given) with the official SDK's authenticateUser. */
function client(
  _t: TestContext,
  server: TestServer,
  user?: Pusher.UserChannelData,
  auth?: (socketId: string) => { auth: string; user_data: string },
): Client {
  const api = sdk(server);
  const pusher = new PusherJs(server.app.key, {
    cluster: '',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        callback(null, auth ? auth(socketId) : api.authenticateUser(socketId, user!));
      },
    },
  });
  clientsOf.get(server)?.push(pusher);
  if (user || auth) pusher.signin();
  return pusher;
}

function connected(pusher: Client): Promise<void> {
  if (pusher.connection.state === 'connected') return Promise.resolve();
  return new Promise((resolve) => pusher.connection.bind('connected', () => resolve()));
}

async function signedIn(pusher: Client): Promise<void> {
  await connected(pusher);
  while (!pusher.user.user_data) await pusher.user.signinDonePromise;
}

/** Resolves with the next `event` on `target`. */
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

function closeCode(pusher: Client): Promise<number | undefined> {
  return new Promise((resolve) =>
    pusher.connection.bind('error', (error: { data?: { code?: number } }) => {
      if (error.data?.code !== undefined) resolve(error.data.code);
    }),
  );
}

describe('users (pusher-js + pusher SDK)', { timeout: 20_000 }, () => {
  it('signs in, and sendToUser reaches every connection of that user and no one else', async (t) => {
    const server = await startServer(t);
    const ann1 = client(t, server, { id: 'ann', user_info: { name: 'Ann' } });
    const ann2 = client(t, server, { id: 'ann' });
    const bob = client(t, server, { id: 'bob' });
    const anon = client(t, server);
    await Promise.all([signedIn(ann1), signedIn(ann2), signedIn(bob), connected(anon)]);
    assert.deepEqual(ann1.user.user_data, { id: 'ann', user_info: { name: 'Ann' } });

    const got: string[] = [];
    for (const [name, c] of [
      ['ann1', ann1],
      ['ann2', ann2],
      ['bob', bob],
      ['anon', anon],
    ] as const) {
      c.user.bind('hello', (data: unknown) => got.push(`${name}:${JSON.stringify(data)}`));
    }
    const arrived = Promise.all([
      next(ann1.user, 'hello'),
      next(ann2.user, 'hello'),
      next(bob.user, 'done'),
    ]);
    await sdk(server).sendToUser('ann', 'hello', { n: 1 });
    await sdk(server).sendToUser('bob', 'done', {});
    await arrived;
    assert.deepEqual(got.sort(), ['ann1:{"n":1}', 'ann2:{"n":1}']);
  });

  it('refuses a bad signature: pusher:error and close 4009, no identity, no reconnect', async (t) => {
    const server = await startServer(t);
    const pusher = client(t, server, undefined, () => ({
      auth: `${server.app.key}:${'0'.repeat(64)}`,
      user_data: '{"id":"mallory"}',
    }));
    const errors: Array<{ data?: { code?: number; message?: string } }> = [];
    pusher.connection.bind('error', (e: (typeof errors)[number]) => errors.push(e));
    await next(pusher.connection, 'disconnected');
    assert.ok(
      errors.some((e) => e.data?.code === 4009 && /Invalid signature/.test(e.data.message ?? '')),
    );
    assert.equal(pusher.user.user_data, null);
  });

  it('terminateUserConnections closes that user only, with 4009 (pusher-js does not reconnect)', async (t) => {
    const server = await startServer(t);
    const ann1 = client(t, server, { id: 'ann' });
    const ann2 = client(t, server, { id: 'ann' });
    const bob = client(t, server, { id: 'bob' });
    await Promise.all([signedIn(ann1), signedIn(ann2), signedIn(bob)]);
    const codes = Promise.all([closeCode(ann1), closeCode(ann2)]);
    const gone = Promise.all([
      next(ann1.connection, 'disconnected'),
      next(ann2.connection, 'disconnected'),
    ]);
    await sdk(server).terminateUserConnections('ann');
    assert.deepEqual(await codes, [4009, 4009]);
    await gone;
    // bob is untouched: a message still reaches him.
    const pong = next(bob.user, 'still-here');
    await sdk(server).sendToUser('bob', 'still-here', {});
    await pong;
    assert.equal(bob.connection.state, 'connected');
  });

  it('watchlist: initial status, then online/offline once per user across connections', async (t) => {
    const server = await startServer(t);
    const ann = client(t, server, { id: 'ann', watchlist: ['bob', 'cy'] });
    const initialOffline = next<{ name: string; user_ids: string[] }>(
      ann.user.watchlist,
      'offline',
    );
    await signedIn(ann);
    assert.deepEqual((await initialOffline).user_ids, ['bob', 'cy']);

    const online: string[][] = [];
    const offline: string[][] = [];
    ann.user.watchlist.bind('online', (e: { user_ids: string[] }) => online.push(e.user_ids));
    ann.user.watchlist.bind('offline', (e: { user_ids: string[] }) => offline.push(e.user_ids));

    const cameOnline = next(ann.user.watchlist, 'online');
    const bob1 = client(t, server, { id: 'bob' });
    await signedIn(bob1);
    await cameOnline;
    const bob2 = client(t, server, { id: 'bob' });
    await signedIn(bob2);
    bob1.disconnect();
    const wentOffline = next(ann.user.watchlist, 'offline');
    // The first disconnect changes nothing; a user-level message proves the order of frames.
    bob2.disconnect();
    await wentOffline;
    assert.deepEqual(online, [['bob']]);
    assert.deepEqual(offline, [['bob']]);
  });

  it('requireSignIn closes unsigned connections with 4009 and keeps signed-in ones', async (t) => {
    const server = await startServer(t, {
      apps: [
        {
          id: 'app-id',
          key: 'app-key',
          secret: 'app-secret',
          requireSignIn: true,
          signInTimeoutMs: 300,
        },
      ],
    });
    const lazy = client(t, server);
    const code = closeCode(lazy);
    const gone = next(lazy.connection, 'disconnected');
    const ok = client(t, server, { id: 'ann' });
    await signedIn(ok);
    assert.equal(await code, 4009);
    await gone;
    // Well past the deadline, the signed-in connection still gets messages.
    const hello = next(ok.user, 'hello');
    await sdk(server).sendToUser('ann', 'hello', {});
    await hello;
    assert.equal(ok.connection.state, 'connected');
  });

  it("a client cannot subscribe to another user's #server-to-user- channel", async (t) => {
    const server = await startServer(t);
    const ws = new WebSocket(
      `${server.wsUrl}/app/${server.app.key}?protocol=7&client=js&version=8.6.0`,
    );
    t.after(() => ws.close());
    const frames: Array<{ event: string; channel?: string; data?: unknown }> = [];
    const waitFor = (event: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (frames.some((f) => f.event === event)) resolve();
          else ws.once('message', check);
        };
        check();
      });
    ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString())));
    await waitFor('pusher:connection_established');
    ws.send(
      JSON.stringify({
        event: 'pusher:subscribe',
        data: { auth: '', channel: '#server-to-user-bob' },
      }),
    );
    ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { auth: '', channel: 'after' } }));
    await waitFor('pusher_internal:subscription_succeeded');
    assert.ok(
      !frames.some(
        (f) =>
          f.event === 'pusher_internal:subscription_succeeded' &&
          f.channel === '#server-to-user-bob',
      ),
    );
    assert.ok(frames.some((f) => f.event.endsWith('error')));
  });

  it('bad sign-in input gets pusher:error and close 4009; other connections carry on', async (t) => {
    const server = await startServer(t);
    const url = `${server.wsUrl}/app/${server.app.key}?protocol=7&client=js&version=8.6.0`;
    const open = async () => {
      const ws = new WebSocket(url);
      t.after(() => ws.terminate());
      const frames: Array<{ event: string; data?: { code?: number } }> = [];
      ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString())));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise((resolve) => ws.once('message', resolve));
      return { ws, frames, closed };
    };
    const bystander = await open();
    const cases: unknown[] = [
      'not an object',
      { auth: 'app-key:00' },
      { auth: 'app-key:00', user_data: 'x'.repeat(20_000) },
      { auth: 'app-key:00', user_data: '{"id":"1","watchlist":"nope"}' },
    ];
    for (const data of cases) {
      const c = await open();
      c.ws.send(JSON.stringify({ event: 'pusher:signin', data }));
      assert.equal(await c.closed, 4009);
      const error = c.frames.find((f) => f.event === 'pusher:error');
      assert.equal(error?.data?.code, 4009, JSON.stringify(data).slice(0, 40));
    }
    bystander.ws.send(JSON.stringify({ event: 'pusher:ping', data: {} }));
    await new Promise((resolve) => bystander.ws.once('message', resolve));
    assert.equal(bystander.frames.at(-1)?.event, 'pusher:pong');
  });
});
