/**
 * @module
 * Socket ids, event names and user ids: the formats both the SDK and the server check.
 */
import { MAX_EVENT_NAME_LENGTH, MAX_USER_ID_LENGTH } from './limits.js';

/** A socket id is two decimal integers joined by a dot (`123.456`). */
export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;

/** Prefix every client event name must carry. */
export const CLIENT_EVENT_PREFIX = 'client-';

/** True when `socketId` has the `digits.digits` form. */
export function isValidSocketId(socketId: unknown): socketId is string {
  return typeof socketId === 'string' && SOCKET_ID_PATTERN.test(socketId);
}

/** True for a non-empty event name of at most {@link MAX_EVENT_NAME_LENGTH} characters (any characters). */
export function isValidEventName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_EVENT_NAME_LENGTH;
}

/** True for a non-empty user id of at most {@link MAX_USER_ID_LENGTH} characters. */
export function isValidUserId(userId: unknown): userId is string {
  return typeof userId === 'string' && userId.length > 0 && userId.length <= MAX_USER_ID_LENGTH;
}
