/**
 * @module
 * Dispatches a parsed client message to its handler. Clients may send `pusher:*` control events
 * and `client-*` events; anything else gets `pusher:error` 4304 (the connection stays open).
 */
import { CLIENT_EVENT_PREFIX } from '@herald/sdk/protocol';
import { handleClientEvent } from '../channels/client-events.js';
import type { ChannelHooks } from '../channels/hooks.js';
import type { Subscriptions } from '../channels/subscriptions.js';
import type { ServerContext } from '../context.js';
import { CloseCodes } from '../protocol/close-codes.js';
import { PONG_FRAME, pusherError, type ClientMessage } from '../protocol/messages.js';
import type { Connection } from './connection.js';
import { handleSignin } from './signin.js';

/** A message handler bound to the server's services. */
export type Router = (connection: Connection, message: ClientMessage) => void | Promise<void>;

/** Builds the router. */
export function createRouter(
  context: ServerContext,
  subscriptions: Subscriptions,
  hooks: ChannelHooks,
): Router {
  return (connection, message) => {
    switch (message.event) {
      case 'pusher:ping':
        connection.send(PONG_FRAME);
        return;
      case 'pusher:pong':
        return; // activity was already recorded
      case 'pusher:subscribe':
        return subscriptions.subscribe(connection, message.data);
      case 'pusher:unsubscribe':
        return subscriptions.unsubscribe(connection, message.data);
      case 'pusher:signin':
        return hooks.signin
          ? hooks.signin(connection, message)
          : handleSignin(context, connection, message.data);
      default:
        if (message.event.startsWith(CLIENT_EVENT_PREFIX)) {
          return handleClientEvent(context, connection, message);
        }
        connection.send(
          pusherError(
            CloseCodes.UNSUPPORTED_EVENT,
            `Unsupported event "${message.event.slice(0, 64)}": clients may send pusher:* control events and client-* events`,
          ),
        );
    }
  };
}
