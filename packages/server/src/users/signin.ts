/**
 * @module
 * `pusher:signin` verification: the signature over `socket_id::user::user_data` (the exact string the
 * client sent, never re-serialized; constant-time, via channels/authorize.ts), then the user_data rules (JSON object, non-empty string `id`,
 * optional `watchlist` of user ids). Pure: no I/O, no connection state.
 */
import { MAX_WATCHLIST_SIZE, isValidUserId, userAuthStringToSign } from '@herald/sdk/protocol';
import { expectedToken, verifyToken } from '../channels/authorize.js';

/** Largest `user_data` string accepted, in bytes (Pusher's 10 KB event limit). */
export const MAX_USER_DATA_BYTES = 10 * 1024;

/** The credentials sign-in needs from an app. */
export interface SignInApp {
  /** The app key (the part before `:` in `auth`). */
  readonly key: string;
  /** The app secret (HMAC key). */
  readonly secret: string;
}

/** A verified sign-in. */
export interface VerifiedSignIn {
  readonly ok: true;
  /** The signed-in user's id. */
  readonly userId: string;
  /** `user_data` exactly as the client sent it (echoed back in `pusher:signin_success`). */
  readonly userData: string;
  /** The user's `user_info`, if given (shared in presence channels). */
  readonly userInfo?: unknown;
  /** Distinct watched user ids, at most {@link MAX_WATCHLIST_SIZE}. */
  readonly watchlist: readonly string[];
  /** The watchlist held more ids than allowed; only the first ones are kept (send error 4302). */
  readonly watchlistTruncated: boolean;
}

/** A refused sign-in, with the message for the `pusher:error` frame. */
export interface RefusedSignIn {
  readonly ok: false;
  /** Why, in words a developer can act on. */
  readonly message: string;
}

/** The outcome of {@link verifySignIn}. */
export type SignInResult = VerifiedSignIn | RefusedSignIn;

const refuse = (message: string): RefusedSignIn => ({ ok: false, message });

/** The `auth` token a client must send to sign in as `userData` on `socketId`. */
export function userAuthToken(app: SignInApp, socketId: string, userData: string): string {
  return expectedToken(app, userAuthStringToSign(socketId, userData));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Verifies the `data` of a `pusher:signin` frame (`{auth, user_data}`) for the connection `socketId`.
 *
 * @example
 * const result = verifySignIn(app, '1.2', { auth, user_data: '{"id":"42"}' });
 * if (result.ok) console.log(result.userId); // '42'
 */
export function verifySignIn(app: SignInApp, socketId: string, data: unknown): SignInResult {
  if (!isRecord(data)) return refuse('Invalid sign-in: data must be an object {auth, user_data}');
  const { auth, user_data: userData } = data;
  if (typeof auth !== 'string' || auth.length === 0) {
    return refuse('Invalid sign-in: auth must be a non-empty string');
  }
  if (typeof userData !== 'string' || userData.length === 0) {
    return refuse('Invalid sign-in: user_data must be a JSON string');
  }
  if (Buffer.byteLength(userData) > MAX_USER_DATA_BYTES) {
    return refuse(`Invalid sign-in: user_data is larger than ${MAX_USER_DATA_BYTES} bytes`);
  }
  if (!verifyToken(app, userAuthStringToSign(socketId, userData), auth)) {
    return refuse(
      `Invalid signature: expected HMAC SHA256 hex digest of ${userAuthStringToSign(socketId, '<user_data>')} signed with the app secret, as "app_key:signature"`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(userData);
  } catch {
    return refuse('Invalid sign-in: user_data is not valid JSON');
  }
  if (!isRecord(parsed)) return refuse('Invalid sign-in: user_data must be a JSON object');
  if (!isValidUserId(parsed['id'])) {
    return refuse('Invalid sign-in: user_data.id must be a non-empty string of at most 128 chars');
  }
  const watchlist = parsed['watchlist'];
  if (watchlist !== undefined && !Array.isArray(watchlist)) {
    return refuse('Invalid sign-in: user_data.watchlist must be an array of user ids');
  }
  const ids = new Set<string>();
  let truncated = false;
  for (const id of (watchlist ?? []) as unknown[]) {
    if (!isValidUserId(id)) {
      return refuse('Invalid sign-in: user_data.watchlist must hold non-empty string user ids');
    }
    if (ids.size >= MAX_WATCHLIST_SIZE) {
      if (!ids.has(id)) truncated = true;
      continue;
    }
    ids.add(id);
  }
  const result: VerifiedSignIn = {
    ok: true,
    userId: parsed['id'],
    userData,
    watchlist: [...ids],
    watchlistTruncated: truncated,
  };
  return 'user_info' in parsed ? { ...result, userInfo: parsed['user_info'] } : result;
}
