import assert from 'node:assert/strict';
import { describe, it, mock, type TestContext } from 'node:test';
import { SubscriptionCounts, countsSubscriptions } from '../../src/channels/subscription-count.js';
import { subscriptionCount as subscriptionCountFrame } from '../../src/protocol/messages.js';
import { RecordingConnection, testApp, testContext } from '../helpers/recording-connection.js';

const app = testApp({ subscriptionCount: true });

describe('countsSubscriptions', () => {
  it('applies to non-presence channels of apps with the feature on', () => {
    for (const name of ['a', 'cache-a', 'private-a', 'private-encrypted-a']) {
      assert.equal(countsSubscriptions(app, name), true, name);
    }
    for (const name of ['presence-a', 'presence-cache-a', '#server-to-user-1']) {
      assert.equal(countsSubscriptions(app, name), false, name);
    }
    assert.equal(countsSubscriptions(testApp(), 'a'), false);
  });

  it('encodes data as a JSON string', () => {
    assert.equal(
      subscriptionCountFrame('c', 3).text,
      '{"event":"pusher_internal:subscription_count","channel":"c","data":"{\\"subscription_count\\":3}"}',
    );
  });
});

describe('SubscriptionCounts', () => {
  function setup(t: TestContext) {
    mock.timers.enable({ apis: ['setTimeout'] });
    const context = testContext([app]);
    const counts = new SubscriptionCounts(context, { intervalMs: 100 });
    t.after(() => {
      counts.close();
      mock.timers.reset();
    });
    const members: RecordingConnection[] = [];
    const join = async () => {
      const c = new RecordingConnection(`${members.length + 1}.1`);
      members.push(c);
      const result = await context.adapter.subscribe(app.id, 'room', c);
      assert.ok(result.ok);
      counts.sendTo(app, c, 'room', result.subscriptionCount);
      counts.changed(app, 'room', result.subscriptionCount, c.socketId);
      return c;
    };
    const flush = async () => {
      mock.timers.tick(100);
      await Promise.resolve();
    };
    return { context, counts, members, join, flush };
  }
  const countsOf = (c: RecordingConnection) =>
    c
      .dataOf('pusher_internal:subscription_count')
      .map((d) => (d as { subscription_count: number }).subscription_count);

  it('coalesces a burst of joins into a bounded number of frames with the final count', async (t) => {
    const { context, members, join, flush } = setup(t);
    const first = await join();
    for (let i = 0; i < 49; i++) await join();
    await flush();
    await flush();
    // First: its own count, then the trailing broadcast with the final count.
    assert.deepEqual(countsOf(first), [1, 50]);
    // Every member ends on 50 with at most two frames (its own count + one broadcast).
    for (const c of members) {
      const seen = countsOf(c);
      assert.ok(seen.length <= 2, `${c.socketId}: ${seen.join(',')}`);
      assert.equal(seen.at(-1), 50);
    }
    const events = context.emitted.filter((e) => e.type === 'subscription_count');
    assert.deepEqual(
      events.map((e) => (e.type === 'subscription_count' ? e.count : -1)),
      [1, 50],
    );
  });

  it('broadcasts a leave after a quiet period at once, skipping nothing', async (t) => {
    const { context, counts, join, flush } = setup(t);
    const a = await join();
    const b = await join();
    await flush();
    await flush();
    a.frames.length = 0;
    const left = await context.adapter.unsubscribe(app.id, 'room', b.socketId);
    counts.changed(app, 'room', left.subscriptionCount);
    assert.deepEqual(countsOf(a), [1]);
  });

  it('sends nothing when the count returns to the last broadcast value within the window', async (t) => {
    const { context, counts, join, flush } = setup(t);
    const a = await join();
    const b = await join();
    await flush();
    await flush();
    a.frames.length = 0;
    await join(); // broadcast at once: 3
    const d = await join(); // pending: 4
    const left = await context.adapter.unsubscribe(app.id, 'room', d.socketId);
    counts.changed(app, 'room', left.subscriptionCount); // back to 3: nothing pending
    await flush();
    assert.deepEqual(countsOf(a), [3]);
    assert.deepEqual(countsOf(b).at(-1), 3);
  });

  it('does nothing when the app has the feature off', async () => {
    const context = testContext();
    const counts = new SubscriptionCounts(context);
    const c = new RecordingConnection('1.1');
    await context.adapter.subscribe('app-id', 'room', c);
    counts.sendTo(testApp(), c, 'room', 1);
    counts.changed(testApp(), 'room', 1);
    assert.deepEqual(c.frames, []);
    assert.deepEqual(context.emitted, []);
  });
});
