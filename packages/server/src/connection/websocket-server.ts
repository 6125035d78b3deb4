/**
 * @module
 * PLACEHOLDER (replaced by the WebSocket side of the server core): accepts upgrades on /app/{key}.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerContext } from '../context.js';

/** The WebSocket side of the server. */
export interface WebSocketServer {
  /** Handles an HTTP upgrade request (any path; non-/app paths are refused with 4005). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Number of open connections on this node. */
  readonly connectionCount: number;
  /** Closes every connection with `code` and stops timers. */
  close(code: number, reason: string): Promise<void>;
}

/** Creates the WebSocket side. */
export function createWebSocketServer(_context: ServerContext): WebSocketServer {
  return {
    handleUpgrade(_request, socket) {
      socket.end('HTTP/1.1 501 Not Implemented\r\nconnection: close\r\n\r\n');
    },
    connectionCount: 0,
    close: () => Promise.resolve(),
  };
}
