/**
 * @module
 * The transport seam: what the connection layer needs from a WebSocket engine, and nothing more.
 * Accept an upgrade, send prepared frames (batched per event-loop turn), close with a code, report
 * backpressure, pause/resume reading. Engine objects (`ws` today) never leave `transport/`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OutboundFrame } from '../protocol/frame.js';

/** What a transport socket reports to its owner. */
export interface TransportHandlers {
  /** A complete text (or binary) message arrived. */
  message(data: Buffer, isBinary: boolean): void;
  /** A WebSocket protocol-level pong arrived (counts as activity). */
  pong(): void;
  /**
   * The connection is over, called once: at `close()` with that code (the close handshake finishes
   * in the background), or when the peer closes, errs or is terminated.
   */
  close(code: number, reason: string): void;
}

/** One accepted WebSocket, engine-neutral. */
export interface TransportSocket {
  /** Attaches the handlers; messages arriving before this are not lost (see engine notes). */
  setHandlers(handlers: TransportHandlers): void;
  /**
   * Queues `frame` for this socket. Writes are corked and flushed once per event-loop turn; the
   * frame's bytes are prepared once and reused for every socket. A socket whose unsent output
   * exceeds the engine's `maxBufferedBytes` is closed with the slow-consumer code instead.
   */
  send(frame: OutboundFrame): void;
  /** Sends a close frame with `code`/`reason`; the socket is destroyed if the peer does not answer in time. */
  close(code: number, reason: string): void;
  /** Destroys the socket at once (no close handshake). */
  terminate(): void;
  /** Stops reading from the peer (inbound backpressure). */
  pause(): void;
  /** Resumes reading. */
  resume(): void;
  /** Bytes accepted by `send` but not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** True until `close`/`terminate` is called or the peer goes away. */
  readonly open: boolean;
}

/** Engine options the server decides. */
export interface TransportOptions {
  /** Largest inbound message; larger ones close the socket with 1009. */
  readonly maxPayloadBytes: number;
  /** Unsent output above which a socket is a slow consumer. */
  readonly maxBufferedBytes: number;
  /** Close code and reason used for slow consumers. */
  readonly slowConsumer: { readonly code: number; readonly message: string };
  /** How long a closing socket may take to finish the close handshake before it is destroyed. */
  readonly closeTimeoutMs: number;
}

/** A WebSocket engine. */
export interface TransportEngine {
  /**
   * Completes the WebSocket handshake on `socket` and hands the accepted socket to `onOpen`
   * (synchronously attach handlers there). Invalid upgrade requests are answered with HTTP 400.
   */
  upgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    onOpen: (socket: TransportSocket) => void,
  ): void;
  /** Writes queued this turn are flushed now (used before shutdown). */
  flush(): void;
}
