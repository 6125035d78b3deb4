/**
 * @module
 * `pusher:signin` (protocol.md §7): verifies `auth` over `socket_id::user::user_data`, requires a
 * non-empty string `user_data.id`, records the sign-in through the adapter and answers
 * `pusher:signin_success` with the exact `user_data` string. A failed sign-in gets `pusher:error`
 * 4009 and the connection is closed with 4009 (pusher-js does not reconnect), as soketi does.
 * Watchlists are left to the users feature.
 */
import { isValidUserId, userAuthStringToSign } from '@herald/sdk/protocol';
import { verifyToken } from '../channels/authorize.js';
import type { ServerContext } from '../context.js';
import { CloseCodes } from '../protocol/close-codes.js';
import { dataObject, pusherError, signinSuccess } from '../protocol/messages.js';
import type { Connection } from './connection.js';

function refuse(connection: Connection, message: string): void {
  const code = CloseCodes.UNAUTHORIZED;
  connection.send(pusherError(code, message));
  connection.close(code.code, code.message);
}

/** Handles `pusher:signin`. */
export async function handleSignin(
  context: ServerContext,
  connection: Connection,
  data: unknown,
): Promise<void> {
  const fields = dataObject(data);
  const userData = fields?.['user_data'];
  if (typeof userData !== 'string') {
    connection.send(
      pusherError(CloseCodes.INVALID_MESSAGE, 'pusher:signin needs data.user_data (a string)'),
    );
    return;
  }
  const stringToSign = userAuthStringToSign(connection.socketId, userData);
  if (!verifyToken(connection.app, stringToSign, fields?.['auth'])) {
    return refuse(connection, 'Invalid signature');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(userData);
  } catch {
    return refuse(connection, 'user_data is not valid JSON');
  }
  const record =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const id = record['id'];
  if (!isValidUserId(id)) return refuse(connection, 'user_data.id must be a non-empty string');
  if (connection.user && connection.user.id !== id) {
    return refuse(connection, 'The connection is already signed in as another user');
  }
  if (!connection.user) {
    await context.adapter.signIn(connection.app.id, id, connection.socketId);
  }
  connection.user = {
    id,
    userData,
    ...(record['user_info'] !== undefined ? { userInfo: record['user_info'] } : {}),
  };
  connection.send(signinSuccess(userData));
}

/** Forgets the sign-in of a closing connection. */
export async function signOut(context: ServerContext, connection: Connection): Promise<void> {
  const user = connection.user;
  if (!user) return;
  connection.user = undefined;
  await context.adapter.signOut(connection.app.id, user.id, connection.socketId);
}
