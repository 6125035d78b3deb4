// The spec operations beyond the 30 named tests: typed results with attributes, webhook decryption,
// header handling, and the configuration rules.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import Pusher, { ValidationError, WebhookVerificationError } from '@herald/sdk';
import { startFakePusher, type FakePusher } from './helpers/fake-pusher.js';
import { encryptPayload } from '../src/encryption.js';
import { fromBase64 } from '../src/internal/crypto.js';

const MASTER = 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=';
let fake: FakePusher;
let pusher: Pusher;
before(async () => {
  fake = await startFakePusher();
  fake.channels.set('presence-room', { subscriptionCount: 3, users: ['u1', 'u2'] });
  fake.channels.set('public-room', { subscriptionCount: 5, users: [] });
  pusher = new Pusher({
    appId: fake.appId,
    key: fake.key,
    secret: fake.secret,
    host: fake.host,
    port: fake.port,
    encryptionMasterKeyBase64: MASTER,
  });
});
after(() => fake.close());

describe('state queries', () => {
  it('channels() maps attributes and sends the filter', async () => {
    const list = await pusher.channels({
      filterByPrefix: 'presence-',
      attributes: ['user_count', 'subscription_count'],
    });
    assert.deepEqual(list, [{ name: 'presence-room', userCount: 2, subscriptionCount: 3 }]);
    assert.equal(fake.requests.at(-1)!.params['info'], 'user_count,subscription_count');
    assert.equal(fake.requests.at(-1)!.params['filter_by_prefix'], 'presence-');
    assert.equal((await pusher.channels()).length, 2);
  });

  it('channelInfo() and users() return typed values', async () => {
    assert.deepEqual(await pusher.channelInfo('presence-room', { attributes: ['user_count'] }), {
      name: 'presence-room',
      occupied: true,
      userCount: 2,
    });
    assert.deepEqual(await pusher.channelInfo('nobody-here'), {
      name: 'nobody-here',
      occupied: false,
    });
    assert.deepEqual(await pusher.users('presence-room'), [{ id: 'u1' }, { id: 'u2' }]);
  });

  it('refuses invalid channel names before sending', async () => {
    const before = fake.requests.length;
    await assert.rejects(pusher.channelInfo('bad name'), ValidationError);
    await assert.rejects(pusher.users('bad/name'), ValidationError);
    assert.equal(fake.requests.length, before);
  });
});

describe('triggering (spec forms)', () => {
  it('triggerEvent() returns channel attributes when asked and excludes a socket', async () => {
    const result = await pusher.triggerEvent({
      name: 'ev',
      channels: ['presence-room', 'public-room'],
      data: { a: 1 },
      socketId: '1.2',
      attributes: ['subscription_count'],
    });
    assert.deepEqual(result, [
      { name: 'presence-room', subscriptionCount: 3 },
      { name: 'public-room', subscriptionCount: 5 },
    ]);
    const body = JSON.parse(fake.requests.at(-1)!.body);
    assert.deepEqual(body, {
      name: 'ev',
      data: '{"a":1}',
      channels: ['presence-room', 'public-room'],
      socket_id: '1.2',
      info: 'subscription_count',
    });
  });

  it('triggerEvents() returns per-event info and encrypts encrypted channels', async () => {
    const result = await pusher.triggerEvents([
      { name: 'a', channel: 'presence-room', data: 'x', attributes: ['user_count'] },
      { name: 'b', channel: 'private-encrypted-z', data: { secret: true } },
    ]);
    assert.deepEqual(result, [
      { name: 'presence-room', userCount: 2 },
      { name: 'private-encrypted-z' },
    ]);
    const batch = JSON.parse(fake.requests.at(-1)!.body).batch;
    assert.deepEqual(Object.keys(JSON.parse(batch[1].data)), ['nonce', 'ciphertext']);
  });

  it('rejects without channel, with a bad socket id, or with too many channels', async () => {
    await assert.rejects(pusher.triggerEvent({ name: 'e', data: 1 }), ValidationError);
    await assert.rejects(pusher.triggerEvent({ name: 'e', channel: 'a', data: 1, socketId: 'x' }), {
      code: 'invalid_socket_id',
    });
    await assert.rejects(
      pusher.triggerEvent({
        name: 'e',
        channels: Array.from({ length: 101 }, (_, i) => `c${i}`),
        data: 1,
      }),
      { code: 'too_many_channels' },
    );
  });

  it('the drop-in trigger throws synchronously', () => {
    assert.throws(() => void pusher.trigger('a b', 'e', 1), {
      message: "Invalid channel name: 'a b'",
    });
    const noKey = new Pusher({ appId: 1, key: 'k', secret: 's' });
    assert.throws(() => void noKey.trigger('private-encrypted-x', 'e', 1), {
      code: 'encryption_key_missing',
    });
  });
});

