import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterTransition } from '../../src/adapters/adapter.js';
import { announceTransitions } from '../../src/adapters/announce.js';
import { MemoryAdapter } from '../../src/adapters/memory.js';
import type { ServerContext } from '../../src/context.js';
import { ServerEvents, type ServerEvent } from '../../src/events.js';
import { createLogger } from '../../src/logger.js';
import { parseConfig } from '../../src/config/parse.js';
import { StaticAppStore } from '../../src/apps/static-store.js';
import { fakeConnection } from './conformance.js';

/** A memory adapter whose transitions the test fires by hand. */
class TransitioningAdapter extends MemoryAdapter {
  listener: ((t: readonly ClusterTransition[]) => void) | undefined;
  onTransitions(listener: (t: readonly ClusterTransition[]) => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
}

test('announceTransitions: presence frames to the channel, watchlist frames to watchers, events to the bus', async () => {
  const config = parseConfig({});
  const adapter = new TransitioningAdapter();
  const events = new ServerEvents();
  const context: ServerContext = {
    config,
    apps: new StaticAppStore(config.apps),
    adapter,
    events,
    logger: createLogger('silent'),
  };
  const seen: ServerEvent[] = [];
  events.on((e) => seen.push(e));
  const stop = announceTransitions(context);
  const watcher = fakeConnection('1.1');
  adapter.addConnection('app', watcher);
  await adapter.subscribe('app', 'presence-r', watcher, { member: { userId: 'w' } });
  const fan = fakeConnection('2.2');
  adapter.addConnection('app', fan);
  adapter.local.watch('app', fan, ['u', 'gone']);
  adapter.listener?.([
    { type: 'member_added', appId: 'app', channel: 'presence-r', userId: 'u', userInfo: { n: 1 } },
    { type: 'member_removed', appId: 'app', channel: 'presence-r', userId: 'v' },
    { type: 'channel_occupied', appId: 'app', channel: 'c' },
    { type: 'channel_vacated', appId: 'app', channel: 'd' },
    { type: 'user_online', appId: 'app', userId: 'u' },
    { type: 'user_offline', appId: 'app', userId: 'gone' },
    { type: 'user_offline', appId: 'app', userId: 'unwatched' },
  ]);
  assert.deepEqual(
    fan.frames.map((f) => JSON.parse(f) as unknown),
    [
      {
        event: 'pusher_internal:watchlist_events',
        data: JSON.stringify({ events: [{ name: 'online', user_ids: ['u'] }] }),
      },
      {
        event: 'pusher_internal:watchlist_events',
        data: JSON.stringify({ events: [{ name: 'offline', user_ids: ['gone'] }] }),
      },
    ],
  );
  assert.deepEqual(
    watcher.frames.map((f) => JSON.parse(f) as unknown),
    [
      {
        event: 'pusher_internal:member_added',
        channel: 'presence-r',
        data: JSON.stringify({ user_id: 'u', user_info: { n: 1 } }),
      },
      {
        event: 'pusher_internal:member_removed',
        channel: 'presence-r',
        data: JSON.stringify({ user_id: 'v' }),
      },
    ],
  );
  assert.deepEqual(seen, [
    { type: 'member_added', appId: 'app', channel: 'presence-r', userId: 'u' },
    { type: 'member_removed', appId: 'app', channel: 'presence-r', userId: 'v' },
    { type: 'channel_occupied', appId: 'app', channel: 'c' },
    { type: 'channel_vacated', appId: 'app', channel: 'd' },
  ]);
  stop();
  assert.equal(adapter.listener, undefined);
});

test('announceTransitions: nothing to do for an adapter without transitions', () => {
  const config = parseConfig({});
  const stop = announceTransitions({
    config,
    apps: new StaticAppStore(config.apps),
    adapter: new MemoryAdapter(),
    events: new ServerEvents(),
    logger: createLogger('silent'),
  });
  stop();
});
