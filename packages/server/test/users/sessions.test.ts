import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { SIGNIN_TIMEOUT_MESSAGE, UserSessions } from '../../src/users/sessions.js';
import type { OutboundFrame } from '../../src/protocol/frame.js';
import { userAuthToken } from '../../src/users/signin.js';
import { RecordingConnection, testApp, testContext } from '../helpers/recording-connection.js';

const app = testApp();
let next = 1;

/** An opened, registered connection. */
function connect(sessions: UserSessions, context: ReturnType<typeof testContext>, a = app) {
  const connection = new RecordingConnection(`${next++}.${next}`);
  context.adapter.addConnection(a.id, connection);
  sessions.opened(a, connection);
  return connection;
}

function signInData(connection: RecordingConnection, user: object | string) {
  const userData = typeof user === 'string' ? user : JSON.stringify(user);
  return { auth: userAuthToken(app, connection.socketId, userData), user_data: userData };
}

function setup() {
  const context = testContext();
  const sessions = new UserSessions(context);
  return { context, sessions, connect: () => connect(sessions, context) };
}

describe('UserSessions.signIn', () => {
  it('replies signin_success with the exact user_data and records the user', async () => {
    const { sessions, connect } = setup();
    const c = connect();
    const data = signInData(c, '{"id":"1", "user_info":{"name":"Ann"}}');
    assert.deepEqual(await sessions.signIn(app, c, data), {
      ok: true,
      userId: '1',
      userData: data.user_data,
      userInfo: { name: 'Ann' },
    });
    assert.deepEqual(c.frames, [
      { event: 'pusher:signin_success', data: JSON.stringify({ user_data: data.user_data }) },
    ]);
    assert.equal(sessions.userOf(app.id, c.socketId), '1');
  });

  it('answers a bad signature with pusher:error 4009 and close 4009, no identity', async () => {
    const { sessions, connect } = setup();
    const c = connect();
    const outcome = await sessions.signIn(app, c, { auth: 'app-key:00', user_data: '{"id":"1"}' });
    assert.equal(outcome.ok, false);
    const [error] = c.named('pusher:error');
    assert.equal((error?.data as { code: number }).code, 4009);
    assert.equal(sessions.userOf(app.id, c.socketId), undefined);
    assert.equal(c.closed?.code, 4009);
  });

  it('refuses signing in as a different user, accepts the same user again', async () => {
    const { sessions, connect } = setup();
    const c = connect();
    assert.ok((await sessions.signIn(app, c, signInData(c, { id: '1' }))).ok);
    assert.ok((await sessions.signIn(app, c, signInData(c, { id: '1' }))).ok);
    const other = await sessions.signIn(app, c, signInData(c, { id: '2' }));
    assert.equal(other.ok, false);
    assert.equal(sessions.userOf(app.id, c.socketId), '1');
  });

  it('sends 4302 after success when the watchlist is too long', async () => {
    const { sessions, connect } = setup();
    const c = connect();
    const watchlist = Array.from({ length: 101 }, (_, i) => `u${i}`);
    assert.ok((await sessions.signIn(app, c, signInData(c, { id: '1', watchlist }))).ok);
    assert.deepEqual(
      c.frames.map((f) => f.event),
      ['pusher:signin_success', 'pusher:error', 'pusher_internal:watchlist_events'],
    );
    assert.equal((c.frames[1]?.data as { code: number }).code, 4302);
  });
});

