import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ServerEvents, type ServerEvent } from '../../src/events.js';
import { ConsoleFeed, MAX_FEED_DATA_CHARS, toFeedEntry } from '../../src/console/feed.js';

/** A sink whose socket is "full" until the test says it drained. */
class FakeSink extends EventEmitter {
  chunks: string[] = [];
  full = false;
  ended = false;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
  end(): this {
    this.ended = true;
    return this;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const apiEvent = (appId: string, n: number): ServerEvent => ({
  type: 'api_event',
  appId,
  channels: ['c'],
  event: `e${n}`,
  data: '{}',
});

describe('console feed', () => {
  it('listens to the bus only while a stream is open', () => {
    const events = new ServerEvents();
    const feed = new ConsoleFeed(events);
    assert.equal(events.active, false);
    const s1 = feed.open('a', 's1', new FakeSink() as never);
    const s2 = feed.open('b', 's2', new FakeSink() as never);
    assert.equal(events.active, true);
    s1.close();
    assert.equal(events.active, true);
    s2.close();
    assert.equal(events.active, false);
    assert.equal(feed.size, 0);
  });

  it('writes nothing during emit, then one chunk per event loop turn', async () => {
    const events = new ServerEvents();
    const feed = new ConsoleFeed(events);
    const sink = new FakeSink();
    const stream = feed.open('a', 's', sink as never);
    for (let i = 0; i < 3; i++) events.emit(apiEvent('a', i));
    assert.equal(sink.chunks.length, 0, 'emit never writes to a socket');
    await turn();
    assert.equal(sink.chunks.length, 1);
    assert.equal(sink.text.match(/^data: /gm)?.length, 3);
    assert.deepEqual(stream.stats, { sent: 3, dropped: 0, pending: 0 });
    stream.close();
  });

  it('stops writing while the socket is full, keeps the newest items, reports the drop', async () => {
    const events = new ServerEvents();
    const feed = new ConsoleFeed(events, 10);
    const sink = new FakeSink();
    const stream = feed.open('a', 's', sink as never);
    sink.full = true;
    events.emit(apiEvent('a', 0));
    await turn();
    assert.equal(sink.chunks.length, 1, 'the write that found the socket full');
    for (let i = 1; i <= 100; i++) events.emit(apiEvent('a', i));
    await turn();
    assert.equal(sink.chunks.length, 1, 'no write until drain');
    assert.deepEqual(stream.stats, { sent: 1, dropped: 90, pending: 10 });
    sink.full = false;
    sink.emit('drain');
    await turn();
    const last = sink.chunks.at(-1)!;
    assert.match(last, /^event: dropped\ndata: {"count":90,"total":90}\n\n/);
    const names = [...last.matchAll(/"event":"(e\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(
      names,
      Array.from({ length: 10 }, (_, i) => `e${91 + i}`),
    );
    assert.deepEqual(stream.stats, { sent: 11, dropped: 90, pending: 0 });
    stream.close();
  });

  it('serializes an event once for every stream of its app, and only those', async () => {
    const events = new ServerEvents();
    const feed = new ConsoleFeed(events);
    const a1 = new FakeSink();
    const a2 = new FakeSink();
    const b = new FakeSink();
    feed.open('a', 's1', a1 as never);
    feed.open('a', 's2', a2 as never);
    feed.open('b', 's3', b as never);
    events.emit(apiEvent('a', 1));
    await turn();
    assert.equal(a1.text, a2.text);
    assert.match(a1.text, /"event":"e1"/);
    assert.equal(b.chunks.length, 0);
    feed.closeAll();
    assert.ok(a1.ended && a2.ended && b.ended);
    assert.equal(events.active, false);
  });

  it('closes streams whose session ended, on the heartbeat', async () => {
    const events = new ServerEvents();
    let live = true;
    const feed = new ConsoleFeed(events, 10, () => live, 5);
    const sink = new FakeSink();
    feed.open('a', 's', sink as never);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(sink.text, /: ping\n\n/);
    live = false;
    while (!sink.ended) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(events.active, false);
  });

  it('leaves metrics events out of the feed', async () => {
    const events = new ServerEvents();
    const feed = new ConsoleFeed(events);
    const sink = new FakeSink();
    feed.open('a', 's', sink as never);
    events.emit({ type: 'message_in', appId: 'a', bytes: 10 });
    events.emit({ type: 'message_out', appId: 'a', messages: 3, bytes: 30 });
    events.emit({
      type: 'http_request',
      route: 'events',
      method: 'POST',
      status: 200,
      durationMs: 1,
    });
    events.emit(apiEvent('a', 1));
    await turn();
    assert.equal(sink.text.match(/^data: /gm)?.length, 1);
    assert.match(sink.text, /"type":"api_event"/);
    feed.closeAll();
  });

  it('cuts long data and never shows the app id', () => {
    const entry = toFeedEntry(
      {
        type: 'client_event',
        appId: 'a',
        channel: 'private-x',
        event: 'client-x',
        data: { big: 'y'.repeat(MAX_FEED_DATA_CHARS) },
        socketId: '1.1',
      },
      5,
    );
    assert.equal(entry['appId'], undefined);
    assert.equal((entry['data'] as string).length, MAX_FEED_DATA_CHARS);
    assert.equal(entry['truncated'], true);
    assert.equal(entry['time'], 5);
  });
});
