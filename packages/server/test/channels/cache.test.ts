import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CacheChannels, isCacheChannel } from '../../src/channels/cache.js';
import { RecordingConnection, testApp, testContext } from '../helpers/recording-connection.js';

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
  it('replays the cached event, data verbatim', async () => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    await context.adapter.cacheSet(app.id, 'cache-car', { event: 'moved', data: '{"lat":2}' }, 60);
    const c = new RecordingConnection('1.1');
    await cache.replay(app, c, 'cache-car');
    assert.deepEqual(c.frames, [{ event: 'moved', channel: 'cache-car', data: '{"lat":2}' }]);
    assert.equal((await context.adapter.cacheGet(app.id, 'cache-car'))?.ttlSeconds, 60);
    assert.deepEqual(context.emitted, []);
  });

  it('ignores non-cache channels', async () => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    await context.adapter.cacheSet(app.id, 'plain', { event: 'e', data: '{}' }, 60);
    const c = new RecordingConnection('1.1');
    await cache.replay(app, c, 'plain');
    assert.deepEqual(c.frames, []);
  });

  it('sends pusher:cache_miss to each subscriber and one cache_miss event for simultaneous misses', async (t) => {
    const context = testContext([app]);
    const cache = new CacheChannels(context);
    t.after(() => cache.close());
    const [a, b, c] = [
      new RecordingConnection('1.1'),
      new RecordingConnection('2.2'),
      new RecordingConnection('3.3'),
    ];
    await Promise.all([cache.replay(app, a, 'cache-x'), cache.replay(app, b, 'cache-x')]);
    assert.deepEqual(a.frames, [{ event: 'pusher:cache_miss', channel: 'cache-x' }]);
    assert.deepEqual(b.frames, a.frames);
    assert.deepEqual(context.emitted, [{ type: 'cache_miss', appId: app.id, channel: 'cache-x' }]);

    await cache.replay(app, c, 'cache-x');
    assert.deepEqual(c.frames, [{ event: 'pusher:cache_miss', channel: 'cache-x' }]);
    assert.equal(context.emitted.length, 1);
  });
});
