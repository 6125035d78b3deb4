/**
 * @module
 * The console's live feed: Server-Sent Event streams per app, fed from the {@link ServerEvents} bus.
 *
 * Cost rules: the feed listens to the bus only while at least one stream is open; the listener does
 * O(1) work per event (find the app's streams in a map, push a reference into each stream's ring);
 * serialization and socket writes happen later, once per event loop turn. Each stream keeps at most
 * `limit` pending items: when the console reads slower than events arrive, the oldest pending items
 * are dropped and the console is told how many, so a slow console never holds memory or the
 * message path back.
 */
import type { ServerResponse } from 'node:http';
import type { ServerEvent, ServerEvents } from '../events.js';

/** Default most pending feed items per stream. */
export const STREAM_QUEUE_LIMIT = 1000;
/** Longest `data` text shown in the feed; longer data is cut and marked `truncated`. */
export const MAX_FEED_DATA_CHARS = 4096;
/** How often an idle stream sends a comment line (keeps proxies from closing it). */
export const HEARTBEAT_MS = 15_000;

/**
 * The server events the console shows. Others (per-message metrics, HTTP request timings, ...) are
 * left out: they are not about what an app's users do, and they would flood the feed.
 */
export const FEED_EVENT_TYPES: ReadonlySet<ServerEvent['type']> = new Set<ServerEvent['type']>([
  'connection_opened',
  'connection_closed',
  'subscribed',
  'unsubscribed',
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'api_event',
  'cache_miss',
  'subscription_count',
  'webhook_sent',
]);

/** A server event the console shows (it belongs to an app). */
type FeedEvent = Extract<ServerEvent, { readonly appId: string }>;

/** One event on its way to the console; serialized once, however many streams show it. */
class FeedItem {
  #json: string | undefined;
  constructor(
    readonly event: FeedEvent,
    readonly time: number,
  ) {}

  get json(): string {
    return (this.#json ??= JSON.stringify(toFeedEntry(this.event, this.time)));
  }
}

/** What the console shows for one server event: its fields minus `appId`, with bounded `data`. */
export function toFeedEntry(event: FeedEvent, time: number): Record<string, unknown> {
  const { appId: _appId, ...fields } = event as FeedEvent & Record<string, unknown>;
  const entry: Record<string, unknown> = { ...fields, time };
  if ('data' in fields) {
    const raw = fields['data'];
    let text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
    if (text.length > MAX_FEED_DATA_CHARS) {
      text = text.slice(0, MAX_FEED_DATA_CHARS);
      entry['truncated'] = true;
    }
    entry['data'] = text;
  }
  return entry;
}

/** A fixed-size ring of pending items that overwrites the oldest when full. */
class Ring {
  readonly #items: (FeedItem | undefined)[];
  #start = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<FeedItem | undefined>(capacity);
  }

  /** Adds an item; returns true when the oldest one was dropped to make room. */
  push(item: FeedItem): boolean {
    if (this.size === this.capacity) {
      this.#items[this.#start] = item;
      this.#start = (this.#start + 1) % this.capacity;
      return true;
    }
    this.#items[(this.#start + this.size) % this.capacity] = item;
    this.size += 1;
    return false;
  }

  shift(): FeedItem | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#start];
    this.#items[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.capacity;
    this.size -= 1;
    return item;
  }
}

/** Counters of one stream (tests and the page's "dropped" notice). */
export interface StreamStats {
  /** Items written to the socket. */
  readonly sent: number;
  /** Items dropped because the console fell behind. */
  readonly dropped: number;
  /** Items waiting to be written. */
  readonly pending: number;
}

/** The part of a response a stream writes to (a ServerResponse in the server, a fake in tests). */
export type StreamSink = Pick<ServerResponse, 'write' | 'end' | 'once' | 'off'>;

