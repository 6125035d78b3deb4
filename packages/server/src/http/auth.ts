/**
 * @module
 * Verifies a signed HTTP API request exactly as Pusher signs it (protocol.md §11.1): auth_key is the
 * app's key, auth_version 1.0, auth_timestamp within the tolerance, body_md5 matches a non-empty body,
 * and auth_signature is the HMAC-SHA256 of the string to sign, compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  AUTH_TIMESTAMP_TOLERANCE_SECONDS,
  AUTH_VERSION,
  httpStringToSign,
} from '@herald/sdk/protocol';
import type { App } from '../apps/app-store.js';
import { HttpError } from './errors.js';

/** What a signature check needs from the request. */
export interface SignedRequest {
  /** HTTP method. */
  readonly method: string;
  /** The raw path as requested (`/apps/{id}/...`), not decoded. */
  readonly path: string;
  /** Decoded query parameters (keys lower-cased). */
  readonly query: Readonly<Record<string, string>>;
  /** The raw body bytes (empty for GET). */
  readonly body: Buffer;
}

/**
 * Parses a raw query string the way Pusher signs it: `+` stays `+` and values are percent-decoded.
 * Keys are lower-cased; a repeated key keeps its last value.
 */
export function parseQuery(raw: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (!raw) return params;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    try {
      params[decodeURIComponent(key).toLowerCase()] = decodeURIComponent(value);
    } catch {
      throw new HttpError(400, `Malformed query parameter "${key}"`);
    }
  }
  return params;
}

function safeEqualHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Throws a 401 {@link HttpError} unless `request` is correctly signed for `app`.
 *
 * @param nowSeconds - The current Unix time (injectable for tests).
 */
export function verifySignature(
  app: App,
  request: SignedRequest,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): void {
  const { query } = request;
  if (query['auth_key'] !== app.key) throw new HttpError(401, 'Unknown auth_key');
  if (query['auth_version'] !== AUTH_VERSION)
    throw new HttpError(401, `auth_version must be ${AUTH_VERSION}`);
  const timestamp = Number(query['auth_timestamp']);
  if (!query['auth_timestamp'] || !Number.isInteger(timestamp))
    throw new HttpError(401, 'Missing or invalid auth_timestamp');
  if (Math.abs(nowSeconds - timestamp) > AUTH_TIMESTAMP_TOLERANCE_SECONDS)
    throw new HttpError(
      401,
      `Timestamp expired: given timestamp (${timestamp}) not within ${AUTH_TIMESTAMP_TOLERANCE_SECONDS}s of server time (${nowSeconds})`,
    );
  const givenMd5 = query['body_md5'];
  if (request.body.length > 0 || givenMd5 !== undefined) {
    if (givenMd5 === undefined) throw new HttpError(401, 'Missing body_md5');
    const actual = createHash('md5').update(request.body).digest('hex');
    if (!safeEqualHex(actual, givenMd5.toLowerCase()))
      throw new HttpError(401, 'body_md5 does not match the body');
  }
  const signature = query['auth_signature'];
  if (!signature) throw new HttpError(401, 'Missing auth_signature');
  const expected = createHmac('sha256', app.secret)
    .update(httpStringToSign(request.method, request.path, query))
    .digest('hex');
  if (!safeEqualHex(expected, signature.toLowerCase()))
    throw new HttpError(401, 'Invalid signature');
}
