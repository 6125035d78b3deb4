import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createConnectionExtensions } from '../../src/users/extensions.js';
import { RecordingConnection, testApp, testContext } from '../helpers/recording-connection.js';

describe('createConnectionExtensions', () => {
  it('after subscription_succeeded: the cached event, then the count, in that order', async (t) => {
    const app = testApp({ subscriptionCount: true });
    const context = testContext([app]);
    const hooks = createConnectionExtensions(context);
    t.after(() => hooks.close());
    await context.adapter.cacheSet(app.id, 'cache-a', { event: 'e', data: '1' }, 60);
    const c = new RecordingConnection('1.1');
    const joined = await context.adapter.subscribe(app.id, 'cache-a', c);
    assert.ok(joined.ok);
    await hooks.subscribed(app, c, 'cache-a', joined.subscriptionCount);
    assert.deepEqual(
      c.frames.map((f) => f.event),
      ['e', 'pusher_internal:subscription_count'],
    );
  });

  it('passes sign-in and server-to-user checks through to the sessions', async (t) => {
    const app = testApp();
    const context = testContext([app]);
    const hooks = createConnectionExtensions(context);
    t.after(() => hooks.close());
    const c = new RecordingConnection('1.1');
    hooks.opened(app, c);
    const outcome = await hooks.signIn(app, c, { auth: 'x', user_data: '{"id":"1"}' });
    assert.equal(outcome.ok, false);
    assert.equal(hooks.mayUseServerToUserChannel(app, c.socketId, '#server-to-user-1'), false);
    await hooks.closed(app.id, c.socketId);
  });
});
