/**
 * @module
 * The WebSocket side of the server: accepts upgrades on `/app/{key}`, runs the handshake checks,
 * creates {@link Connection}s and wires them to the router, the channel layer and the adapter.
 * Refused handshakes are completed, then answered with `pusher:error` and the close code.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChannelHooks } from '../channels/hooks.js';
import { Subscriptions } from '../channels/subscriptions.js';
import type { ServerContext } from '../context.js';
import {
  CloseCodes,
  closeCodeEntry,
  isErrorClose,
  type CloseCode,
} from '../protocol/close-codes.js';
import { connectionEstablished, pusherError } from '../protocol/messages.js';
import { createWsEngine } from '../transport/ws-engine.js';
import type { TransportSocket } from '../transport/transport.js';
import { Connection, type ConnectionDeps } from './connection.js';
import { checkHandshake, type HandshakeResult } from './handshake.js';
import { createRouter } from './router.js';
import { signOut } from './signin.js';
import { generateSocketId } from './socket-id.js';

/** The WebSocket side of the server. */
export interface WebSocketServer {
  /** Handles an HTTP upgrade request (any path; non-/app paths are refused with 4005). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Number of open connections on this node. */
  readonly connectionCount: number;
  /** Closes every connection with `code` and stops timers. */
  close(code: number, reason: string): Promise<void>;
}

function refuse(transport: TransportSocket, refusal: CloseCode): void {
  transport.send(pusherError(refusal));
  transport.close(refusal.code, refusal.message);
}

/**
 * Creates the WebSocket side.
 *
 * @param context - Shared services.
 * @param hooks - Optional extension points (cache channels, subscription_count, sign-in).
 */
export function createWebSocketServer(
  context: ServerContext,
  hooks: ChannelHooks = {},
): WebSocketServer {
  const { config, adapter, events, logger } = context;
  const closeTimeoutMs = Math.max(100, Math.min(5000, Math.floor(config.shutdownTimeoutMs / 2)));
  const engine = createWsEngine({
    maxPayloadBytes: config.maxPayloadBytes,
    maxBufferedBytes: config.maxBufferedBytes,
    slowConsumer: CloseCodes.RECONNECT,
    closeTimeoutMs,
  });
  const subscriptions = new Subscriptions(context, hooks);
  const connections = new Set<Connection>();
  let closing = false;

  const deps: ConnectionDeps = {
    activityTimeoutSeconds: config.activityTimeoutSeconds,
    pongTimeoutSeconds: config.pongTimeoutSeconds,
    logger,
    handle: createRouter(context, subscriptions, hooks),
    async cleanup(connection) {
      await subscriptions.leaveAll(connection);
      await (hooks.signout ? hooks.signout(connection) : signOut(context, connection));
    },
    closed(connection, code) {
      connections.delete(connection);
      if (isErrorClose(code)) {
        // One line per connection error, with the app and the reason (never a secret).
        logger.info(
          {
            appId: connection.app.id,
            socketId: connection.socketId,
            code,
            reason: closeCodeEntry(code)?.message,
          },
          'Connection closed with an error',
        );
      }
      adapter.removeConnection(connection.app.id, connection.socketId);
      if (events.active) {
        events.emit({
          type: 'connection_closed',
          appId: connection.app.id,
          socketId: connection.socketId,
          code,
        });
      }
    },
  };

  function accept(
    transport: TransportSocket,
    result: HandshakeResult,
    request: IncomingMessage,
  ): void {
    if (!result.ok) {
      // The path holds the app key (public), never the query's auth data.
      logger.info(
        { path: request.url?.split('?')[0], code: result.refusal.code },
        `Connection refused: ${result.refusal.message}`,
      );
      return refuse(transport, result.refusal);
    }
    if (closing) return refuse(transport, CloseCodes.RECONNECT);
    const { app } = result;
    let socketId = generateSocketId();
    while (adapter.local.connection(app.id, socketId)) socketId = generateSocketId();
    const connection = new Connection(transport, app, socketId, deps);
    connections.add(connection);
    adapter.addConnection(app.id, connection);
    connection.send(connectionEstablished(socketId, config.activityTimeoutSeconds));
    hooks.connected?.(connection);
    if (events.active) events.emit({ type: 'connection_opened', appId: app.id, socketId });
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let result: HandshakeResult;
    try {
      result = await checkHandshake(request.url, context.apps, adapter);
    } catch (error) {
      logger.warn({ err: error }, 'Handshake check failed');
      result = { ok: false, refusal: CloseCodes.OVER_CAPACITY };
    }
    if (socket.destroyed) return;
    engine.upgrade(request, socket, head, (transport) => accept(transport, result, request));
  }

  return {
    handleUpgrade(request, socket, head) {
      // The socket has no error listener between the HTTP upgrade and `ws` taking it over.
      socket.on('error', () => undefined);
      if (closing) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n');
        return;
      }
      upgrade(request, socket, head).catch((error: unknown) => {
        logger.error({ err: error }, 'Upgrade failed');
        socket.destroy();
      });
    },
    get connectionCount() {
      return connections.size;
    },
    async close(code, reason) {
      closing = true;
      const all = [...connections];
      for (const connection of all) connection.close(code, reason);
      engine.flush();
      await Promise.all(all.map((connection) => connection.done));
    },
  };
}
