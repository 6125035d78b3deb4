import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery, verifySignature } from '../../src/http/auth.js';
import { HttpError } from '../../src/http/errors.js';
import { appSchema } from '../../src/config/schema.js';

// Key/secret and vectors from protocol.md §11.1 (the Pusher docs example).
const app = appSchema.parse({
  id: '3',
  key: '278d425bdf160c739803',
  secret: '7ad3773142a6692b25b8',
});
const body = Buffer.from(
  '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}',
);

describe('verifySignature', () => {
  it('accepts the documented vector', () => {
    const query = parseQuery(
      'auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0' +
        '&body_md5=ec365a775a4cd0599faeb73354201b6f' +
        '&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    );
    verifySignature(app, { method: 'POST', path: '/apps/3/events', query, body }, 1353088179);
  });

  it('accepts the GET vector with unescaped values', () => {
    const query = parseQuery(
      'auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0' +
        '&filter_by_prefix=presence-&info=user_count' +
        '&auth_signature=16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291',
    );
    const request = { method: 'GET', path: '/apps/3/channels', query, body: Buffer.alloc(0) };
    verifySignature(app, request, 1353088179 + 600);
    assert.throws(
      () => verifySignature(app, request, 1353088179 + 601),
      (e: unknown) => e instanceof HttpError && e.status === 401 && /expired/.test(e.message),
    );
  });

  it('keeps + literal and percent-decodes values', () => {
    assert.deepEqual(parseQuery('A=1+2&b=%2C&c'), { a: '1+2', b: ',', c: '' });
    assert.throws(() => parseQuery('a=%E0%A4%A'), HttpError);
  });
});
