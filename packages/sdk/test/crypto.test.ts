// The bundled primitives against published vectors and against node:crypto / tweetnacl on random inputs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes as nodeRandom } from 'node:crypto';
import nacl from 'tweetnacl';
import {
  createNodeBackend,
  nobleBackend,
  hashes,
  secretboxOpen,
  secretboxSeal,
  toHex,
  toBase64,
  fromBase64,
  STRICT_BASE64,
  timingSafeEqualString,
} from '../src/internal/crypto.js';

const nodeBackend = createNodeBackend();
const backends = [nobleBackend, ...(nodeBackend ? [nodeBackend] : [])];

describe('hash backends', () => {
  it('uses the native backend on Node', () => {
    assert.equal(hashes.name, 'node');
  });

  for (const backend of backends) {
    describe(backend.name, () => {
      it('matches NIST SHA-256 and RFC 1321 MD5 vectors', () => {
        assert.equal(
          toHex(backend.sha256(new TextEncoder().encode('abc'))),
          'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        );
        assert.equal(
          toHex(backend.sha256(new Uint8Array())),
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        );
        assert.equal(backend.md5Hex(''), 'd41d8cd98f00b204e9800998ecf8427e');
        assert.equal(backend.md5Hex('message digest'), 'f96b697d7cb7938d525a2f31aaf161d0');
        assert.equal(backend.md5Hex('{}'), '99914b932bd37a50b983c5e7c90ae93b');
      });

      it('matches RFC 4231 HMAC-SHA256 test case 2', () => {
        assert.equal(
          backend.hmacSha256Hex('Jefe', 'what do ya want for nothing?'),
          '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
        );
      });

      it('agrees with node:crypto on random UTF-8 inputs', () => {
        for (let i = 0; i < 200; i++) {
          const secret = String.fromCodePoint(
            ...Array.from({ length: i % 70 }, () => 32 + Math.floor(Math.random() * 0x2000)),
          );
          const msg = String.fromCodePoint(
            ...Array.from({ length: (i * 7) % 300 }, () => 32 + Math.floor(Math.random() * 0x2000)),
          );
          assert.equal(
            backend.hmacSha256Hex(secret, msg),
            createHmac('sha256', secret).update(msg).digest('hex'),
          );
          assert.equal(backend.md5Hex(msg), createHash('md5').update(msg, 'utf8').digest('hex'));
          const bytes = nodeRandom(i * 3);
          assert.equal(
            toHex(backend.sha256(bytes)),
            createHash('sha256').update(bytes).digest('hex'),
          );
        }
      });
    });
  }
});

describe('secretbox', () => {
  it('agrees with tweetnacl on random inputs, both ways', () => {
    for (let i = 0; i < 100; i++) {
      const key = nacl.randomBytes(32);
      const nonce = nacl.randomBytes(24);
      const msg = nacl.randomBytes(i * 13);
      const ours = secretboxSeal(key, nonce, msg);
      assert.deepEqual(Buffer.from(ours), Buffer.from(nacl.secretbox(msg, nonce, key)));
      assert.deepEqual(Buffer.from(secretboxOpen(key, nonce, ours)), Buffer.from(msg));
    }
  });

  it('rejects a tampered box', () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    const box = secretboxSeal(key, nonce, new TextEncoder().encode('hello'));
    box[box.length - 1]! ^= 1;
    assert.throws(() => secretboxOpen(key, nonce, box));
  });
});

describe('encoding helpers', () => {
  it('round-trips base64 and validates the strict form', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = nodeRandom(i);
      const b64 = toBase64(bytes);
      assert.equal(b64, bytes.toString('base64'));
      assert.deepEqual(Buffer.from(fromBase64(b64)), bytes);
      assert.ok(STRICT_BASE64.test(b64));
    }
    assert.equal(STRICT_BASE64.test('abc'), false);
    assert.equal(STRICT_BASE64.test('ab-_'), false);
  });

  it('compares strings exactly', () => {
    assert.equal(timingSafeEqualString('abc', 'abc'), true);
    assert.equal(timingSafeEqualString('abc', 'abd'), false);
    assert.equal(timingSafeEqualString('abc', 'ab'), false);
  });
});
