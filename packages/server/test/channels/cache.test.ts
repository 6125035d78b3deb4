import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CacheChannels, isCacheChannel } from '../../src/channels/cache.js';
import { FakeConnection, testApp, testContext } from '../helpers/fake-connection.js';

const app = testApp({ cacheTtlSeconds: 60 });

describe('isCacheChannel', () => {
  it('recognises the four cache kinds only', () => {
    for (const name of [
      'cache-a',
      'private-cache-a',
      'presence-cache-a',
      'private-encrypted-cache-a',
    ]) {
      assert.equal(isCacheChannel(name), true, name);
    }
    for (const name of [
      'a',
      'private-a',
      'presence-a',
      'private-encrypted-a',
      'x-cache-a',
      '#server-to-user-1',
    ]) {
      assert.equal(isCacheChannel(name), false, name);
    }
  });
});

describe('CacheChannels', () => {
  it('replays the last remembered event, data verbatim', async () => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    await cache.remember(app, 'cache-car', 'moved', '{"lat":1}');
    await cache.remember(app, 'cache-car', 'moved', '{"lat":2}');
    const c = new FakeConnection('1.1');
    await cache.replay(app, c, 'cache-car');
    assert.deepEqual(c.frames, [{ event: 'moved', channel: 'cache-car', data: '{"lat":2}' }]);
    assert.equal((await context.adapter.cacheGet(app.id, 'cache-car'))?.ttlSeconds, 60);
    assert.deepEqual(context.emitted, []);
  });

  it('ignores non-cache channels', async () => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    await cache.remember(app, 'plain', 'e', '{}');
    const c = new FakeConnection('1.1');
    await cache.replay(app, c, 'plain');
    assert.deepEqual(c.frames, []);
    assert.equal(await context.adapter.cacheGet(app.id, 'plain'), undefined);
  });

  it('sends pusher:cache_miss to each subscriber and one cache_miss event per empty spell', async (t) => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    t.after(() => cache.close());
    const [a, b, c] = [
      new FakeConnection('1.1'),
      new FakeConnection('2.2'),
      new FakeConnection('3.3'),
    ];
    await Promise.all([cache.replay(app, a, 'cache-x'), cache.replay(app, b, 'cache-x')]);
    assert.deepEqual(a.frames, [{ event: 'pusher:cache_miss', channel: 'cache-x' }]);
    assert.deepEqual(b.frames, a.frames);
    assert.deepEqual(context.emitted, [{ type: 'cache_miss', appId: app.id, channel: 'cache-x' }]);

    await cache.remember(app, 'cache-x', 'e', '1');
    await context.adapter.close(); // drops the stored event, so the channel is empty again
    await cache.replay(app, c, 'cache-x');
    assert.deepEqual(c.frames, [{ event: 'pusher:cache_miss', channel: 'cache-x' }]);
    assert.equal(context.emitted.length, 2);
  });

  it('remembers api_event server events on cache channels when listening', async (t) => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    const errors: unknown[] = [];
    const stop = cache.listen(context.apps, (e) => errors.push(e));
    t.after(stop);
    context.events.emit({
      type: 'api_event',
      appId: app.id,
      channels: ['plain', 'private-cache-y'],
      event: 'ev',
      data: '"d"',
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await context.adapter.cacheGet(app.id, 'private-cache-y'), {
      event: 'ev',
      data: '"d"',
      ttlSeconds: 60,
    });
    assert.equal(await context.adapter.cacheGet(app.id, 'plain'), undefined);
    assert.deepEqual(errors, []);
  });
});