describe('watchlists', () => {
  it('sends the initial status, then online/offline once per user across connections', async () => {
    const { sessions, connect } = setup();
    const bob1 = connect();
    await sessions.signIn(app, bob1, signInData(bob1, { id: 'bob' }));
    const ann = connect();
    await sessions.signIn(app, ann, signInData(ann, { id: 'ann', watchlist: ['bob', 'cy'] }));
    assert.deepEqual(ann.dataOf('pusher_internal:watchlist_events'), [
      {
        events: [
          { name: 'online', user_ids: ['bob'] },
          { name: 'offline', user_ids: ['cy'] },
        ],
      },
    ]);
    ann.frames.length = 0;

    const cy1 = connect();
    const cy2 = connect();
    await sessions.signIn(app, cy1, signInData(cy1, { id: 'cy' }));
    await sessions.signIn(app, cy2, signInData(cy2, { id: 'cy' }));
    await sessions.closed(app.id, cy1.socketId);
    assert.deepEqual(ann.dataOf('pusher_internal:watchlist_events'), [
      { events: [{ name: 'online', user_ids: ['cy'] }] },
    ]);
    await sessions.closed(app.id, cy2.socketId);
    await sessions.closed(app.id, bob1.socketId);
    assert.deepEqual(ann.dataOf('pusher_internal:watchlist_events'), [
      { events: [{ name: 'online', user_ids: ['cy'] }] },
      { events: [{ name: 'offline', user_ids: ['cy'] }] },
      { events: [{ name: 'offline', user_ids: ['bob'] }] },
    ]);
  });

  it('stops notifying a watcher once it closed', async () => {
    const { sessions, connect } = setup();
    const ann = connect();
    await sessions.signIn(app, ann, signInData(ann, { id: 'ann', watchlist: ['bob'] }));
    await sessions.closed(app.id, ann.socketId);
    ann.frames.length = 0;
    const bob = connect();
    await sessions.signIn(app, bob, signInData(bob, { id: 'bob' }));
    assert.deepEqual(ann.frames, []);
  });

  it('memory adapter: every watcher on the node gets the same frame, once, before signIn resolves', async () => {
    const { context, sessions, connect } = setup();
    const sent = new Map<string, OutboundFrame[]>();
    const watchers = [connect(), connect()].map((w) => {
      const frames: OutboundFrame[] = [];
      sent.set(w.socketId, frames);
      const send = w.send.bind(w);
      w.send = (frame) => {
        frames.push(frame);
        send(frame);
      };
      return w;
    });
    for (const w of watchers) {
      await sessions.signIn(app, w, signInData(w, { id: `w${w.socketId}`, watchlist: ['dot'] }));
    }
    const dot = connect();
    await sessions.signIn(app, dot, signInData(dot, { id: 'dot' }));
    const [first, second] = watchers.map((w) => sent.get(w.socketId)!.at(-1));
    assert.ok(first && first === second, 'one OutboundFrame object for every watcher');
    await sessions.closed(app.id, dot.socketId);
    context.adapter.removeConnection(app.id, dot.socketId);
    for (const w of watchers) {
      assert.deepEqual(w.dataOf('pusher_internal:watchlist_events').slice(1), [
        { events: [{ name: 'online', user_ids: ['dot'] }] },
        { events: [{ name: 'offline', user_ids: ['dot'] }] },
      ]);
    }
  });

  it('a connection closed during sign-in: watchers get the online, then the offline', async () => {
    const { sessions, connect } = setup();
    const ann = connect();
    await sessions.signIn(app, ann, signInData(ann, { id: 'ann', watchlist: ['zed'] }));
    ann.frames.length = 0;
    const c = connect();
    const pending = sessions.signIn(app, c, signInData(c, { id: 'zed' }));
    await sessions.closed(app.id, c.socketId);
    assert.equal((await pending).ok, false);
    assert.deepEqual(ann.dataOf('pusher_internal:watchlist_events'), [
      { events: [{ name: 'online', user_ids: ['zed'] }] },
      { events: [{ name: 'offline', user_ids: ['zed'] }] },
    ]);
  });

  it('signs a connection out when it closes during the adapter call', async () => {
    const { context, sessions, connect } = setup();
    const c = connect();
    const pending = sessions.signIn(app, c, signInData(c, { id: 'zed' }));
    await sessions.closed(app.id, c.socketId);
    assert.equal((await pending).ok, false);
    assert.deepEqual(await context.adapter.onlineUsers(app.id, ['zed']), []);
  });
});

describe('require sign-in', () => {
  it('closes an unsigned connection with 4009 after signInTimeoutMs', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['setTimeout'] });
    const context = testContext();
    const sessions = new UserSessions(context);
    const strict = testApp({ requireSignIn: true, signInTimeoutMs: 1000 });
    const late = connect(sessions, context, strict);
    const prompt = connect(sessions, context, strict);
    await sessions.signIn(strict, prompt, {
      auth: userAuthToken(strict, prompt.socketId, '{"id":"1"}'),
      user_data: '{"id":"1"}',
    });
    mock.timers.tick(999);
    assert.equal(late.closed, undefined);
    mock.timers.tick(1);
    assert.deepEqual(late.closed, { code: 4009, reason: 'Connection is unauthorized' });
    assert.deepEqual(late.dataOf('pusher:error'), [
      { code: 4009, message: SIGNIN_TIMEOUT_MESSAGE },
    ]);
    assert.equal(prompt.closed, undefined);
  });

  it('starts no timer when the app does not require sign-in', (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['setTimeout'] });
    const { connect } = setup();
    const c = connect();
    mock.timers.tick(60_000);
    assert.equal(c.closed, undefined);
  });
});
