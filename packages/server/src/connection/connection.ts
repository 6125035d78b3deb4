/**
 * @module
 * One client connection: its state (app, socket id, channels, signed-in user), liveness (activity
 * timeout, server ping, pong timeout), and the serial processing of its messages. Messages are
 * handled one after another, so a client event sent right after a subscribe sees the subscription;
 * while an asynchronous step runs, later messages queue (and reading pauses past a high-water mark).
 * Closing runs the cleanup once, after the step in flight.
 */
import type { LocalConnection } from '../adapters/local-registry.js';
import type { App } from '../apps/app-store.js';
import type { Logger } from '../logger.js';
import { CloseCodes } from '../protocol/close-codes.js';
import type { OutboundFrame } from '../protocol/frame.js';
import {
  PING_FRAME,
  parseClientMessage,
  pusherError,
  type ClientMessage,
} from '../protocol/messages.js';
import type { TransportSocket } from '../transport/transport.js';
import { RateLimiter } from './rate-limiter.js';

/** Queued messages above which reading from the socket pauses until the queue drains. */
const QUEUE_HIGH_WATER = 64;

/** A channel this connection is subscribed to. */
export interface Membership {
  /** The presence user id the connection joined as (presence channels only). */
  readonly userId: string | undefined;
}

/** A signed-in user (`pusher:signin`). */
export interface SignedInUser {
  /** `user_data.id`. */
  readonly id: string;
  /** The exact `user_data` string that was signed. */
  readonly userData: string;
  /** `user_data.user_info`, if any. */
  readonly userInfo?: unknown;
}

/** What a connection needs from the server around it. */
export interface ConnectionDeps {
  /** Liveness timing, in seconds. */
  readonly activityTimeoutSeconds: number;
  readonly pongTimeoutSeconds: number;
  /** Logger for unexpected failures. */
  readonly logger: Logger;
  /** Handles one parsed message (may be asynchronous; messages are processed serially). */
  handle(connection: Connection, message: ClientMessage): void | Promise<void>;
  /** Leaves every channel and signs out (runs once, after the step in flight). */
  cleanup(connection: Connection): Promise<void>;
  /** Called once the cleanup finished, with the close code. */
  closed(connection: Connection, code: number): void;
}

/** One accepted client connection. */
export class Connection implements LocalConnection {
  /** Channels joined, by name. */
  readonly channels = new Map<string, Membership>();
  /** The signed-in user, if any. */
  user: SignedInUser | undefined;
  /** Client-event rate limit of this connection. */
  readonly clientEventLimit: RateLimiter;
  /** Resolves once the connection is closed and cleaned up. */
  readonly done: Promise<void>;

  readonly #transport: TransportSocket;
  readonly #deps: ConnectionDeps;
  readonly #queue: Buffer[] = [];
  #busy = false;
  #paused = false;
  #closing = false;
  #closeCode: number = CloseCodes.RECONNECT.code;
  #cleanupStarted = false;
  #lastActivity = Date.now();
  #awaitingPong = false;
  #timer: NodeJS.Timeout | undefined;
  #resolveDone!: () => void;

  constructor(
    transport: TransportSocket,
    readonly app: App,
    readonly socketId: string,
    deps: ConnectionDeps,
  ) {
    this.#transport = transport;
    this.#deps = deps;
    this.clientEventLimit = new RateLimiter(app.clientEventsPerSecond);
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    transport.setHandlers({
      message: (data) => this.#onMessage(data),
      pong: () => this.#touch(),
      close: (code) => this.#shutdown(this.#closing ? this.#closeCode : code),
    });
    this.#arm(deps.activityTimeoutSeconds * 1000);
  }

  /** True once the connection is closing or closed. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Queues a frame (written with everything else of this event-loop turn). */
  send(frame: OutboundFrame): void {
    if (!this.#closing) this.#transport.send(frame);
  }

  /** Closes with a Pusher close code and cleans up (idempotent). */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closeCode = code;
    this.#transport.close(code, reason);
    this.#shutdown(code);
  }

  /** Destroys the socket without a close handshake (after `close`, for stragglers). */
  terminate(): void {
    this.#transport.terminate();
  }

  #touch(): void {
    this.#lastActivity = Date.now();
    this.#awaitingPong = false;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#checkActivity(), ms);
    this.#timer.unref();
  }

  /** Lazy liveness: one timer per connection, re-armed only when it fires. */
  #checkActivity(): void {
    if (this.#closing) return;
    const activityMs = this.#deps.activityTimeoutSeconds * 1000;
    const idle = Date.now() - this.#lastActivity;
    if (this.#awaitingPong) {
      const { code, message } = CloseCodes.PONG_NOT_RECEIVED;
      this.close(code, message);
      return;
    }
    if (idle < activityMs) {
      this.#arm(activityMs - idle);
      return;
    }
    this.#awaitingPong = true;
    this.#transport.send(PING_FRAME);
    this.#arm(this.#deps.pongTimeoutSeconds * 1000);
  }

  #onMessage(data: Buffer): void {
    this.#touch();
    if (this.#closing) return;
    if (this.#busy) {
      this.#queue.push(data);
      if (!this.#paused && this.#queue.length >= QUEUE_HIGH_WATER) {
        this.#paused = true;
        this.#transport.pause();
      }
      return;
    }
    this.#process(data);
  }

  #process(data: Buffer): void {
    const parsed = parseClientMessage(data.toString('utf8'));
    if (!parsed.ok) {
      this.send(pusherError(CloseCodes.INVALID_MESSAGE, parsed.error));
      return;
    }
    const message = parsed.message;
    let result: void | Promise<void>;
    try {
      result = this.#deps.handle(this, message);
    } catch (error) {
      this.#failed(error, message);
      return;
    }
    if (result) {
      this.#busy = true;
      result.then(this.#next, (error: unknown) => {
        this.#failed(error, message);
        this.#next();
      });
    }
  }

  readonly #next = (): void => {
    this.#busy = false;
    while (!this.#busy && !this.#closing && this.#queue.length > 0) {
      this.#process(this.#queue.shift()!);
    }
    if (this.#busy) return;
    if (this.#closing) {
      this.#runCleanup();
      return;
    }
    if (this.#paused) {
      this.#paused = false;
      this.#transport.resume();
    }
  };

  #failed(error: unknown, message: ClientMessage): void {
    this.#deps.logger.error(
      { err: error, event: message.event, socketId: this.socketId },
      'Failed to handle a client message',
    );
    this.send(pusherError(CloseCodes.SERVER_ERROR));
  }

  #shutdown(code: number): void {
    if (!this.#closing) {
      this.#closing = true;
      this.#closeCode = code;
    }
    clearTimeout(this.#timer);
    this.#queue.length = 0;
    if (!this.#busy) this.#runCleanup();
  }

  #runCleanup(): void {
    if (this.#cleanupStarted) return;
    this.#cleanupStarted = true;
    this.#deps
      .cleanup(this)
      .catch((error: unknown) =>
        this.#deps.logger.error({ err: error, socketId: this.socketId }, 'Cleanup failed'),
      )
      .finally(() => {
        this.#deps.closed(this, this.#closeCode);
        this.#resolveDone();
      });
  }
}
