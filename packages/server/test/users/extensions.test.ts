import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUserExtensions } from '../../src/users/extensions.js';
import { RecordingConnection, testApp, testContext } from '../helpers/recording-connection.js';

describe('createUserExtensions', () => {
  it('after subscription_succeeded: the cached event, then the count, in that order', async (t) => {
    const app = testApp({ subscriptionCount: true });
    const context = testContext([app]);
    const extensions = createUserExtensions(context);
    t.after(() => extensions.close());
    await context.adapter.cacheSet(app.id, 'cache-a', { event: 'e', data: '1' }, 60);
    const c = new RecordingConnection('1.1');
    const joined = await context.adapter.subscribe(app.id, 'cache-a', c);
    assert.ok(joined.ok);
    await extensions.hooks.afterSubscribe?.({
      connection: c as never,
      app,
      channel: 'cache-a',
      subscriptionCount: joined.subscriptionCount,
    });
    assert.deepEqual(
      c.frames.map((f) => f.event),
      ['e', 'pusher_internal:subscription_count'],
    );
  });
});
