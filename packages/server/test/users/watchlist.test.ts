import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  WatchlistRegistry,
  initialWatchlistFrame,
  watchlistEventsFrame,
} from '../../src/users/watchlist.js';

describe('WatchlistRegistry', () => {
  it('indexes watchers by watched user and app', () => {
    const registry = new WatchlistRegistry();
    registry.watch('a', '1.1', ['x', 'y']);
    registry.watch('a', '2.2', ['y']);
    registry.watch('b', '3.3', ['y']);
    assert.deepEqual([...registry.watchersOf('a', 'y')].sort(), ['1.1', '2.2']);
    assert.deepEqual([...registry.watchersOf('a', 'x')], ['1.1']);
    assert.deepEqual([...registry.watchersOf('b', 'y')], ['3.3']);
    assert.deepEqual([...registry.watchersOf('a', 'z')], []);
    assert.deepEqual(registry.watchlistOf('a', '1.1'), ['x', 'y']);
  });

  it('replaces a socket list and forgets it on unwatch', () => {
    const registry = new WatchlistRegistry();
    registry.watch('a', '1.1', ['x']);
    registry.watch('a', '1.1', ['y']);
    assert.deepEqual([...registry.watchersOf('a', 'x')], []);
    assert.deepEqual([...registry.watchersOf('a', 'y')], ['1.1']);
    registry.unwatch('a', '1.1');
    registry.unwatch('a', '1.1');
    assert.deepEqual([...registry.watchersOf('a', 'y')], []);
    assert.deepEqual(registry.watchlistOf('a', '1.1'), []);
  });
});

describe('watchlist frames', () => {
  it('encodes data as a JSON string with the events pusher-js reads', () => {
    const frame = JSON.parse(watchlistEventsFrame([{ name: 'online', user_ids: ['1'] }]).text);
    assert.deepEqual(frame, {
      event: 'pusher_internal:watchlist_events',
      data: '{"events":[{"name":"online","user_ids":["1"]}]}',
    });
  });

  it('reports online then offline ids, leaving empty lists out', () => {
    const both = JSON.parse(initialWatchlistFrame(['1', '2', '3'], ['2'])!.text);
    assert.deepEqual(JSON.parse(both.data), {
      events: [
        { name: 'online', user_ids: ['2'] },
        { name: 'offline', user_ids: ['1', '3'] },
      ],
    });
    const online = JSON.parse(initialWatchlistFrame(['1'], ['1'])!.text);
    assert.deepEqual(JSON.parse(online.data), { events: [{ name: 'online', user_ids: ['1'] }] });
    assert.equal(initialWatchlistFrame([], []), undefined);
  });
});
