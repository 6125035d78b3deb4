/**
 * @module
 * End-to-end encryption rules for `private-encrypted-*` channels: the master key size, the
 * secretbox nonce size, and how the per-channel key is derived.
 */

/** Bytes an encryption master key must decode to (`openssl rand -base64 32`). */
export const ENCRYPTION_MASTER_KEY_BYTES = 32;

/** Bytes of the random nonce NaCl secretbox (XSalsa20-Poly1305) uses for each encrypted event. */
export const SECRETBOX_NONCE_BYTES = 24;

/** Bytes of the per-channel secretbox key (a SHA-256 digest). */
export const SECRETBOX_KEY_BYTES = 32;

/**
 * The bytes hashed with SHA-256 to derive a channel's secretbox key (its `shared_secret`):
 * `utf8(channelName) ‖ masterKey`, with the *decoded* 32-byte master key (as pusher-http-node, Go,
 * Python and PHP do; pusher-http-swift differs and is not followed).
 */
export function sharedSecretInput(channel: string, masterKey: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(channel);
  const out = new Uint8Array(name.length + masterKey.length);
  out.set(name, 0);
  out.set(masterKey, name.length);
  return out;
}

/** The JSON shape an encrypted event's `data` carries: base64 nonce and base64 secretbox output. */
export interface EncryptedPayload {
  /** Standard base64 of the 24-byte nonce. */
  readonly nonce: string;
  /** Standard base64 of the secretbox output (16-byte Poly1305 tag followed by the ciphertext). */
  readonly ciphertext: string;
}
