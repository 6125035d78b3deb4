/**
 * @module
 * Signs webhook bodies: hex HMAC-SHA256 of the exact body bytes with the app secret, the value of
 * the `X-Pusher-Signature` header (header names live in `@herald/sdk/protocol`).
 */
import { createHmac } from 'node:crypto';

/** The `X-Pusher-Signature` value for `body` (a UTF-8 string, signed as sent). */
export function webhookSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}
