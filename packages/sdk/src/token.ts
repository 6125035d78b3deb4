/**
 * @module
 * An app key and secret pair that signs and verifies strings (`pusher`'s `Token`).
 */
import { hashes, timingSafeEqualString } from './internal/crypto.js';

/** An app key and its secret; signs strings with HMAC-SHA256. */
export class Token {
  /** The app key (public). */
  readonly key: string;
  /** The app secret. */
  readonly secret: string;

  /**
   * @param key - The app key.
   * @param secret - The app secret.
   */
  constructor(key: string, secret: string) {
    this.key = key;
    this.secret = secret;
  }

  /** Lowercase hex HMAC-SHA256 of the UTF-8 string, keyed with the secret. */
  sign(data: string): string {
    return hashes.hmacSha256Hex(this.secret, data);
  }

  /** True when `signature` is the signature of `data` (constant-time compare). */
  verify(data: string, signature: string): boolean {
    return typeof signature === 'string' && timingSafeEqualString(this.sign(data), signature);
  }
}
