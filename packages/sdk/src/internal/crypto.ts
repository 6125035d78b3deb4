/**
 * @module
 * The SDK's cryptography, synchronous and portable. It never implements a primitive itself: it uses
 * the audited, dependency-free @noble/hashes (SHA-256, HMAC, MD5) and @noble/ciphers (NaCl
 * secretbox = XSalsa20-Poly1305), bundled into the build, and — where the runtime offers
 * `process.getBuiltinModule('node:crypto')` (Node ≥ 20.16, Bun, Deno) — Node's native hashes as a
 * fast path, loaded at run time so the sources import no Node built-in.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 bytes, throwing on malformed input. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

interface BufferLike {
  from(
    data: ArrayBufferLike,
    offset: number,
    length: number,
  ): { toString(encoding: 'base64'): string };
}
/** Node's/Bun's/Deno's global `Buffer`, when present: a faster base64 encoder (no import needed). */
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

/** Standard (padded) base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Strict standard-alphabet, padded base64 (the form `is-base64` accepts, as `pusher` checks it). */
export const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes standard base64; the caller validates the format first. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Cryptographically random bytes (Web Crypto's `getRandomValues`, present in every target runtime). */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** Compares two strings in time independent of where they differ (lengths may leak). */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The hash operations the SDK needs; two implementations exist (portable and native). */
export interface HashBackend {
  /** Which implementation this is. */
  readonly name: 'noble' | 'node';
  /** Lowercase hex HMAC-SHA256 of the UTF-8 message, keyed with the UTF-8 secret. */
  hmacSha256Hex(secret: string, message: string): string;
  /** Lowercase hex MD5 of the UTF-8 text. */
  md5Hex(text: string): string;
  /** SHA-256 digest of bytes. */
  sha256(data: Uint8Array): Uint8Array;
}

/** Pure-JS backend: works in every runtime. */
export const nobleBackend: HashBackend = {
  name: 'noble',
  hmacSha256Hex: (secret, message) => toHex(hmac(nobleSha256, utf8(secret), utf8(message))),
  md5Hex: (text) => toHex(nobleMd5(utf8(text))),
  sha256: (data) => nobleSha256(data),
};

interface NodeHash {
  update(data: string | Uint8Array, encoding?: 'utf8'): NodeHash;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
  createHmac(algorithm: string, key: string): NodeHash;
  createHash(algorithm: string): NodeHash;
}
interface ProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

/** Loads node:crypto at run time when the runtime offers it, without a static import. */
function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: ProcessLike }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    if (typeof mod?.createHmac === 'function' && typeof mod.createHash === 'function') {
      return mod as NodeCrypto;
    }
  } catch {
    // A sandbox may forbid the built-in: fall back to the portable backend.
  }
  return undefined;
}

/** Native backend built on node:crypto, or `undefined` when the runtime has none. */
export function createNodeBackend(): HashBackend | undefined {
  const nodeCrypto = loadNodeCrypto();
  if (!nodeCrypto) return undefined;
  return {
    name: 'node',
    hmacSha256Hex: (secret, message) =>
      nodeCrypto.createHmac('sha256', secret).update(message, 'utf8').digest('hex'),
    md5Hex: (text) => nodeCrypto.createHash('md5').update(text, 'utf8').digest('hex'),
    // A Buffer is a Uint8Array: no copy needed.
    sha256: (data) => nodeCrypto.createHash('sha256').update(data).digest(),
  };
}

/** The backend in use: native where available (faster on Node), portable otherwise. */
export const hashes: HashBackend = createNodeBackend() ?? nobleBackend;

/** NaCl `secretbox`: XSalsa20-Poly1305 encryption; returns tag ‖ ciphertext (tweetnacl's layout). */
export function secretboxSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  return xsalsa20poly1305(key, nonce).encrypt(plaintext);
}

/** NaCl `secretbox.open`: throws when the tag does not verify. */
export function secretboxOpen(key: Uint8Array, nonce: Uint8Array, boxed: Uint8Array): Uint8Array {
  return xsalsa20poly1305(key, nonce).decrypt(boxed);
}
