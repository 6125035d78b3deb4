import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Pusher from 'pusher';
import { MAX_WATCHLIST_SIZE } from '@herald/sdk/protocol';
import { MAX_USER_DATA_BYTES, userAuthToken, verifySignIn } from '../../src/users/signin.js';

const app = { key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };
const socketId = '1234.1234';
const sign = (userData: string, socket = socketId) => ({
  auth: userAuthToken(app, socket, userData),
  user_data: userData,
});

describe('verifySignIn', () => {
  it('matches the documented user-auth vector', () => {
    assert.equal(
      userAuthToken(app, socketId, '{"id":"12345"}'),
      '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
    );
  });

  it('accepts what the official pusher SDK authenticateUser produces', () => {
    const pusher = new Pusher({ appId: '1', key: app.key, secret: app.secret, host: '127.0.0.1' });
    const token = pusher.authenticateUser(socketId, {
      id: '42',
      user_info: { name: 'Ann' },
      watchlist: ['1', '2'],
    });
    const result = verifySignIn(app, socketId, token);
    assert.ok(result.ok);
    assert.equal(result.userId, '42');
    assert.equal(result.userData, token.user_data);
    assert.deepEqual(result.userInfo, { name: 'Ann' });
    assert.deepEqual(result.watchlist, ['1', '2']);
    assert.equal(result.watchlistTruncated, false);
  });

  it('refuses a signature made for another socket id', () => {
    const result = verifySignIn(app, socketId, sign('{"id":"1"}', '1.1'));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /^Invalid signature/);
  });

  it('refuses a signature with the wrong key prefix or secret', () => {
    const token = sign('{"id":"1"}');
    const hex = token.auth.split(':')[1];
    assert.equal(verifySignIn(app, socketId, { ...token, auth: `other:${hex}` }).ok, false);
    const other = userAuthToken({ key: app.key, secret: 'wrong' }, socketId, '{"id":"1"}');
    assert.equal(verifySignIn(app, socketId, { ...token, auth: other }).ok, false);
  });

  it('verifies the exact user_data string, not a re-serialisation', () => {
    const token = sign('{ "id" : "1" }');
    assert.ok(verifySignIn(app, socketId, token).ok);
    assert.equal(verifySignIn(app, socketId, { ...token, user_data: '{"id":"1"}' }).ok, false);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['a non-object data', 'x', /data must be an object/],
    ['an array data', [], /data must be an object/],
    ['a missing auth', { user_data: '{"id":"1"}' }, /auth must be/],
    [
      'a non-string user_data',
      { auth: 'k:x', user_data: { id: '1' } },
      /user_data must be a JSON string/,
    ],
    [
      'oversized user_data',
      { auth: 'k:x', user_data: 'x'.repeat(MAX_USER_DATA_BYTES + 1) },
      /larger than/,
    ],
  ];
  for (const [what, data, message] of refused) {
    it(`refuses ${what}`, () => {
      const result = verifySignIn(app, socketId, data);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : '', message);
    });
  }

  const badUserData: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"id":', /not valid JSON/],
    ['a JSON array', '["1"]', /must be a JSON object/],
    ['no id', '{"name":"x"}', /id must be a non-empty string/],
    ['a numeric id', '{"id":12}', /id must be a non-empty string/],
    ['an empty id', '{"id":""}', /id must be a non-empty string/],
    ['a too long id', JSON.stringify({ id: 'x'.repeat(129) }), /at most 128/],
    ['a non-array watchlist', '{"id":"1","watchlist":"2"}', /watchlist must be an array/],
    ['a watchlist with numbers', '{"id":"1","watchlist":[2]}', /non-empty string user ids/],
  ];
  for (const [what, userData, message] of badUserData) {
    it(`refuses correctly signed user_data with ${what}`, () => {
      const result = verifySignIn(app, socketId, sign(userData));
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : '', message);
    });
  }

  it('keeps the first distinct watchlist ids up to the limit and flags the rest', () => {
    const ids = Array.from({ length: MAX_WATCHLIST_SIZE + 5 }, (_, i) => String(i));
    const result = verifySignIn(
      app,
      socketId,
      sign(JSON.stringify({ id: 'me', watchlist: ['0', ...ids] })),
    );
    assert.ok(result.ok);
    assert.equal(result.watchlist.length, MAX_WATCHLIST_SIZE);
    assert.equal(result.watchlist[0], '0');
    assert.equal(result.watchlistTruncated, true);
  });

  it('does not flag duplicates as over the limit', () => {
    const ids = Array.from({ length: MAX_WATCHLIST_SIZE }, (_, i) => String(i));
    const result = verifySignIn(
      app,
      socketId,
      sign(JSON.stringify({ id: 'me', watchlist: [...ids, '0'] })),
    );
    assert.ok(result.ok);
    assert.equal(result.watchlistTruncated, false);
  });
});
