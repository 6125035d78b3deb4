/**
 * @module
 * The exact strings that get signed with HMAC-SHA256 and the app secret. Signing itself is done by
 * whoever holds a hash implementation (the SDK's bundled one, or node:crypto in the server); these
 * builders are the one definition of *what* is signed.
 */
import { AUTH_VERSION } from './limits.js';

/** Query parameters the signing scheme owns; user parameters may not use these names. */
export const RESERVED_QUERY_PARAMS = [
  'auth_key',
  'auth_timestamp',
  'auth_version',
  'auth_signature',
  'body_md5',
] as const;

/** A flat query-parameter map as it is signed (values already in their string form). */
export type SignedParams = Readonly<Record<string, string>>;

/**
 * Joins query parameters the way Pusher signs them: sorted by key (plain string order), `key=value`
 * joined with `&`, and **not** URL-escaped. `auth_signature` is never part of it.
 */
export function canonicalQueryString(params: SignedParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'auth_signature')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/**
 * The string signed for an HTTP API request: `METHOD\npath\ncanonical-query`.
 *
 * @param method - HTTP method (upper-cased here).
 * @param path - The full path, `/apps/{app_id}/...`.
 * @param params - Every query parameter except `auth_signature`.
 */
export function httpStringToSign(method: string, path: string, params: SignedParams): string {
  return `${method.toUpperCase()}\n${path}\n${canonicalQueryString(params)}`;
}

/** The auth parameters an HTTP API request carries before its signature. */
export function authQueryParams(
  key: string,
  timestampSeconds: number,
  bodyMd5?: string,
): Record<string, string> {
  const params: Record<string, string> = {
    auth_key: key,
    auth_timestamp: String(timestampSeconds),
    auth_version: AUTH_VERSION,
  };
  if (bodyMd5 !== undefined) params['body_md5'] = bodyMd5;
  return params;
}

/**
 * The string signed to authorize a private, encrypted or presence channel subscription:
 * `socket_id:channel` or, for presence, `socket_id:channel:channel_data` (the exact JSON string sent).
 */
export function channelAuthStringToSign(
  socketId: string,
  channel: string,
  channelData?: string,
): string {
  return channelData === undefined
    ? `${socketId}:${channel}`
    : `${socketId}:${channel}:${channelData}`;
}

/** The string signed to authenticate a user (`pusher:signin`): `socket_id::user::user_data`. */
export function userAuthStringToSign(socketId: string, userData: string): string {
  return `${socketId}::user::${userData}`;
}

/** Formats an auth token the way clients send it: `app_key:hex_signature`. */
export function formatAuthToken(key: string, hexSignature: string): string {
  return `${key}:${hexSignature}`;
}
