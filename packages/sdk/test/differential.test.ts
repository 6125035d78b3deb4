// Differential test: the same calls through the official `pusher` 5.3.4 and through @herald/sdk,
// with the clock fixed, must produce the same method, path, query (so the same signature), body and
// content type at a recording server, and the same auth strings, webhook verdicts, thrown messages
// and error shapes.
import { describe, it, before, after, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import OfficialPusher from 'pusher';
import Pusher, { RequestError } from '@herald/sdk';
import { startFakePusher, type FakePusher, type RecordedRequest } from './helpers/fake-pusher.js';
import { decryptPayload } from '../src/encryption.js';
import { fromBase64 } from '../src/internal/crypto.js';

const MASTER = 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=';

let fake: FakePusher;
let official: OfficialPusher;
let herald: Pusher;

before(async () => {
  fake = await startFakePusher({ appId: '77', key: 'f00d', secret: 'tofu' });
  const opts = {
    appId: fake.appId,
    key: fake.key,
    secret: fake.secret,
    host: fake.host,
    port: String(fake.port),
    encryptionMasterKeyBase64: MASTER,
  };
  official = new OfficialPusher(opts);
  herald = new Pusher(opts);
});
after(() => fake.close());

const FIXED_MS = Math.floor(Date.now() / 1000) * 1000 + 123;
beforeEach(() => {
  mock.method(Date, 'now', () => FIXED_MS);
});
afterEach(() => mock.restoreAll());

type AnyPusher = { [k: string]: (...args: unknown[]) => unknown };

/** Runs `call` on both clients and returns the two requests the server recorded. */
async function both(
  call: (p: AnyPusher) => Promise<unknown>,
): Promise<[RecordedRequest, RecordedRequest]> {
  const start = fake.requests.length;
  await call(official as unknown as AnyPusher);
  await call(herald as unknown as AnyPusher);
  assert.equal(fake.requests.length, start + 2, 'each client sent exactly one request');
  return [fake.requests[start]!, fake.requests[start + 1]!];
}

function assertSameRequest(a: RecordedRequest, b: RecordedRequest) {
  assert.equal(b.method, a.method);
  assert.equal(b.path, a.path);
  assert.equal(b.query, a.query);
  assert.equal(b.body, a.body);
  assert.equal(b.headers['content-type'], a.headers['content-type']);
  assert.equal(b.headers['content-length'], a.headers['content-length']);
}

describe('requests are byte-identical to pusher 5.3.4', () => {
  const cases: Array<[string, (p: AnyPusher) => Promise<unknown>]> = [
    [
      'trigger one channel, object data',
      (p) => p['trigger']!('one', 'my_event', { some: 'data ' }) as Promise<unknown>,
    ],
    [
      'trigger string data',
      (p) => p['trigger']!('one', 'ev', 'already a string') as Promise<unknown>,
    ],
    [
      'trigger several channels',
      (p) => p['trigger']!(['a', 'b-c', 'presence-x'], 'ev', [1, 2, 3]) as Promise<unknown>,
    ],
    [
      'trigger with socket_id and info',
      (p) =>
        p['trigger']!(
          'presence-x',
          'ev',
          { x: 1 },
          { socket_id: '123.456', info: 'user_count,subscription_count' },
        ) as Promise<unknown>,
    ],
    [
      'trigger UTF-8 data',
      (p) => p['trigger']!('one', 'ev', { s: 'ą§¶™€łü€ß£ 😀' }) as Promise<unknown>,
    ],
    [
      'triggerBatch',
      (p) =>
        p['triggerBatch']!([
          { channel: 'integration', name: 'event', data: 'test' },
          {
            channel: 'integration2',
            name: 'event2',
            data: { a: 1 },
            socket_id: '1.2',
            info: 'subscription_count',
          },
        ]) as Promise<unknown>,
    ],
    ['sendToUser', (p) => p['sendToUser']!('user-1', 'ev', { hello: 'world' }) as Promise<unknown>],
    [
      'terminateUserConnections',
      (p) => p['terminateUserConnections']!('user-1') as Promise<unknown>,
    ],
    [
      'get with params',
      (p) =>
        p['get']!({
          path: '/channels',
          params: { filter_by_prefix: 'presence-', info: 'user_count' },
        }) as Promise<unknown>,
    ],
    ['get channel', (p) => p['get']!({ path: '/channels/presence-x/users' }) as Promise<unknown>],
    [
      'post raw',
      (p) =>
        p['post']!({
          path: '/events',
          body: { name: 'x', channels: ['a'], data: '{}' },
        }) as Promise<unknown>,
    ],
  ];
  for (const [name, call] of cases) {
    it(name, async () => {
      const [a, b] = await both(call);
      assertSameRequest(a, b);
    });
  }

  it('encrypted trigger: same shape, both decrypt to the same plaintext with either key derivation', async () => {
    const data = { message: 'hello world', n: 1 };
    const [a, b] = await both(
      (p) => p['trigger']!('private-encrypted-bla', 'ev', data) as Promise<unknown>,
    );
    assert.equal(a.path, b.path);
    const ba = JSON.parse(a.body);
    const bb = JSON.parse(b.body);
    assert.deepEqual(Object.keys(bb), Object.keys(ba));
    assert.deepEqual(bb.channels, ba.channels);
    const key = fromBase64(MASTER);
    assert.equal(
      decryptPayload('private-encrypted-bla', key, bb.data),
      decryptPayload('private-encrypted-bla', key, ba.data),
    );
    assert.deepEqual(
      Buffer.from(herald.channelSharedSecret('private-encrypted-bla')),
      (official as unknown as { channelSharedSecret(c: string): Buffer }).channelSharedSecret(
        'private-encrypted-bla',
      ),
    );
  });

  it('encrypted batch items decrypt the same', async () => {
    const batch = () => [
      { channel: 'private-encrypted-a', name: 'e', data: 'str' },
      { channel: 'b', name: 'e', data: { x: 1 } },
    ];
    const [a, b] = await both((p) => p['triggerBatch']!(batch()) as Promise<unknown>);
    const ia = JSON.parse(a.body).batch;
    const ib = JSON.parse(b.body).batch;
    const key = fromBase64(MASTER);
    assert.equal(
      decryptPayload('private-encrypted-a', key, ib[0].data),
      decryptPayload('private-encrypted-a', key, ia[0].data),
    );
    assert.deepEqual(ib[1], ia[1]);
  });

  it('HTTP errors surface with the same message, status and body', async () => {
    const events = Array.from({ length: 11 }, () => ({ channel: 'c', name: 'e', data: 'd' }));
    const errors: unknown[] = [];
    for (const p of [official, herald] as unknown as AnyPusher[]) {
      errors.push(
        await (p['triggerBatch']!(events) as Promise<unknown>).then(
          () => null,
          (e: unknown) => e,
        ),
      );
    }
    const [ea, eb] = errors as Array<RequestError>;
    assert.ok(eb instanceof RequestError);
    assert.equal(eb.name, ea!.name);
    assert.equal(eb.message, ea!.message);
    assert.equal(eb.status, ea!.status);
    assert.equal(eb.body, ea!.body);
    assert.equal(eb.url, ea!.url);
  });

  it('resolves to a Response with the same status and JSON', async () => {
    const ra = (await official.get({ path: '/channels' })) as unknown as Response;
    const rb = await herald.get({ path: '/channels' });
    assert.equal(rb.status, ra.status);
    assert.deepEqual(await rb.json(), await ra.json());
  });
});

describe('synchronous results are identical', () => {
  it('createSignedQueryString', () => {
    for (const opts of [
      { method: 'get', path: '/apps/77/channels' },
      {
        method: 'POST',
        path: '/x',
        body: 'example body',
        params: { foo: 'bar', Name: 'Something else', n: 5 },
      },
    ]) {
      assert.equal(herald.createSignedQueryString(opts), official.createSignedQueryString(opts));
    }
  });

  it('authorizeChannel / authenticate / authenticateUser', () => {
    const cases: Array<[string, string, unknown?]> = [
      ['123.456', 'private-foo'],
      ['123.456', 'presence-foo', { user_id: 'u1', user_info: { name: 'Ann' } }],
      ['1.1', 'test', 'ą§¶™€łü€ß£'],
      ['1.1', 'private-encrypted-bla', { user_id: '3' }],
      ['1.1', 'private-encrypted-bla'],
    ];
    for (const [s, c, d] of cases) {
      const a = official.authorizeChannel(s, c, d as never);
      const b = herald.authorizeChannel(s, c, d as never);
      assert.equal(JSON.stringify(b), JSON.stringify(a));
      assert.equal(
        JSON.stringify(herald.authenticate(s, c, d as never)),
        JSON.stringify(official.authenticate(s, c, d as never)),
      );
    }
    for (const user of [{ id: '1' }, { id: 'ą', user_info: { a: 1 }, watchlist: ['2'] }]) {
      assert.equal(
        JSON.stringify(herald.authenticateUser('9.9', user)),
        JSON.stringify(official.authenticateUser('9.9', user)),
      );
    }
  });

  it('webhook verdicts and data', () => {
    const body =
      '{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}';
    const sig = herald.config.token.sign(body);
    const variants: Array<{ headers: Record<string, string>; rawBody: string }> = [
      {
        headers: {
          'x-pusher-key': 'f00d',
          'x-pusher-signature': sig,
          'content-type': 'application/json',
        },
        rawBody: body,
      },
      {
        headers: {
          'x-pusher-key': 'f00d',
          'x-pusher-signature': sig,
          'content-type': 'application/json; charset=utf-8',
        },
        rawBody: body,
      },
      {
        headers: {
          'x-pusher-key': 'nope',
          'x-pusher-signature': sig,
          'content-type': 'application/json',
        },
        rawBody: body,
      },
      {
        headers: {
          'x-pusher-key': 'f00d',
          'x-pusher-signature': sig.replace(/.$/, '0'),
          'content-type': 'application/json',
        },
        rawBody: body,
      },
      {
        headers: {
          'x-pusher-key': 'f00d',
          'x-pusher-signature': sig,
          'content-type': 'application/json',
        },
        rawBody: '{not json',
      },
      { headers: { 'x-pusher-key': 'f00d', 'content-type': 'application/json' }, rawBody: body },
      {
        headers: {
          'X-Pusher-Key': 'f00d',
          'X-Pusher-Signature': sig,
          'Content-Type': 'application/json',
        },
        rawBody: body,
      },
    ];
    const extra = { key: 'rotated', secret: 'other' };
    const rotatedSig = new Pusher({ appId: 1, key: 'rotated', secret: 'other' }).config.token.sign(
      body,
    );
    variants.push({
      headers: {
        'x-pusher-key': 'rotated',
        'x-pusher-signature': rotatedSig,
        'content-type': 'application/json',
      },
      rawBody: body,
    });
    for (const v of variants) {
      const a = official.webhook(v);
      const b = herald.webhook(v);
      // `pusher` throws a TypeError when the signature header is missing; Herald answers false.
      const verdict = (fn: () => boolean) => {
        try {
          return fn();
        } catch {
          return false;
        }
      };
      assert.equal(
        b.isValid(),
        verdict(() => a.isValid()),
      );
      assert.equal(
        b.isValid(extra),
        verdict(() => a.isValid(extra)),
      );
      assert.equal(
        b.isValid([extra]),
        verdict(() => a.isValid([extra])),
      );
      assert.equal(b.isBodyValid(), a.isBodyValid());
      assert.equal(b.isContentTypeValid(), a.isContentTypeValid());
      if (a.isBodyValid()) {
        assert.deepEqual(b.getData(), a.getData());
        assert.deepEqual(b.getEvents(), a.getEvents());
        assert.equal(b.getTime().getTime(), a.getTime().getTime());
      } else {
        const ea = captureError(() => a.getData());
        const eb = captureError(() => b.getData());
        assert.equal(eb.name, ea.name);
        assert.equal(eb.message, ea.message);
      }
    }
  });

  it('validation errors: thrown synchronously with the same messages', () => {
    const calls: Array<(p: AnyPusher) => unknown> = [
      (p) => p['trigger']!('bad channel!', 'e', {}),
      (p) => p['trigger']!('x'.repeat(201), 'e', {}),
      (p) => p['trigger']!('ok', 'e'.repeat(201), {}),
      (p) =>
        p['trigger']!(
          Array.from({ length: 101 }, (_, i) => `c${i}`),
          'e',
          {},
        ),
      (p) => p['trigger']!('ok', 'e', {}, { socket_id: 'nope' }),
      (p) => p['trigger']!(['private-encrypted-a', 'b'], 'e', {}),
      (p) => p['trigger']!('', 'e', {}),
      (p) => p['authorizeChannel']!('1.1', 'bad channel'),
      (p) => p['authorizeChannel']!('bad', 'private-a'),
      (p) => p['authenticateUser']!('1.1', null),
      (p) => p['authenticateUser']!('1.1', { id: '' }),
      (p) => p['sendToUser']!('', 'e', {}),
      (p) => p['sendToUser']!('u', 'e'.repeat(201), {}),
      (p) => p['terminateUserConnections']!(''),
      (p) => p['createSignedQueryString']!({ method: 'GET', path: '/', params: { body_md5: 'x' } }),
    ];
    for (const call of calls) {
      const ea = captureError(() => call(official as unknown as AnyPusher));
      const eb = captureError(() => call(herald as unknown as AnyPusher));
      assert.equal(eb.message, ea.message);
    }
    const noKeyA = new OfficialPusher({ appId: '1', key: 'k', secret: 's' } as never);
    const noKeyB = new Pusher({ appId: '1', key: 'k', secret: 's' });
    assert.equal(
      captureError(() => noKeyB.trigger('private-encrypted-x', 'e', 1)).message,
      captureError(() => noKeyA.trigger('private-encrypted-x', 'e', 1)).message,
    );
    assert.equal(
      captureError(() => noKeyB.authorizeChannel('1.1', 'private-encrypted-x')).message,
      captureError(() => noKeyA.authorizeChannel('1.1', 'private-encrypted-x')).message,
    );
  });

  it('constructor options resolve the same (defaults, forURL, forCluster, bad master keys)', () => {
    const creds = { appId: '1', key: 'k', secret: 's' };
    const pick = (p: {
      config: { scheme: string; host: string; port?: unknown; appId: unknown; timeout?: unknown };
    }) => ({
      scheme: p.config.scheme,
      host: p.config.host,
      port: p.config.port,
      appId: p.config.appId,
      timeout: p.config.timeout,
      base: (p.config as unknown as { getBaseURL(): string }).getBaseURL(),
    });
    const pairs: Array<[unknown, unknown]> = [
      [new OfficialPusher(creds as never), new Pusher(creds)],
      [
        new OfficialPusher({ ...creds, cluster: 'eu', useTLS: true, timeout: 5 }),
        new Pusher({ ...creds, cluster: 'eu', useTLS: true, timeout: 5 }),
      ],
      [
        new OfficialPusher({ ...creds, host: 'h', port: '99' }),
        new Pusher({ ...creds, host: 'h', port: '99' }),
      ],
      [
        OfficialPusher.forURL('https://k:s@api.example.com:8443/apps/42'),
        Pusher.forURL('https://k:s@api.example.com:8443/apps/42'),
      ],
      [
        OfficialPusher.forURL('http://k:s@localhost/apps/7', { timeout: 3 }),
        Pusher.forURL('http://k:s@localhost/apps/7', { timeout: 3 }),
      ],
      [
        OfficialPusher.forCluster('mt1', { ...creds, host: 'ignored' } as never),
        Pusher.forCluster('mt1', { ...creds, host: 'ignored' }),
      ],
    ];
    for (const [a, b] of pairs) assert.deepEqual(pick(b as never), pick(a as never));
    for (const bad of ['abc', 'AAAA', 'zyrm8pvV2C9fJcBfhyXzvxbJVN_H7QLmbe0xJi1GhPU=', 123]) {
      const ea = captureError(
        () => new OfficialPusher({ ...creds, encryptionMasterKeyBase64: bad as string } as never),
      );
      const eb = captureError(
        () => new Pusher({ ...creds, encryptionMasterKeyBase64: bad as string }),
      );
      assert.equal(eb.message, ea.message);
    }
    const both = captureError(() => new Pusher({ ...creds, useTLS: true, encrypted: true }));
    assert.equal(
      both.message,
      captureError(() => new OfficialPusher({ ...creds, useTLS: true, encrypted: true } as never))
        .message,
    );
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected a synchronous throw');
}
