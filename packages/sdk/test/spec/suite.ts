// The server-library specification's 30 tests, with exactly the spec's names, runnable against any
// Pusher-compatible HTTP API (the recording fake here; the Herald server in its integration tests).
// The auth and webhook tests need no server but use the target's credentials, as the Swift suite does.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import Pusher, { RequestError, ValidationError, WebhookVerificationError } from '@herald/sdk';

/** Where and as whom the suite talks to a Pusher-compatible server. */
export interface SpecTarget {
  /** `http://host:port` of the HTTP API. */
  baseUrl: string;
  appId: string;
  key: string;
  secret: string;
  /** Master key for the encrypted-channel tests (a fixed test key is used when absent). */
  encryptionMasterKeyBase64?: string;
  /**
   * Expect Pusher's exact error bodies (`Batch too large (11 > 10)\n`, …). Off: only the status
   * (400) and a non-empty body are checked, so servers answering JSON `{"error": …}` pass.
   */
  exactErrorBodies?: boolean;
}

/** The Swift suite's fixed test master key (research/sdk.md §1b). */
export const TEST_MASTER_KEY = 'hsRSqt4JEOd4bu2ww+F7e94BZsMBmELIUMHfhpTml2w=';

const SOCKET_ID = '123.456';
const PUBLIC = 'my-channel';
const PRIVATE = 'private-my-channel';
const PRESENCE = 'presence-my-channel';
const ENCRYPTED = 'private-encrypted-my-channel';
const EVENT_DATA = { name: 'Joe Bloggs', age: 28, job: 'Software Engineer', metadata: { id: 10 } };
const TIME_MS = 1619602993 * 1000;

function client(t: SpecTarget): Pusher {
  const url = new URL(t.baseUrl);
  return new Pusher({
    appId: t.appId,
    key: t.key,
    secret: t.secret,
    host: url.hostname,
    port: url.port,
    useTLS: url.protocol === 'https:',
    encryptionMasterKeyBase64: t.encryptionMasterKeyBase64 ?? TEST_MASTER_KEY,
  });
}

async function expectHttpError(
  t: SpecTarget,
  promise: Promise<unknown>,
  status: number,
  body: string,
) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof RequestError, `expected a RequestError, got ${String(err)}`);
    assert.equal(err.status, status);
    if (t.exactErrorBodies) assert.equal(err.body, body);
    else assert.ok((err.body ?? '').length > 0, 'error responses carry a body');
    return true;
  });
}

function webhookRequest(
  t: SpecTarget,
  events: object[],
  opts: { keyHeader?: string | null; signWith?: string | null; body?: string | null } = {},
) {
  const body = opts.body === undefined ? JSON.stringify({ time_ms: TIME_MS, events }) : opts.body;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const keyHeader = opts.keyHeader === undefined ? t.key : opts.keyHeader;
  if (keyHeader !== null) headers['X-Pusher-Key'] = keyHeader;
  const signWith = opts.signWith === undefined ? t.secret : opts.signWith;
  if (signWith !== null && body)
    headers['X-Pusher-Signature'] = createHmac('sha256', signWith).update(body).digest('hex');
  return { headers, body };
}

function expectWebhookError(fn: () => unknown, code: WebhookVerificationError['code']) {
  assert.throws(fn, (err: unknown) => err instanceof WebhookVerificationError && err.code === code);
}

/**
 * Registers the spec's 30 tests under `describe(name)`. `target` may be a function (sync or async),
 * called once before the tests, so a server started in a `before` hook can be used.
 */
