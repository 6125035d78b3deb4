/**
 * @module
 * The `ws` engine behind the transport seam. `ws` (noServer, no permessage-deflate) does the
 * handshake, parsing, control frames and close handshake; data frames are prepared once per
 * {@link OutboundFrame} and written straight to the upgraded socket, corked per event-loop turn.
 * Safe because with compression off `ws` writes synchronously, so frame order is kept.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { OutboundFrame } from '../protocol/frame.js';
import { preparedBytes } from './framing.js';
import type {
  TransportEngine,
  TransportHandlers,
  TransportOptions,
  TransportSocket,
} from './transport.js';
import { WriteBatch, type BatchMember } from './write-batch.js';

type Pending =
  | { readonly kind: 'message'; readonly data: Buffer; readonly isBinary: boolean }
  | { readonly kind: 'pong' }
  | { readonly kind: 'close'; readonly code: number; readonly reason: string };

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** One `ws` socket behind the {@link TransportSocket} interface. */
class WsSocket implements TransportSocket, BatchMember {
  corked = false;
  readonly stream: Duplex;
  #open = true;
  #closed = false;
  #reported = false;
  #handlers: TransportHandlers | undefined;
  #pending: Pending[] | undefined = [];
  #closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: WebSocket,
    stream: Duplex,
    readonly batch: WriteBatch,
    readonly options: TransportOptions,
  ) {
    this.stream = stream;
    ws.on('message', (data, isBinary) =>
      this.#dispatch({ kind: 'message', data: toBuffer(data), isBinary }),
    );
    ws.on('pong', () => this.#dispatch({ kind: 'pong' }));
    // Protocol errors (oversized or malformed frames) are followed by a close; nothing to do here.
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      this.#open = false;
      this.#closed = true;
      clearTimeout(this.#closeTimer);
      this.#reportClose(code, reason.toString());
    });
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const event of pending) this.#deliver(handlers, event);
  }

  #dispatch(event: Pending): void {
    if (this.#handlers) this.#deliver(this.#handlers, event);
    else this.#pending?.push(event);
  }

  #deliver(handlers: TransportHandlers, event: Pending): void {
    switch (event.kind) {
      case 'message':
        handlers.message(event.data, event.isBinary);
        break;
      case 'pong':
        handlers.pong();
        break;
      case 'close':
        handlers.close(event.code, event.reason);
        break;
    }
  }

  get open(): boolean {
    return this.#open;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(frame: OutboundFrame): void {
    if (!this.#open || !this.stream.writable) return;
    // Output left over from earlier turns means the peer is not reading; within one turn a burst
    // may pile up more (it is flushed at the end of the turn), up to a hard bound.
    const buffered = this.stream.writableLength;
    const limit = this.options.maxBufferedBytes;
    if ((!this.corked && buffered > limit) || buffered > 4 * limit) {
      this.#slowConsumer();
      return;
    }
    this.batch.enlist(this);
    this.stream.write(preparedBytes(frame));
  }

  afterFlush(): void {
    if (this.#open && this.stream.writableLength > this.options.maxBufferedBytes) {
      this.#slowConsumer();
    }
  }

  #slowConsumer(): void {
    const { code, message } = this.options.slowConsumer;
    this.close(code, message);
  }

  /** Reports the close once: at our own `close` (with our code), else when the peer goes away. */
  #reportClose(code: number, reason: string): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#dispatch({ kind: 'close', code, reason });
  }

  close(code: number, reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.ws.close(code, reason);
    this.#reportClose(code, reason);
    // `ws` waits 30 s for the peer's close frame; a peer that stopped reading gets less.
    this.#closeTimer = setTimeout(() => this.terminate(), this.options.closeTimeoutMs);
    this.#closeTimer.unref();
  }

  terminate(): void {
    this.#open = false;
    if (!this.#closed) this.ws.terminate();
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }
}

/** Creates the `ws` engine. */
export function createWsEngine(options: TransportOptions): TransportEngine {
  const server = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: options.maxPayloadBytes,
  });
  const batch = new WriteBatch();
  return {
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, onOpen) {
      server.handleUpgrade(request, socket, head, (ws) => {
        onOpen(new WsSocket(ws, socket, batch, options));
      });
    },
    flush() {
      batch.flush();
    },
  };
}
