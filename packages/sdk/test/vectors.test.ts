// Published and computed vectors from research/sdk.md: signing, auth, user auth, webhooks, encryption.
import { describe, it, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import Pusher from '@herald/sdk';
import { encryptPayload, decryptPayload, channelSharedSecret } from '../src/encryption.js';
import { fromBase64, toHex, utf8 } from '../src/internal/crypto.js';

afterEach(() => mock.restoreAll());

describe('REST request signing vectors', () => {
  it('matches the HTTP API docs worked example', () => {
    mock.method(Date, 'now', () => 1353088179 * 1000);
    const pusher = new Pusher({
      appId: '3',
      key: '278d425bdf160c739803',
      secret: '7ad3773142a6692b25b8',
    });
    const qs = pusher.createSignedQueryString({
      method: 'POST',
      path: '/apps/3/events',
      body: '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}',
    });
    assert.equal(
      qs,
      'auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f' +
        '&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    );
  });

  it('matches pusher-http-node create_signed_query_string vectors', () => {
    mock.method(Date, 'now', () => 1234567890000);
    const pusher = new Pusher({ appId: '1', key: 'f00d', secret: 'tofu' });
    const withBody = pusher.createSignedQueryString({
      method: 'GET',
      path: '/event',
      body: 'example body',
    });
    assert.match(withBody, /body_md5=165d5e6d7ca8f73b3853ce45addf42fc/);
    assert.match(
      withBody,
      /auth_signature=a650196dc427ebe837226f8565ca9232198c6d1b9455eaa72374a9dc0b620e7b$/,
    );
    const withParams = pusher.createSignedQueryString({
      method: 'GET',
      path: '/event',
      params: { foo: 'bar', baz: 123454321 },
    });
    assert.equal(
      withParams,
      'auth_key=f00d&auth_timestamp=1234567890&auth_version=1.0&baz=123454321&foo=bar' +
        '&auth_signature=d8bdbd31911fb7400a14fbd36fd7de053494725b64400ae5856deafe304b34a9',
    );
  });

  it("refuses reserved params with pusher's message", () => {
    const pusher = new Pusher({ appId: '1', key: 'f00d', secret: 'tofu' });
    assert.throws(
      () =>
        pusher.createSignedQueryString({
          method: 'GET',
          path: '/x',
          params: { auth_key: 'x' } as never,
        }),
      { message: 'auth_key is a required parameter and cannot be overidden' },
    );
  });
});

describe('channel authorization vectors', () => {
  const docs = new Pusher({
    appId: '1',
    key: '278d425bdf160c739803',
    secret: '7ad3773142a6692b25b8',
  });
  it('signs the docs private and presence examples', () => {
    assert.deepEqual(docs.authorizeChannel('1234.1234', 'private-foobar'), {
      auth: '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    });
    const presence = docs.authorizeChannel('1234.1234', 'presence-foobar', {
      user_id: 10 as unknown as string,
      user_info: { name: 'Mr. Channels' },
    });
    assert.equal(
      presence.auth,
      '278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80',
    );
    assert.equal(presence.channel_data, '{"user_id":10,"user_info":{"name":"Mr. Channels"}}');
  });

  it('signs pusher-http-node authenticate.js vectors (UTF-8 included)', () => {
    const p = new Pusher({ appId: '1', key: 'aaaa', secret: 'tofu' });
    assert.equal(
      p.authorizeChannel('123.456', 'test').auth,
      'aaaa:efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c',
    );
    const withData = p.authorizeChannel('123.456', 'test', { foo: 'bar' } as never);
    assert.deepEqual(withData, {
      channel_data: '{"foo":"bar"}',
      auth: 'aaaa:f41faf9ead2ea76772cc6b1168363057459f02499ae4d92e88229dc7f4efa2d4',
    });
    assert.equal(
      p.authorizeChannel('1.1', 'test', 'ą§¶™€łü€ß£' as never).auth,
      'aaaa:2a229263e89d9c50524fd80c2e88be2843379f6931e28995e2cc214282c9db0c',
    );
    // eslint-disable-next-line @typescript-eslint/unbound-method -- identity check only.
    assert.equal(p.authenticate, p.authorizeChannel);
  });

  it('returns the shared_secret vector for encrypted channels', () => {
    const p = new Pusher({
      appId: '1',
      key: 'f00d',
      secret: 'tofu',
      encryptionMasterKeyBase64: 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=',
    });
    assert.deepEqual(p.authorizeChannel('123.456', 'private-encrypted-bla', 'foo' as never), {
      channel_data: '"foo"',
      auth: 'f00d:962c48b78bf93d98ff4c92ee7dff04865821455b7b401e9d60a9e0a90af2c105',
      shared_secret: 'nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=',
    });
  });
});

describe('user authentication vectors', () => {
  it('matches the docs and pusher-http-node vectors', () => {
    const docs = new Pusher({
      appId: '1',
      key: '278d425bdf160c739803',
      secret: '7ad3773142a6692b25b8',
    });
    assert.deepEqual(docs.authenticateUser('1234.1234', { id: '12345' }), {
      auth: '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
      user_data: '{"id":"12345"}',
    });
    const p = new Pusher({ appId: '1', key: 'aaaa', secret: 'tofu' });
    assert.equal(
      p.authenticateUser('123.456', { id: '45678' }).auth,
      'aaaa:f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd',
    );
    assert.equal(
      p.authenticateUser('1.1', { id: 'ą§¶™€łü€ß£' }).auth,
      'aaaa:620494cee53d6c568b49598313194088afda37218f0d059af03c0c898ed61ff4',
    );
  });
});

describe('webhook vectors', () => {
  it('accepts the pusher-http-node webhook vector', () => {
    const p = new Pusher({ appId: '1', key: '123456789', secret: 'tofu' });
    const rawBody =
      '{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}';
    const headers = {
      'x-pusher-key': '123456789',
      'x-pusher-signature': 'c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5',
      'content-type': 'application/json',
    };
    const hook = p.webhook({ headers, rawBody });
    assert.equal(hook.isValid(), true);
    assert.equal(hook.getTime().getTime(), 1403175510755);
    assert.deepEqual(hook.getEvents(), [{ channel: 'test_channel', name: 'channel_vacated' }]);
    const verified = p.verifyWebhook({ headers, body: rawBody });
    assert.equal(verified.events[0]?.name, 'channel_vacated');
  });

  it('accepts the Go vector and the spec fixture', () => {
    const go = new Pusher({ appId: '1', key: 'key', secret: 'secret' });
    assert.equal(
      go
        .webhook({
          headers: {
            'x-pusher-key': 'key',
            'x-pusher-signature':
              '2677ad3e7c090b2fa2c0fb13020d66d5420879b8316eb356a2d60fb9073bc778',
            'content-type': 'application/json',
          },
          rawBody: '{"hello":"world"}',
        })
        .isValid(),
      true,
    );
    const p = new Pusher({ appId: '1', key: 'aaaa', secret: 'tofu' });
    const body =
      '{"time_ms":1619602993000,"events":[{"name":"channel_occupied","channel":"my-channel"}]}';
    const hook = p.verifyWebhook({
      headers: {
        'X-Pusher-Key': 'aaaa',
        'X-Pusher-Signature': 'b47c197654cff6c1a1786439a8072e14e368980ed86b3174f3e55e166fee49f5',
      },
      body,
    });
    assert.equal(hook.createdAt.getTime(), 1619602993000);
  });
});

describe('end-to-end encryption vectors', () => {
  it('matches the pusher-http-python fixed-nonce vector (raw string plaintext)', () => {
    const master = utf8('OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5');
    const channel = 'pvUPIk0YG6MnxCEMIUUVFrbDmQwbhICXUcy';
    assert.equal(
      toHex(channelSharedSecret(channel, master)),
      '709ef3090a24bfa98382cb5d025ca3622c82d31fa27f10b005c0dca27bae6516',
    );
    const data = encryptPayload(
      channel,
      master,
      'kkkT5OOkOkO5kT5TOO5TkOT5TTk5O55T',
      utf8('XAJI0Y6DPBHSAHXTHV3A3ZMF'),
    );
    assert.equal(
      data,
      '{"nonce":"WEFKSTBZNkRQQkhTQUhYVEhWM0EzWk1G","ciphertext":"tsYJa2JgGDOpVIYFe4aNVWAvZlpB7z7CjN9mpIdbATE0Yc4izN8aM8D6VigBxnIQ"}',
    );
    assert.equal(decryptPayload(channel, master, data), 'kkkT5OOkOkO5kT5TOO5TkOT5TTk5O55T');
    // Node semantics: the JSON-encoded plaintext.
    const nodeForm = JSON.parse(
      encryptPayload(
        channel,
        master,
        JSON.stringify('kkkT5OOkOkO5kT5TOO5TkOT5TTk5O55T'),
        utf8('XAJI0Y6DPBHSAHXTHV3A3ZMF'),
      ),
    );
    assert.equal(
      nodeForm.ciphertext,
      'sPIFlkdH1uFHXWF2kDU+RSkvZmUglT7mqPtC3tlkYFAvYbRD8/sBUqH6aXZ7vHJxtRE=',
    );
  });

  it('matches the zero-nonce vector', () => {
    const master = fromBase64('zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=');
    assert.equal(
      encryptPayload(
        'private-encrypted-bla',
        master,
        JSON.stringify({ message: 'hello world' }),
        new Uint8Array(24),
      ),
      '{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"gw9MxBj7AT7AoFvWYZnp25w2jNe+WIGTZ8QffYyASMTdHR9nV6i/sBY="}',
    );
  });

  it('derives the spec fixture shared secret (Node algorithm)', () => {
    const p = new Pusher({
      appId: '1',
      key: 'aaaa',
      secret: 'tofu',
      encryptionMasterKeyBase64: 'hsRSqt4JEOd4bu2ww+F7e94BZsMBmELIUMHfhpTml2w=',
    });
    const auth = p.authorizeChannel('123.456', 'private-encrypted-my-channel');
    assert.equal(
      auth.auth,
      'aaaa:c92129403ca0ffe0c5ee6b212bc5735c51c68d071d5488e73daee3d15f7369e7',
    );
    assert.equal(auth.shared_secret, '/bSIwjuvB05J66qC+E+BX/1p/X7Ti6iIhQRIYY2RDY0=');
  });
});
