/**
 * @module
 * End-to-end encryption of events on `private-encrypted-` channels (NaCl secretbox under the
 * per-channel key derived from the master key).
 */
import {
  SECRETBOX_NONCE_BYTES,
  sharedSecretInput,
  type EncryptedPayload,
} from './protocol/index.js';
import {
  fromBase64,
  fromUtf8,
  hashes,
  randomBytes,
  secretboxOpen,
  secretboxSeal,
  toBase64,
  utf8,
  STRICT_BASE64,
} from './internal/crypto.js';

// Derived keys, per master key and channel: encrypted channels are authorized and triggered again
// and again. Bounded so a stream of one-off channel names cannot grow it without limit.
const MAX_CACHED_SECRETS = 1024;
const secretCache = new WeakMap<Uint8Array, Map<string, Uint8Array>>();

/** The 32-byte secretbox key of a channel: SHA-256(utf8(channel) ‖ masterKey). */
export function channelSharedSecret(channel: string, masterKey: Uint8Array): Uint8Array {
  let perKey = secretCache.get(masterKey);
  if (!perKey) {
    perKey = new Map();
    secretCache.set(masterKey, perKey);
  }
  const cached = perKey.get(channel);
  if (cached) return cached.slice();
  const secret = hashes.sha256(sharedSecretInput(channel, masterKey));
  if (perKey.size >= MAX_CACHED_SECRETS) perKey.clear();
  perKey.set(channel, secret.slice());
  return secret;
}

/**
 * Encrypts a plaintext string for a channel and returns the event `data` string
 * `{"nonce":"…","ciphertext":"…"}`. `nonce` is for tests only; normally it is random.
 */
export function encryptPayload(
  channel: string,
  masterKey: Uint8Array,
  plaintext: string,
  nonce: Uint8Array = randomBytes(SECRETBOX_NONCE_BYTES),
): string {
  const box = secretboxSeal(channelSharedSecret(channel, masterKey), nonce, utf8(plaintext));
  return JSON.stringify({ nonce: toBase64(nonce), ciphertext: toBase64(box) });
}

/**
 * Decrypts an encrypted event's `data` string back to its plaintext. Throws when the payload is not
 * `{nonce, ciphertext}` base64 or the authentication tag does not verify.
 */
export function decryptPayload(channel: string, masterKey: Uint8Array, data: string): string {
  const payload = JSON.parse(data) as Partial<EncryptedPayload> | null;
  if (
    typeof payload?.nonce !== 'string' ||
    typeof payload.ciphertext !== 'string' ||
    !STRICT_BASE64.test(payload.nonce) ||
    !STRICT_BASE64.test(payload.ciphertext)
  ) {
    throw new Error('Encrypted event data must be {"nonce","ciphertext"} in base64');
  }
  const nonce = fromBase64(payload.nonce);
  if (nonce.length !== SECRETBOX_NONCE_BYTES)
    throw new Error('Encrypted event nonce must be 24 bytes');
  const plain = secretboxOpen(
    channelSharedSecret(channel, masterKey),
    nonce,
    fromBase64(payload.ciphertext),
  );
  return fromUtf8(plain);
}