export function specSuite(
  name: string,
  target: SpecTarget | (() => SpecTarget | Promise<SpecTarget>),
): void {
  describe(name, () => {
    let t!: SpecTarget;
    let pusher!: Pusher;
    before(async () => {
      t = typeof target === 'function' ? await target() : target;
      pusher = client(t);
    });

    describe('triggering events', () => {
      it('testPostBatchEventsToChannelFailsForMultichannelEvents', async () => {
        // The SDK refuses it before sending…
        await assert.rejects(
          pusher.triggerEvents([
            {
              name: 'my-multichannel-event',
              channel: PRIVATE,
              channels: [PRIVATE, PUBLIC],
              data: EVENT_DATA,
            },
          ]),
          (err: unknown) => err instanceof ValidationError && err.code === 'batch_multichannel',
        );
        // …and the server refuses the wire form the Swift library sent (`channels`, no `channel`).
        await expectHttpError(
          t,
          pusher.post({
            path: '/batch_events',
            body: {
              batch: [{ name: 'my-multichannel-event', channels: [PRIVATE, PUBLIC], data: '{}' }],
            },
          }),
          400,
          'Missing required parameter: channel\n',
        );
      });

      it('testPostBatchEventsToChannelFailsForTooLargeBatch', async () => {
        const events = Array.from({ length: 11 }, () => ({
          name: 'my-event',
          channel: PUBLIC,
          data: EVENT_DATA,
        }));
        await assert.rejects(
          pusher.triggerEvents(events),
          (err: unknown) => err instanceof ValidationError && err.code === 'batch_too_large',
        );
        // The drop-in `triggerBatch` (like `pusher`) leaves the check to the server.
        await expectHttpError(t, pusher.triggerBatch(events), 400, 'Batch too large (11 > 10)\n');
      });

      it('testPostBatchEventsToChannelSucceedsForSingleChannelEvents', async () => {
        const result = await pusher.triggerEvents([
          { name: 'my-event', channel: ENCRYPTED, data: EVENT_DATA },
          { name: 'my-event', channel: PRIVATE, data: EVENT_DATA },
          { name: 'my-event', channel: PUBLIC, data: EVENT_DATA },
        ]);
        assert.equal(result.length, 0);
      });

      it('testPostEventToChannelFailsForInvalidMultichannelEvent', async () => {
        await assert.rejects(
          pusher.triggerEvent({
            name: 'my-multichannel-event',
            channels: [ENCRYPTED, PUBLIC],
            data: EVENT_DATA,
          }),
          (err: unknown) => err instanceof ValidationError && err.code === 'encrypted_multichannel',
        );
        assert.throws(
          () => pusher.trigger([ENCRYPTED, PUBLIC], 'my-multichannel-event', EVENT_DATA),
          {
            message: 'You cannot trigger to multiple channels when using encrypted channels',
          },
        );
      });

      for (const [test, channel] of [
        ['testPostEventToChannelSucceedsForEncryptedChannel', ENCRYPTED],
        ['testPostEventToChannelSucceedsForPrivateChannel', PRIVATE],
        ['testPostEventToChannelSucceedsForPublicChannel', PUBLIC],
      ] as const) {
        it(test, async () => {
          const result = await pusher.triggerEvent({ name: 'my-event', channel, data: EVENT_DATA });
          assert.equal(result.length, 0);
        });
      }

      it('testPostEventToChannelSucceedsForValidMultichannelEvent', async () => {
        const result = await pusher.triggerEvent({
          name: 'my-multichannel-event',
          channels: [PRIVATE, PUBLIC],
          data: EVENT_DATA,
        });
        assert.equal(result.length, 0);
      });
    });

    describe('channel authentication', () => {
      it('testAuthenticateEncryptedChannelSucceeds', () => {
        const token = pusher.authenticateChannel({ channelName: ENCRYPTED, socketId: SOCKET_ID });
        const sig = createHmac('sha256', t.secret)
          .update(`${SOCKET_ID}:${ENCRYPTED}`)
          .digest('hex');
        assert.equal(token.auth, `${t.key}:${sig}`);
        assert.equal(token.channel_data, undefined);
        assert.equal(typeof token.shared_secret, 'string');
        if ((t.encryptionMasterKeyBase64 ?? TEST_MASTER_KEY) === TEST_MASTER_KEY) {
          assert.equal(token.shared_secret, '/bSIwjuvB05J66qC+E+BX/1p/X7Ti6iIhQRIYY2RDY0=');
        }
      });

      it('testAuthenticatePresenceChannelSucceeds', () => {
        const token = pusher.authenticateChannel({
          channelName: PRESENCE,
          socketId: SOCKET_ID,
          userData: { user_id: 'user_1' },
        });
        const data = '{"user_id":"user_1"}';
        assert.equal(token.channel_data, data);
        assert.equal(
          token.auth,
          `${t.key}:${createHmac('sha256', t.secret).update(`${SOCKET_ID}:${PRESENCE}:${data}`).digest('hex')}`,
        );
        assert.equal(token.shared_secret, undefined);
      });

      it('testAuthenticatePresenceChannelWithMissingUserDataFails', () => {
        assert.throws(
          () => pusher.authenticateChannel({ channelName: PRESENCE, socketId: SOCKET_ID }),
          (err: unknown) =>
            err instanceof ValidationError && err.code === 'presence_user_data_missing',
        );
      });

      it('testAuthenticatePresenceChannelWithUserInfoSucceeds', () => {
        const token = pusher.authenticateChannel({
          channelName: PRESENCE,
          socketId: SOCKET_ID,
          userData: { user_id: 'user_1', user_info: { name: 'Joe Bloggs' } },
        });
        const data = '{"user_id":"user_1","user_info":{"name":"Joe Bloggs"}}';
        assert.equal(token.channel_data, data);
        assert.equal(
          token.auth,
          `${t.key}:${createHmac('sha256', t.secret).update(`${SOCKET_ID}:${PRESENCE}:${data}`).digest('hex')}`,
        );
      });

      it('testAuthenticatePrivateChannelSucceeds', () => {
        const token = pusher.authenticateChannel({ channelName: PRIVATE, socketId: SOCKET_ID });
        assert.deepEqual(token, {
          auth: `${t.key}:${createHmac('sha256', t.secret).update(`${SOCKET_ID}:${PRIVATE}`).digest('hex')}`,
        });
      });

      it('testAuthenticatePublicChannelFails', () => {
        assert.throws(
          () => pusher.authenticateChannel({ channelName: PUBLIC, socketId: SOCKET_ID }),
          (err: unknown) => err instanceof ValidationError && err.code === 'public_channel_auth',
        );
      });
    });

    describe('webhook verification', () => {
      const occupied = { name: 'channel_occupied', channel: PUBLIC };
      it('testInvalidPusherKeyHeaderWebhookFails', () => {
        expectWebhookError(
          () => pusher.verifyWebhook(webhookRequest(t, [occupied], { keyHeader: 'invalid_key' })),
          'key_header_missing_or_invalid',
        );
      });
      it('testInvalidPusherSignatureHeaderWebhookFails', () => {
        expectWebhookError(
          () =>
            pusher.verifyWebhook(webhookRequest(t, [occupied], { signWith: 'invalid_signature' })),
          'signature_header_missing_or_invalid',
        );
      });
      it('testMissingBodyDataWebhookFails', () => {
        expectWebhookError(
          () => pusher.verifyWebhook(webhookRequest(t, [], { body: null })),
          'body_missing',
        );
      });
      it('testMissingPusherKeyHeaderWebhookFails', () => {
        expectWebhookError(
          () => pusher.verifyWebhook(webhookRequest(t, [occupied], { keyHeader: null })),
          'key_header_missing_or_invalid',
        );
      });
      it('testMissingPusherSignatureHeaderWebhookFails', () => {
        expectWebhookError(
          () => pusher.verifyWebhook(webhookRequest(t, [occupied], { signWith: null })),
          'signature_header_missing_or_invalid',
        );
      });
      for (const [test, event, channel, kind] of [
        ['testVerifyChannelOccupiedWebhookSucceeds', 'channel_occupied', PUBLIC, 'public'],
        ['testVerifyChannelVacatedWebhookSucceeds', 'channel_vacated', PUBLIC, 'public'],
      ] as const) {
        it(test, () => {
          const hook = pusher.verifyWebhook(webhookRequest(t, [{ name: event, channel }]));
          assert.equal(hook.createdAt.getTime(), TIME_MS);
          assert.equal(hook.events.length, 1);
          const e = hook.events[0]!;
          assert.equal(e.name, event);
          assert.equal(e.channel, channel);
          assert.equal(e.channelType, kind);
          assert.equal(e.event, undefined);
          assert.equal(e.socketId, undefined);
          assert.equal(e.userId, undefined);
        });
      }
      it('testVerifyClientEventWebhookSucceeds', () => {
        const hook = pusher.verifyWebhook(
          webhookRequest(t, [
            {
              name: 'client_event',
              channel: PUBLIC,
              event: 'my-event',
              data: JSON.stringify(EVENT_DATA),
              socket_id: 'socket_1',
            },
          ]),
        );
        const e = hook.events[0]!;
        assert.equal(e.name, 'client_event');
        assert.equal(e.event, 'my-event');
        assert.deepEqual(JSON.parse(e.data!), EVENT_DATA);
        assert.equal(e.socketId, 'socket_1');
        assert.equal(e.userId, undefined);
      });
      for (const [test, event] of [
        ['testVerifyMemberAddedWebhookSucceeds', 'member_added'],
        ['testVerifyMemberRemovedWebhookSucceeds', 'member_removed'],
      ] as const) {
        it(test, () => {
          const hook = pusher.verifyWebhook(
            webhookRequest(t, [{ name: event, channel: PRESENCE, user_id: 'user_1' }]),
          );
          const e = hook.events[0]!;
          assert.equal(e.name, event);
          assert.equal(e.channel, PRESENCE);
          assert.equal(e.channelType, 'presence');
          assert.equal(e.userId, 'user_1');
          assert.equal(e.event, undefined);
          assert.equal(e.socketId, undefined);
        });
      }
    });

    describe('application state queries', () => {
      it('testGetChannelInfoFailsForInvalidAttributes', async () => {
        await expectHttpError(
          t,
          pusher.channelInfo(PUBLIC, { attributes: ['user_count'] }),
          400,
          'Cannot retrieve the user count unless the channel is a presence channel\n',
        );
      });
      it('testGetChannelInfoSucceeds', async () => {
        const info = await pusher.channelInfo(PUBLIC);
        assert.equal(info.name, PUBLIC);
        assert.equal(typeof info.occupied, 'boolean');
      });
      it('testGetChannelsFailsForInvalidAttributes', async () => {
        await expectHttpError(
          t,
          pusher.channels({ filterByPrefix: 'private-', attributes: ['user_count'] }),
          400,
          'user_count may only be requested for presence channels - please supply filter_by_prefix begining with presence-\n',
        );
      });
      it('testGetChannelsSucceeds', async () => {
        assert.equal((await pusher.channels()).length, 0);
      });
      it('testGetUsersForChannelFailsForPublicChannel', async () => {
        await expectHttpError(
          t,
          pusher.users(PUBLIC),
          400,
          'Users can only be retrieved for presence channels\n',
        );
      });
      it('testGetUsersForChannelSucceedsForPresenceChannel', async () => {
        assert.equal((await pusher.users(PRESENCE)).length, 0);
      });
    });
  });
}