/** One open console stream. */
export class FeedStream {
  readonly #ring: Ring;
  #dropped = 0;
  #unreported = 0;
  #sent = 0;
  #scheduled = false;
  #waitingForDrain = false;
  #closed = false;
  readonly #onDrain = () => {
    this.#waitingForDrain = false;
    this.#schedule();
  };

  constructor(
    readonly appId: string,
    readonly sessionId: string,
    readonly sink: StreamSink,
    limit: number,
    readonly onClose: (stream: FeedStream) => void,
  ) {
    this.#ring = new Ring(limit);
  }

  /** Queues an item (O(1), never writes synchronously). */
  push(item: FeedItem): void {
    if (this.#closed) return;
    if (this.#ring.push(item)) {
      this.#dropped += 1;
      this.#unreported += 1;
    }
    this.#schedule();
  }

  /** Writes an SSE comment line if the socket is not backed up. */
  heartbeat(): void {
    if (!this.#closed && !this.#waitingForDrain) this.sink.write(': ping\n\n');
  }

  /** Counters so far. */
  get stats(): StreamStats {
    return { sent: this.#sent, dropped: this.#dropped, pending: this.#ring.size };
  }

  /** Ends the response and forgets the stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sink.off('drain', this.#onDrain);
    this.sink.end();
    this.onClose(this);
  }

  #schedule(): void {
    if (this.#scheduled || this.#waitingForDrain) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  /** Writes every pending item in one chunk, then waits for `drain` if the socket is full. */
  #flush(): void {
    this.#scheduled = false;
    if (this.#closed || this.#waitingForDrain) return;
    let chunk = '';
    if (this.#unreported > 0) {
      chunk += `event: dropped\ndata: {"count":${this.#unreported},"total":${this.#dropped}}\n\n`;
      this.#unreported = 0;
    }
    for (let item = this.#ring.shift(); item; item = this.#ring.shift()) {
      chunk += `data: ${item.json}\n\n`;
      this.#sent += 1;
    }
    if (chunk === '') return;
    if (!this.sink.write(chunk)) {
      this.#waitingForDrain = true;
      this.sink.once('drain', this.#onDrain);
    }
  }
}

/** Routes bus events to the open streams of their app. */
export class ConsoleFeed {
  readonly #byApp = new Map<string, Set<FeedStream>>();
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  /**
   * @param events - The server's bus.
   * @param limit - Most pending items per stream.
   * @param isLive - Whether a stream's session is still valid (checked on each heartbeat).
   * @param heartbeatMs - How often idle streams get a comment line and sessions are re-checked.
   */
  constructor(
    readonly events: ServerEvents,
    readonly limit = STREAM_QUEUE_LIMIT,
    readonly isLive: (stream: FeedStream) => boolean = () => true,
    readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  /** Open streams (all apps). */
  get size(): number {
    let n = 0;
    for (const set of this.#byApp.values()) n += set.size;
    return n;
  }

  /** Opens a stream for an app; listens to the bus while any stream is open. */
  open(appId: string, sessionId: string, sink: StreamSink): FeedStream {
    const stream = new FeedStream(appId, sessionId, sink, this.limit, (s) => this.#remove(s));
    let set = this.#byApp.get(appId);
    if (!set) this.#byApp.set(appId, (set = new Set()));
    set.add(stream);
    this.#unsubscribe ??= this.events.on((event) => this.#dispatch(event));
    this.#heartbeat ??= setInterval(() => this.#tick(), this.heartbeatMs).unref();
    return stream;
  }

  /** Closes every stream of a session (sign-out). */
  closeSession(sessionId: string): void {
    for (const set of [...this.#byApp.values()])
      for (const stream of [...set]) if (stream.sessionId === sessionId) stream.close();
  }

  /** Closes every stream (server stop). */
  closeAll(): void {
    for (const set of [...this.#byApp.values()]) for (const stream of [...set]) stream.close();
  }

  #dispatch(event: ServerEvent): void {
    if (!FEED_EVENT_TYPES.has(event.type)) return;
    const set = this.#byApp.get((event as FeedEvent).appId);
    if (!set) return;
    const item = new FeedItem(event as FeedEvent, Date.now());
    for (const stream of set) stream.push(item);
  }

  #tick(): void {
    for (const set of [...this.#byApp.values()])
      for (const stream of [...set]) {
        if (this.isLive(stream)) stream.heartbeat();
        else stream.close();
      }
  }

  #remove(stream: FeedStream): void {
    const set = this.#byApp.get(stream.appId);
    if (!set) return;
    set.delete(stream);
    if (set.size === 0) this.#byApp.delete(stream.appId);
    if (this.#byApp.size === 0) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }
}
