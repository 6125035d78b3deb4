/**
 * @module
 * Verifies client-sent auth tokens (`app_key:hex_hmac_sha256`) against the app's key and secret, in
 * constant time. What is signed comes from `@herald/sdk/protocol`; the HMAC from node:crypto.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatAuthToken } from '@herald/sdk/protocol';

/** The credentials a token is checked against. */
export interface Credentials {
  readonly key: string;
  readonly secret: string;
}

/** The token a correct client would send for `stringToSign`. */
export function expectedToken(app: Credentials, stringToSign: string): string {
  const hex = createHmac('sha256', app.secret).update(stringToSign, 'utf8').digest('hex');
  return formatAuthToken(app.key, hex);
}

/** True when `auth` is exactly the token for `stringToSign` (constant-time comparison). */
export function verifyToken(app: Credentials, stringToSign: string, auth: unknown): boolean {
  if (typeof auth !== 'string' || auth.length === 0) return false;
  const expected = Buffer.from(expectedToken(app, stringToSign), 'utf8');
  const given = Buffer.from(auth, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
