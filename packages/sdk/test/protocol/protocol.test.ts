import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  channelType,
  channelNameProblem,
  isValidSocketId,
  isValidEventName,
  httpStringToSign,
  authQueryParams,
  channelAuthStringToSign,
  userAuthStringToSign,
  serverToUserId,
  MAX_CHANNEL_NAME_LENGTH,
} from '@herald/sdk/protocol';

const hmac = (secret: string, s: string) => createHmac('sha256', secret).update(s).digest('hex');

describe('channelType', () => {
  it('picks the longest matching prefix', () => {
    assert.deepEqual(channelType('private-encrypted-cache-x'), { kind: 'encrypted', cache: true });
    assert.deepEqual(channelType('private-encrypted-x'), { kind: 'encrypted', cache: false });
    assert.deepEqual(channelType('private-cache-x'), { kind: 'private', cache: true });
    assert.deepEqual(channelType('private-x'), { kind: 'private', cache: false });
    assert.deepEqual(channelType('presence-cache-x'), { kind: 'presence', cache: true });
    assert.deepEqual(channelType('presence-x'), { kind: 'presence', cache: false });
    assert.deepEqual(channelType('cache-x'), { kind: 'public', cache: true });
    assert.deepEqual(channelType('my-channel'), { kind: 'public', cache: false });
    assert.deepEqual(channelType('#server-to-user-42'), { kind: 'server-to-user', cache: false });
  });
  it('extracts the user id of a server-to-user channel', () => {
    assert.equal(serverToUserId('#server-to-user-42'), '42');
    assert.equal(serverToUserId('#server-to-user-'), null);
    assert.equal(serverToUserId('private-x'), null);
  });
});

describe('channelNameProblem', () => {
  it('accepts Laravel-style names and the full charset', () => {
    assert.equal(channelNameProblem('private-App.Models.User.1'), null);
    assert.equal(channelNameProblem('a_b-c=d@e,f.g;h'), null);
  });
  it('refuses empty, too long and bad characters', () => {
    assert.equal(channelNameProblem(''), 'empty');
    assert.equal(channelNameProblem(42), 'empty');
    assert.equal(channelNameProblem('x'.repeat(MAX_CHANNEL_NAME_LENGTH + 1)), 'too-long');
    assert.equal(channelNameProblem('x'.repeat(MAX_CHANNEL_NAME_LENGTH)), null);
    assert.equal(channelNameProblem('has space'), 'invalid-characters');
    assert.equal(channelNameProblem('#server-to-user-1'), 'invalid-characters');
  });
});

describe('identifiers', () => {
  it('checks socket ids and event names', () => {
    assert.ok(isValidSocketId('123.456'));
    assert.ok(!isValidSocketId('123.456x'));
    assert.ok(!isValidSocketId('1.2.3'));
    assert.ok(isValidEventName('App\\Events\\OrderShipped'));
    assert.ok(!isValidEventName(''));
    assert.ok(!isValidEventName('x'.repeat(201)));
  });
});

describe('signing strings (Pusher docs vectors)', () => {
  const secret = '7ad3773142a6692b25b8';
  it('signs the documented POST /events example', () => {
    const params = authQueryParams(
      '278d425bdf160c739803',
      1353088179,
      'ec365a775a4cd0599faeb73354201b6f',
    );
    const toSign = httpStringToSign('post', '/apps/3/events', params);
    assert.equal(
      toSign,
      'POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f',
    );
    assert.equal(
      hmac(secret, toSign),
      'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    );
  });
  it('signs a GET with unescaped params and ignores auth_signature', () => {
    const params = {
      ...authQueryParams('278d425bdf160c739803', 1353088179),
      filter_by_prefix: 'presence-',
      info: 'user_count',
      auth_signature: 'ignored',
    };
    assert.equal(
      hmac(secret, httpStringToSign('GET', '/apps/3/channels', params)),
      '16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291',
    );
  });
  it('builds channel and user auth strings', () => {
    assert.equal(
      hmac(secret, channelAuthStringToSign('1234.1234', 'private-foobar')),
      '58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    );
    assert.equal(
      hmac(
        secret,
        channelAuthStringToSign(
          '1234.1234',
          'presence-foobar',
          '{"user_id":10,"user_info":{"name":"Mr. Pusher"}}',
        ),
      ),
      'afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c',
    );
    assert.equal(
      hmac(secret, userAuthStringToSign('1234.1234', '{"id":"12345"}')),
      '4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
    );
  });
});
