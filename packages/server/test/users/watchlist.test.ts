import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalRegistry } from '../../src/adapters/local-registry.js';
import { initialWatchlistFrame, watchlistEventsFrame } from '../../src/users/watchlist.js';
import { RecordingConnection } from '../helpers/recording-connection.js';

describe('LocalRegistry watchlists', () => {
  const fakes = new Map<string, RecordingConnection>();
  const conn = (socketId: string) => {
    let c = fakes.get(socketId);
    if (!c) fakes.set(socketId, (c = new RecordingConnection(socketId)));
    return c;
  };

  it('indexes watchers by watched user and app', () => {
    const registry = new LocalRegistry();
    registry.watch('a', conn('1.1'), ['x', 'y']);
    registry.watch('a', conn('2.2'), ['y']);
    registry.watch('b', conn('3.3'), ['y']);
    assert.deepEqual([...registry.watchersOf('a', 'y')].sort(), ['1.1', '2.2']);
    assert.deepEqual([...registry.watchersOf('a', 'x')], ['1.1']);
    assert.deepEqual([...registry.watchersOf('b', 'y')], ['3.3']);
    assert.deepEqual([...registry.watchersOf('a', 'z')], []);
    assert.deepEqual(registry.watchlistOf('a', '1.1'), ['x', 'y']);
  });

  it('replaces a socket list and forgets it on unwatch or removeConnection', () => {
    const registry = new LocalRegistry();
    registry.watch('a', conn('1.1'), ['x']);
    registry.watch('a', conn('1.1'), ['y']);
    assert.deepEqual([...registry.watchersOf('a', 'x')], []);
    assert.deepEqual([...registry.watchersOf('a', 'y')], ['1.1']);
    registry.unwatch('a', '1.1');
    registry.unwatch('a', '1.1');
    assert.deepEqual([...registry.watchersOf('a', 'y')], []);
    assert.deepEqual(registry.watchlistOf('a', '1.1'), []);
    registry.addConnection('a', conn('4.4'));
    registry.watch('a', conn('4.4'), ['y']);
    registry.removeConnection('a', '4.4');
    assert.deepEqual([...registry.watchersOf('a', 'y')], []);
    assert.deepEqual([...registry.appIds()], []);
  });

  it('delivers one frame object to exactly the watchers of a user', () => {
    const registry = new LocalRegistry();
    const w1 = new RecordingConnection('5.5');
    const w2 = new RecordingConnection('6.6');
    const other = new RecordingConnection('7.7');
    registry.watch('a', w1, ['x']);
    registry.watch('a', w2, ['x', 'y']);
    registry.watch('a', other, ['y']);
    const frame = watchlistEventsFrame([{ name: 'online', user_ids: ['x'] }]);
    assert.equal(registry.deliverToWatchers('a', 'x', frame), 2);
    assert.equal(registry.deliverToWatchers('b', 'x', frame), 0);
    assert.deepEqual(w1.dataOf('pusher_internal:watchlist_events'), [
      { events: [{ name: 'online', user_ids: ['x'] }] },
    ]);
    assert.equal(w2.frames.length, 1);
    assert.equal(other.frames.length, 0);
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