describe('verifyWebhook', () => {
  const sign = (body: string, secret = fake.secret) =>
    createHmac('sha256', secret).update(body).digest('hex');

  it('decrypts events on encrypted channels and types every field', () => {
    const data = encryptPayload(
      'private-encrypted-x',
      fromBase64(MASTER),
      JSON.stringify({ hi: 'there' }),
    );
    const body = JSON.stringify({
      time_ms: 5,
      events: [
        {
          name: 'client_event',
          channel: 'private-encrypted-x',
          event: 'client-a',
          data,
          socket_id: '1.1',
          user_id: 'u',
        },
        { name: 'subscription_count', channel: 'public-room', subscription_count: 4 },
      ],
    });
    const headers = new Headers({
      'X-Pusher-Key': fake.key,
      'X-Pusher-Signature': sign(body),
      'Content-Type': 'application/json; charset=utf-8',
    });
    const hook = pusher.verifyWebhook({ headers, body });
    assert.equal(hook.timeMs, 5);
    assert.deepEqual(hook.events[0], {
      name: 'client_event',
      channel: 'private-encrypted-x',
      channelType: 'encrypted',
      event: 'client-a',
      data: '{"hi":"there"}',
      socketId: '1.1',
      userId: 'u',
      decrypted: true,
    });
    assert.equal(hook.events[1]!.subscriptionCount, 4);
  });

  it('accepts extra tokens (key rotation) and rejects tampered or malformed bodies', () => {
    const body = '{"time_ms":1,"events":[]}';
    const rotated = { 'x-pusher-key': 'old', 'x-pusher-signature': sign(body, 'old-secret') };
    assert.throws(() => pusher.verifyWebhook({ headers: rotated, body }), WebhookVerificationError);
    assert.equal(
      pusher.verifyWebhook(
        { headers: rotated, body },
        { extraTokens: [{ key: 'old', secret: 'old-secret' }] },
      ).events.length,
      0,
    );
    const good = { 'x-pusher-key': fake.key, 'x-pusher-signature': sign(body) };
    assert.throws(() => pusher.verifyWebhook({ headers: good, body: body + ' ' }), {
      code: 'signature_header_missing_or_invalid',
    });
    const notJson = 'nope';
    assert.throws(
      () =>
        pusher.verifyWebhook({
          headers: { ...good, 'x-pusher-signature': sign(notJson) },
          body: notJson,
        }),
      { code: 'body_invalid' },
    );
    const badCipher = JSON.stringify({
      time_ms: 1,
      events: [
        {
          name: 'client_event',
          channel: 'private-encrypted-x',
          data: '{"nonce":"AAAA","ciphertext":"AAAA"}',
        },
      ],
    });
    assert.throws(
      () =>
        pusher.verifyWebhook({
          headers: { ...good, 'x-pusher-signature': sign(badCipher) },
          body: badCipher,
        }),
      { code: 'body_invalid' },
    );
  });
});

describe('configuration', () => {
  it('requires appId, key and secret with a clear error that names the field, not the value', () => {
    assert.throws(() => new Pusher({} as never), { code: 'invalid_config', message: /appId/ });
    assert.throws(() => new Pusher({ appId: '1', key: '', secret: 's' }), { message: /`key`/ });
    assert.throws(() => new Pusher({ appId: '1', key: 'k' } as never), { message: /`secret`/ });
  });

  it('never echoes the master key in errors', () => {
    const key = 'c2hvcnQ=';
    try {
      new Pusher({ appId: '1', key: 'k', secret: 's', encryptionMasterKeyBase64: key });
      assert.fail('expected a throw');
    } catch (err) {
      assert.ok(!(err as Error).message.includes(key));
      assert.match((err as Error).message, /decodes to 5 bytes/);
    }
  });

  it('has pusher 5.3.4 defaults: http, api.pusherapp.com, no port, no timeout', () => {
    const p = new Pusher({ appId: '1', key: 'k', secret: 's' });
    assert.equal(p.config.getBaseURL(), 'http://api.pusherapp.com');
    assert.equal(p.config.timeout, undefined);
    assert.equal(
      Pusher.forCluster('eu', { appId: '1', key: 'k', secret: 's' }).config.host,
      'api-eu.pusher.com',
    );
    assert.equal(
      new Pusher({
        appId: '1',
        key: 'k',
        secret: 's',
        cluster: 'ap1',
        useTLS: true,
      }).config.getBaseURL(),
      'https://api-ap1.pusher.com',
    );
  });
});

describe('robustness', () => {
  it('gives clear errors for non-string event names and tolerates missing webhook headers', () => {
    assert.throws(() => void pusher.trigger('a', undefined as never, 1), {
      message: "Invalid event name: 'undefined'",
    });
    const hook = pusher.webhook({ headers: undefined as never, rawBody: '{}' });
    assert.equal(hook.isValid(), false);
    assert.throws(() => pusher.verifyWebhook({ headers: {}, body: '{}' }), {
      code: 'key_header_missing_or_invalid',
    });
  });
});
