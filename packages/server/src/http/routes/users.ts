/**
 * @module
 * `POST /apps/{id}/users/{user_id}/terminate_connections`: closes every connection signed in as the
 * user, on every node.
 */
import { isValidUserId, MAX_USER_ID_LENGTH } from '@herald/sdk/protocol';
import { CloseCodes } from '../../protocol/close-codes.js';
import { HttpError } from '../errors.js';
import type { RouteHandler } from './common.js';

/** The reason sent with the 4009 close when the app terminates a user's connections. */
export const TERMINATE_REASON = 'You got disconnected by the app.';

/** Terminates the user's connections with 4009 (pusher-js does not reconnect). Answers `{}`. */
export const terminateUserConnections: RouteHandler = async ({ context, app, params }) => {
  const userId = params['userId'];
  if (!isValidUserId(userId))
    throw new HttpError(400, `User id must be 1 to ${MAX_USER_ID_LENGTH} characters`);
  await context.adapter.terminateUser(
    app.id,
    userId,
    CloseCodes.UNAUTHORIZED.code,
    TERMINATE_REASON,
  );
  return {};
};
