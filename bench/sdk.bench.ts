// @herald/sdk vs the official `pusher` 5.3.4, same inputs, same run: channel authorization
// (private, presence), webhook verification, trigger request building (validation, body, MD5,
// signature — the transport is stubbed out), plus the hash backends (native vs portable).
import OfficialPusher from 'pusher';
import Pusher from '@herald/sdk';
import { nobleBackend, createNodeBackend } from '../packages/sdk/src/internal/crypto.js';
import { compare, fmt, type Case } from './harness.js';

interface Pair {
  name: string;
  herald: () => unknown;
  pusher: () => unknown;
}

/** Runs the SDK benchmark and prints one line per case with the herald/pusher ratio. */
export function run(): Promise<void> {
  const opts = {
    appId: '1',
    key: 'app-key',
    secret: 'app-secret-0123456789',
    host: '127.0.0.1',
    encryptionMasterKeyBase64: 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=',
  };
  const herald = new Pusher(opts);
  const official = new OfficialPusher(opts);

  // Stub the transport on both: `trigger` then measures everything up to the signed URL.
  type Post = { path: string; body: unknown };
  (herald as unknown as { post: (o: Post) => unknown }).post = (o) =>
    herald.createSignedQueryString({
      method: 'POST',
      path: `/apps/1${o.path}`,
      body: JSON.stringify(o.body),
    });
  (official as unknown as { post: (o: Post) => unknown }).post = (o) =>
    official.createSignedQueryString({
      method: 'POST',
      path: `/apps/1${o.path}`,
      body: JSON.stringify(o.body),
    });

  const presence = { user_id: 'user-42', user_info: { name: 'Ada Lovelace', role: 'admin' } };
  const rawBody = JSON.stringify({
    time_ms: 1700000000000,
    events: [{ name: 'member_added', channel: 'presence-room-1', user_id: 'user-42' }],
  });
  const headers = {
    'x-pusher-key': opts.key,
    'x-pusher-signature': herald.config.token.sign(rawBody),
    'content-type': 'application/json',
  };
  const data = { message: 'hello world', from: 'user-42', at: 1700000000000, tags: ['a', 'b'] };

  const pairs: Pair[] = [
    {
      name: 'authorizeChannel private',
      herald: () => herald.authorizeChannel('1234.5678', 'private-room-1'),
      pusher: () => official.authorizeChannel('1234.5678', 'private-room-1'),
    },
    {
      name: 'authorizeChannel presence',
      herald: () => herald.authorizeChannel('1234.5678', 'presence-room-1', presence),
      pusher: () => official.authorizeChannel('1234.5678', 'presence-room-1', presence),
    },
    {
      name: 'authorizeChannel encrypted',
      herald: () => herald.authorizeChannel('1234.5678', 'private-encrypted-room-1'),
      pusher: () => official.authorizeChannel('1234.5678', 'private-encrypted-room-1'),
    },
    {
      name: 'webhook verify (isValid)',
      herald: () => herald.webhook({ headers, rawBody }).isValid(),
      pusher: () => official.webhook({ headers, rawBody }).isValid(),
    },
    {
      name: 'trigger request build',
      herald: () => herald.trigger('room-1', 'message', data, { socket_id: '1234.5678' }),
      pusher: () => official.trigger('room-1', 'message', data, { socket_id: '1234.5678' }),
    },
    {
      name: 'trigger request build (encrypted)',
      herald: () => herald.trigger('private-encrypted-room-1', 'message', data),
      pusher: () => official.trigger('private-encrypted-room-1', 'message', data),
    },
  ];

  console.log(
    '\n@herald/sdk vs pusher 5.3.4 (best of 5 alternating rounds, ops/s; ratio = herald / pusher)',
  );
  console.log(
    `${'case'.padEnd(36)}${'herald'.padStart(14)}${'pusher'.padStart(14)}${'ratio'.padStart(9)}`,
  );
  for (const p of pairs) {
    const [h, o] = compare({ name: p.name, fn: p.herald }, { name: p.name, fn: p.pusher });
    console.log(
      `${p.name.padEnd(36)}${fmt(h.opsPerSec).padStart(14)}${fmt(o.opsPerSec).padStart(14)}${(h.opsPerSec / o.opsPerSec).toFixed(2).padStart(8)}x`,
    );
  }

  const node = createNodeBackend();
  if (node) {
    const msg =
      '1234.5678:presence-room-1:{"user_id":"user-42","user_info":{"name":"Ada Lovelace"}}';
    const cases: Array<[string, Case, Case]> = [
      [
        'HMAC-SHA256 (short message)',
        { name: 'node', fn: () => node.hmacSha256Hex(opts.secret, msg) },
        { name: 'noble', fn: () => nobleBackend.hmacSha256Hex(opts.secret, msg) },
      ],
      [
        'MD5 (1 KB body)',
        { name: 'node', fn: () => node.md5Hex('x'.repeat(1024)) },
        { name: 'noble', fn: () => nobleBackend.md5Hex('x'.repeat(1024)) },
      ],
    ];
    console.log('\nhash backends (ops/s; ratio = native node:crypto / portable @noble)');
    for (const [name, a, b] of cases) {
      const [ra, rb] = compare(a, b);
      console.log(
        `${name.padEnd(36)}${fmt(ra.opsPerSec).padStart(14)}${fmt(rb.opsPerSec).padStart(14)}${(ra.opsPerSec / rb.opsPerSec).toFixed(2).padStart(8)}x`,
      );
    }
  }
  return Promise.resolve();
}
