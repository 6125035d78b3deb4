import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  constantTimeEqual,
  credentialsMatch,
  SessionStore,
  sessionCookie,
  SignInThrottle,
} from '../../src/console/session.js';

describe('console sessions', () => {
  it('compares secrets of any length without throwing', () => {
    assert.equal(constantTimeEqual('secret', 'secret'), true);
    assert.equal(constantTimeEqual('secret', 'secreT'), false);
    assert.equal(constantTimeEqual('secret', 'secret-longer'), false);
    assert.equal(constantTimeEqual('', 'x'), false);
  });

  it('accepts the app secret or the console token, nothing else', () => {
    assert.equal(credentialsMatch('app-secret', 'app-secret'), true);
    assert.equal(credentialsMatch('console-token', 'app-secret', 'console-token'), true);
    assert.equal(credentialsMatch('console-token', 'app-secret'), false);
    assert.equal(credentialsMatch('other', 'app-secret', 'console-token'), false);
    assert.equal(credentialsMatch('', undefined), false, 'an unknown app never matches');
    assert.equal(credentialsMatch('', 'app-secret', undefined), false);
  });

  it('expires sessions and keeps at most `max`', () => {
    let now = 1000;
    const store = new SessionStore(60_000, 2, () => now);
    const s1 = store.create('a');
    const s2 = store.create('b');
    assert.notEqual(s1.id, s2.id);
    assert.equal(store.get(s1.id)?.appId, 'a');
    const s3 = store.create('c');
    assert.equal(store.get(s1.id), undefined, 'the oldest went beyond max');
    assert.equal(store.get(s3.id)?.appId, 'c');
    now += 60_000;
    assert.equal(store.get(s2.id), undefined, 'expired');
    assert.equal(store.get(undefined), undefined);
    store.delete(s3.id);
    assert.equal(store.get(s3.id), undefined);
  });

  it('sets an HttpOnly, SameSite=Strict cookie with the remaining lifetime', () => {
    const session = { id: 'abc', appId: 'a', expiresAt: 61_000 };
    assert.equal(
      sessionCookie(session, false, 1000),
      'herald_console=abc; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60',
    );
    assert.match(sessionCookie(session, true, 1000), /; Secure; Max-Age=60$/);
    assert.equal(
      sessionCookie(undefined),
      'herald_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0',
    );
  });

  it('blocks an address after too many failures, for one window', () => {
    let now = 0;
    const throttle = new SignInThrottle(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.blocked('1.2.3.4'), false);
      throttle.fail('1.2.3.4');
    }
    assert.equal(throttle.blocked('1.2.3.4'), true);
    assert.equal(throttle.blocked('5.6.7.8'), false, 'per address');
    now = 1000;
    assert.equal(throttle.blocked('1.2.3.4'), false, 'the window passed');
  });
});
