/**
 * @module
 * Client events (`client-*`, protocol.md §8): only when the app enables them, only on private and
 * presence channels (and their cache variants) the sender is subscribed to, never on encrypted
 * channels; rate-limited per connection, size-limited, relayed to the other subscribers (never
 * echoed), with `user_id` added on presence channels. Every refusal is a `pusher:error` 4301; a
 * sender that keeps going far past the rate limit is closed with 4301.
 */
import { channelType, isValidEventName } from '@herald/sdk/protocol';
import type { Connection } from '../connection/connection.js';
import type { ServerContext } from '../context.js';
import { CloseCodes } from '../protocol/close-codes.js';
import { clientEventFrame, pusherError, type ClientMessage } from '../protocol/messages.js';

const REJECTED = CloseCodes.CLIENT_EVENT_REJECTED;

/** Validates and relays one client event; returns the broadcast's promise when one is made. */
export function handleClientEvent(
  context: ServerContext,
  connection: Connection,
  message: ClientMessage,
): void | Promise<void> {
  const reject = (reason: string): void => connection.send(pusherError(REJECTED, reason));
  const { app } = connection;
  if (!app.clientEvents) return reject('Client events are disabled for this app');

  const verdict = connection.clientEventLimit.take();
  if (verdict === 'abusive') {
    connection.close(REJECTED.code, 'Client event rate limit exceeded');
    return;
  }
  if (verdict === 'rejected') {
    return reject(
      `Client event rate limit exceeded (${connection.clientEventLimit.limit} per second)`,
    );
  }

  const { event, channel } = message;
  if (typeof channel !== 'string' || channel.length === 0) {
    return reject('A client event needs a channel');
  }
  if (!isValidEventName(event)) return reject('The event name is longer than 200 characters');
  const kind = channelType(channel).kind;
  if (kind === 'encrypted') return reject('Client events are not allowed on encrypted channels');
  if (kind !== 'private' && kind !== 'presence') {
    return reject('Client events are only allowed on private and presence channels');
  }
  const membership = connection.channels.get(channel);
  if (!membership) return reject(`Not subscribed to ${channel}`);

  const dataJson = message.data === undefined ? undefined : JSON.stringify(message.data);
  const size = dataJson === undefined ? 0 : Buffer.byteLength(dataJson, 'utf8');
  if (size > app.maxEventDataBytes) {
    return reject(`Client event data is ${size} bytes; the limit is ${app.maxEventDataBytes}`);
  }

  const userId = kind === 'presence' ? membership.userId : undefined;
  const { events } = context;
  if (events.active) {
    events.emit({
      type: 'client_event',
      appId: app.id,
      channel,
      event,
      data: message.data,
      socketId: connection.socketId,
      ...(userId !== undefined ? { userId } : {}),
    });
  }
  return context.adapter.broadcast(
    app.id,
    channel,
    clientEventFrame(event, channel, dataJson, userId),
    connection.socketId,
  );
}
