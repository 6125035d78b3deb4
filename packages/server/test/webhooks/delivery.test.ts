/**
 * End to end: a real server on 127.0.0.1:0 whose event bus gets the ServerEvents the WebSocket side
 * emits, and a real HTTP receiver; signatures are checked with the official `pusher` SDK.
 * `server.stop()` flushes everything queued, so "after stop" assertions need no sleeps.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import Pusher from 'pusher';
import type { ConfigInput, WebhookConfig } from '../../src/config/schema.js';
import type { ServerEvent } from '../../src/events.js';
import { startServer, TEST_APP } from '../helpers/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

type WebhookTarget = Partial<WebhookConfig> & { url: string };

/** Fast delivery settings for tests (the 3 s vacate delay made short). */
const FAST: ConfigInput = {
  webhookBatchMs: 5,
  webhookVacateDelayMs: 100,
  webhookRetryBaseMs: 20,
  webhookRetryMaxDelayMs: 100,
  webhookTimeoutMs: 2000,
};

async function setup(
  t: TestContext,
  targets: (r: WebhookReceiver) => WebhookTarget[],
  config: ConfigInput = {},
) {
  const receiver = await startWebhookReceiver(t);
  const test = await startServer(t, {
    ...FAST,
    ...config,
    apps: [{ ...TEST_APP, webhooks: targets(receiver) }],
  });
  const bus = test.server.context.events;
  const outcomes: Extract<ServerEvent, { type: 'webhook_sent' }>[] = [];
  bus.on((e) => {
    if (e.type === 'webhook_sent') outcomes.push(e);
  });
  const emit = (e: Record<string, unknown> & { type: ServerEvent['type'] }) =>
    bus.emit({ appId: TEST_APP.id, ...e } as ServerEvent);
  return { receiver, server: test.server, emit, outcomes };
}

const pusher = new Pusher({
  appId: TEST_APP.id,
  key: TEST_APP.key,
  secret: TEST_APP.secret,
  host: '127.0.0.1',
});

function assertAllValid(receiver: WebhookReceiver): void {
  assert.ok(receiver.requests.length > 0);
  for (const request of receiver.requests) {
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-pusher-key'], TEST_APP.key);
    assert.equal(
      pusher.webhook({ headers: request.headers, rawBody: request.rawBody }).isValid(),
      true,
    );
  }
}

describe('webhooks: format and signature', () => {
  it('sends every event type with exactly its fields, signed so pusher.webhook().isValid() accepts it', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }]);
    emit({ type: 'channel_occupied', channel: 'presence-chat' });
    emit({ type: 'member_added', channel: 'presence-chat', userId: '42' });
    emit({
      type: 'client_event',
      channel: 'presence-chat',
      event: 'client-typing',
      data: { typing: true },
      socketId: '123.456',
      userId: '42',
    });
    emit({
      type: 'client_event',
      channel: 'private-x',
      event: 'client-y',
      data: 'raw',
      socketId: '1.2',
    });
    emit({ type: 'cache_miss', channel: 'cache-car' });
    emit({ type: 'subscription_count', channel: 'my-channel', count: 3 });
    emit({ type: 'member_removed', channel: 'presence-chat', userId: '42' });
    emit({ type: 'channel_vacated', channel: 'presence-chat' });
    // Not webhook material: ignored.
    emit({ type: 'subscribed', channel: 'x', socketId: '1.1' });
    await server.stop();

    assertAllValid(receiver);
    const body = receiver.delivered()[0]!;
    assert.equal(typeof body.time_ms, 'number');
    const webhook = pusher.webhook({
      headers: receiver.requests[0]!.headers,
      rawBody: receiver.requests[0]!.rawBody,
    });
    assert.equal(webhook.getTime().getTime(), body.time_ms);
    assert.deepEqual(receiver.events(), [
      { name: 'channel_occupied', channel: 'presence-chat' },
      { name: 'member_added', channel: 'presence-chat', user_id: '42' },
      {
        name: 'client_event',
        channel: 'presence-chat',
        event: 'client-typing',
        data: '{"typing":true}',
        socket_id: '123.456',
        user_id: '42',
      },
      {
        name: 'client_event',
        channel: 'private-x',
        event: 'client-y',
        data: 'raw',
        socket_id: '1.2',
      },
      { name: 'cache_miss', channel: 'cache-car' },
      { name: 'subscription_count', channel: 'my-channel', subscription_count: 3 },
      { name: 'member_removed', channel: 'presence-chat', user_id: '42' },
      { name: 'channel_vacated', channel: 'presence-chat' },
    ]);
  });

  it('@herald/sdk verifies them too (skipped until the SDK class is in this tree)', async (t) => {
    // Loaded by name so this file compiles before the SDK's Pusher class lands.
    const sdk = (await import('@herald/sdk')) as Record<string, unknown>;
    type WebhookVerifier = {
      webhook(request: { headers: object; rawBody: string }): {
        isValid(): boolean;
        getEvents(): unknown[];
      };
    };
    const HeraldPusher = sdk['default'] as
      (new (options: Record<string, unknown>) => WebhookVerifier) | undefined;
    if (typeof HeraldPusher !== 'function') return t.skip('@herald/sdk has no Pusher class yet');
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }]);
    emit({ type: 'member_added', channel: 'presence-a', userId: 'u' });
    emit({
      type: 'client_event',
      channel: 'private-b',
      event: 'client-x',
      data: { a: 'é' },
      socketId: '1.2',
    });
    await server.stop();
    const herald = new HeraldPusher({
      appId: TEST_APP.id,
      key: TEST_APP.key,
      secret: TEST_APP.secret,
    });
    const wrong = new HeraldPusher({ appId: TEST_APP.id, key: TEST_APP.key, secret: 'nope' });
    for (const request of receiver.requests) {
      const webhook = herald.webhook({ headers: request.headers, rawBody: request.rawBody });
      assert.equal(webhook.isValid(), true);
      assert.equal(
        wrong.webhook({ headers: request.headers, rawBody: request.rawBody }).isValid(),
        false,
      );
    }
    assert.equal(
      receiver.requests.flatMap((r) =>
        herald.webhook({ headers: r.headers, rawBody: r.rawBody }).getEvents(),
      ).length,
      2,
    );
  });

  it('a wrong secret fails pusher verification (the check is real)', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }]);
    emit({ type: 'channel_occupied', channel: 'c' });
    await server.stop();
    const other = new Pusher({
      appId: TEST_APP.id,
      key: TEST_APP.key,
      secret: 'not-the-secret',
      host: '127.0.0.1',
    });
    const request = receiver.requests[0]!;
    assert.equal(
      other.webhook({ headers: request.headers, rawBody: request.rawBody }).isValid(),
      false,
    );
  });

  it('batches events of a window into one request, bounded by webhookBatchMaxEvents', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 60_000,
      webhookBatchMaxEvents: 4,
    });
    for (let i = 0; i < 10; i++) emit({ type: 'channel_occupied', channel: `c-${i}` });
    // Two full batches go out without waiting for the (long) window.
    await receiver.waitFor((r) => r.delivered().length === 2);
    assert.deepEqual(
      receiver.delivered().map((b) => b.events.length),
      [4, 4],
    );
    await server.stop(); // seals the open batch of 2
    assert.deepEqual(
      receiver.delivered().map((b) => b.events.length),
      [4, 4, 2],
    );
    assert.deepEqual(
      receiver.events().map((e) => e.channel),
      Array.from({ length: 10 }, (_, i) => `c-${i}`),
    );
    assertAllValid(receiver);
  });

  it('keeps batch bodies under webhookBatchMaxBytes; a larger single event goes alone', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 60_000,
      webhookBatchMaxBytes: 1000,
    });
    const client = (data: string) =>
      emit({
        type: 'client_event',
        channel: 'private-c',
        event: 'client-e',
        data,
        socketId: '1.1',
      });
    for (let i = 0; i < 6; i++) client(`${i}`.repeat(300));
    client('x'.repeat(2000));
    client('after');
    await server.stop();
    const sizes = receiver.requests.map((r) => Buffer.byteLength(r.rawBody));
    assert.ok(receiver.requests.length >= 4, String(sizes));
    for (const request of receiver.requests) {
      const body = JSON.parse(request.rawBody) as { events: { data: string }[] };
      if (!body.events.some((e) => e.data.length === 2000)) {
        assert.ok(Buffer.byteLength(request.rawBody) <= 1000, String(sizes));
      } else assert.equal(body.events.length, 1);
      // The hand-joined body is exactly what JSON.stringify gives.
      assert.equal(request.rawBody, JSON.stringify(body));
    }
    assert.deepEqual(
      receiver.events().map((e) => (e.name === 'client_event' ? e.data.slice(0, 5) : '')),
      ['00000', '11111', '22222', '33333', '44444', '55555', 'xxxxx', 'after'],
    );
    assertAllValid(receiver);
  });

  it('a burst of 5 000 events arrives complete and in order, in full batches', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }]);
    const total = 5000;
    for (let i = 0; i < total; i++) {
      emit({
        type: 'client_event',
        channel: 'private-burst',
        event: 'client-n',
        data: String(i),
        socketId: '1.1',
      });
    }
    await server.stop();
    const data = receiver.events().map((e) => (e.name === 'client_event' ? Number(e.data) : -1));
    assert.deepEqual(
      data,
      Array.from({ length: total }, (_, i) => i),
    );
    assert.equal(receiver.requests.length, total / 100);
    assertAllValid(receiver);
  });

  it('de-duplicates cache_miss of one channel within a batch', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 60_000,
    });
    emit({ type: 'cache_miss', channel: 'cache-a' });
    emit({ type: 'cache_miss', channel: 'cache-a' });
    emit({ type: 'cache_miss', channel: 'cache-b' });
    await server.stop();
    assert.deepEqual(receiver.events(), [
      { name: 'cache_miss', channel: 'cache-a' },
      { name: 'cache_miss', channel: 'cache-b' },
    ]);
  });
});

describe('webhooks: targets and filters', () => {
  it('each target gets only its event types and channel prefix', async (t) => {
    const occupancy = await startWebhookReceiver(t);
    const { receiver, server, emit } = await setup(t, (r) => [
      { url: r.url('/private'), channelPrefix: 'private-' },
      { url: occupancy.url(), eventTypes: ['channel_occupied', 'channel_vacated'] },
    ]);
    emit({ type: 'channel_occupied', channel: 'private-a' });
    emit({ type: 'channel_occupied', channel: 'public-b' });
    emit({
      type: 'client_event',
      channel: 'private-a',
      event: 'client-e',
      data: {},
      socketId: '1.1',
    });
    emit({ type: 'cache_miss', channel: 'cache-c' });
    await server.stop();
    assert.deepEqual(receiver.events(), [
      { name: 'channel_occupied', channel: 'private-a' },
      {
        name: 'client_event',
        channel: 'private-a',
        event: 'client-e',
        data: '{}',
        socket_id: '1.1',
      },
    ]);
    assert.ok(receiver.requests.every((r) => r.url === '/private'));
    assert.deepEqual(occupancy.events(), [
      { name: 'channel_occupied', channel: 'private-a' },
      { name: 'channel_occupied', channel: 'public-b' },
    ]);
    assertAllValid(occupancy);
  });

  it('other apps and apps without webhooks get nothing', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const test = await startServer(t, {
      ...FAST,
      apps: [
        { ...TEST_APP, webhooks: [{ url: receiver.url() }] },
        { id: 'other', key: 'other-key', secret: 'other-secret' },
      ],
    });
    const bus = test.server.context.events;
    bus.emit({ type: 'channel_occupied', appId: 'other', channel: 'x' });
    bus.emit({ type: 'channel_occupied', appId: 'unknown-app', channel: 'y' });
    bus.emit({ type: 'channel_occupied', appId: TEST_APP.id, channel: 'z' });
    await test.server.stop();
    assert.deepEqual(receiver.events(), [{ name: 'channel_occupied', channel: 'z' }]);
  });

  it('--webhook-url: the dev app sends every event type to it', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const test = await startServer(t, { ...FAST, apps: [], webhookUrl: receiver.url() });
    const dev = test.server.config.apps[0]!;
    for (const type of ['channel_occupied', 'cache_miss'] as const)
      test.server.context.events.emit({ type, appId: dev.id, channel: 'c' });
    await test.server.stop();
    assert.deepEqual(
      receiver.events().map((e) => e.name),
      ['channel_occupied', 'cache_miss'],
    );
    const devPusher = new Pusher({
      appId: dev.id,
      key: dev.key,
      secret: dev.secret,
      host: '127.0.0.1',
    });
    const r = receiver.requests[0]!;
    assert.equal(devPusher.webhook({ headers: r.headers, rawBody: r.rawBody }).isValid(), true);
  });
});

describe('webhooks: vacate delay', () => {
  it('a reload (vacated then occupied within the delay) sends neither; same for member_removed/added', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookVacateDelayMs: 60_000,
    });
    emit({ type: 'channel_occupied', channel: 'presence-room' });
    emit({ type: 'member_added', channel: 'presence-room', userId: 'u1' });
    // Page reload: the last connection leaves, then comes back.
    emit({ type: 'member_removed', channel: 'presence-room', userId: 'u1' });
    emit({ type: 'channel_vacated', channel: 'presence-room' });
    emit({ type: 'channel_occupied', channel: 'presence-room' });
    emit({ type: 'member_added', channel: 'presence-room', userId: 'u1' });
    // A different user leaving is not cancelled by u1 rejoining.
    emit({ type: 'member_added', channel: 'presence-room', userId: 'u2' });
    emit({ type: 'member_removed', channel: 'presence-room', userId: 'u2' });
    await server.stop(); // releases held leaves
    assert.deepEqual(receiver.events(), [
      { name: 'channel_occupied', channel: 'presence-room' },
      { name: 'member_added', channel: 'presence-room', user_id: 'u1' },
      { name: 'member_added', channel: 'presence-room', user_id: 'u2' },
      { name: 'member_removed', channel: 'presence-room', user_id: 'u2' },
    ]);
  });

  it('a vacate is sent once the delay passes without the channel coming back', async (t) => {
    const { receiver, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookVacateDelayMs: 50,
    });
    emit({ type: 'channel_occupied', channel: 'c' });
    emit({ type: 'channel_vacated', channel: 'c' });
    await receiver.waitFor((r) => r.events().length === 2);
    assert.deepEqual(
      receiver.events().map((e) => e.name),
      ['channel_occupied', 'channel_vacated'],
    );
  });
});

describe('webhooks: delivery', () => {
  it('retries after 500s with backoff, then delivers the same signed bytes', async (t) => {
    const { receiver, server, emit, outcomes } = await setup(t, (r) => [{ url: r.url() }]);
    receiver.failNext(2, 500);
    emit({ type: 'channel_occupied', channel: 'c' });
    await receiver.waitFor((r) => r.delivered().length === 1);
    assert.deepEqual(
      receiver.requests.map((r) => r.status),
      [500, 500, 200],
    );
    assert.equal(new Set(receiver.requests.map((r) => r.rawBody)).size, 1);
    assertAllValid(receiver);
    await server.stop();
    assert.deepEqual(
      outcomes.map((o) => [o.outcome, o.attempt, o.status, o.events]),
      [
        ['retrying', 1, 500, 1],
        ['retrying', 2, 500, 1],
        ['delivered', 3, 200, 1],
      ],
    );
    assert.equal(outcomes[0]!.url, receiver.url());
  });

  it('retries after a refused connection and delivers once the receiver is back', async (t) => {
    const { receiver, server, emit, outcomes } = await setup(t, (r) => [{ url: r.url() }]);
    await receiver.close();
    emit({ type: 'channel_occupied', channel: 'c' });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (outcomes.some((o) => o.outcome === 'retrying' && o.status === undefined)) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await receiver.reopen();
    await receiver.waitFor((r) => r.delivered().length === 1);
    assert.deepEqual(receiver.events(), [{ name: 'channel_occupied', channel: 'c' }]);
    await server.stop();
  });

  it('honours 429 as retryable; a 4xx is a permanent failure, logged and reported, and the queue moves on', async (t) => {
    const { receiver, server, emit, outcomes } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 0,
    });
    receiver.failNext(1, 429, { 'retry-after': '0' });
    receiver.failNext(1, 404);
    emit({ type: 'channel_occupied', channel: 'first' });
    await receiver.waitFor((r) => r.requests.length === 2);
    emit({ type: 'channel_occupied', channel: 'second' });
    await server.stop();
    assert.deepEqual(
      receiver.requests.map((r) => r.status),
      [429, 404, 200],
    );
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['retrying', 'failed', 'delivered'],
    );
    assert.deepEqual(receiver.events(), [{ name: 'channel_occupied', channel: 'second' }]);
  });

  it('gives up after webhookMaxAttempts and reports it', async (t) => {
    const { receiver, server, emit, outcomes } = await setup(t, (r) => [{ url: r.url() }], {
      webhookMaxAttempts: 3,
    });
    receiver.failNext(10, 503);
    emit({ type: 'channel_occupied', channel: 'c' });
    await server.stop();
    assert.equal(receiver.requests.length, 3);
    assert.deepEqual(
      outcomes.map((o) => [o.outcome, o.attempt]),
      [
        ['retrying', 1],
        ['retrying', 2],
        ['failed', 3],
      ],
    );
  });

  it('keeps order per target across retries (a failing head holds later requests)', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 0,
    });
    receiver.failNext(3, 502);
    for (let i = 0; i < 5; i++) {
      emit({ type: 'subscription_count', channel: 'c', count: i + 1 });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await server.stop();
    assert.deepEqual(
      receiver.events().map((e) => (e.name === 'subscription_count' ? e.subscription_count : -1)),
      [1, 2, 3, 4, 5],
    );
  });

  it("a hanging endpoint times out and is retried; another app's target is not held up", async (t) => {
    const slow = await startWebhookReceiver(t);
    const fast = await startWebhookReceiver(t);
    const test = await startServer(t, {
      ...FAST,
      webhookTimeoutMs: 200,
      apps: [
        { ...TEST_APP, webhooks: [{ url: slow.url() }] },
        { id: 'b', key: 'b-key', secret: 'b-secret', webhooks: [{ url: fast.url() }] },
      ],
    });
    slow.hangNext(1);
    test.server.context.events.emit({ type: 'channel_occupied', appId: TEST_APP.id, channel: 's' });
    await slow.waitFor((r) => r.requests.length === 1);
    test.server.context.events.emit({ type: 'channel_occupied', appId: 'b', channel: 'f' });
    await fast.waitFor((r) => r.delivered().length === 1);
    // The hung request is still unanswered while app b's was delivered.
    assert.equal(slow.delivered().length, 0);
    await slow.waitFor((r) => r.delivered().length === 1);
    assert.deepEqual(slow.events(), [{ name: 'channel_occupied', channel: 's' }]);
    await test.server.stop();
  });

  it('a full queue drops new events and reports their count', async (t) => {
    const { receiver, server, emit, outcomes } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 60_000,
      webhookQueueMaxEvents: 3,
    });
    for (let i = 0; i < 5; i++) emit({ type: 'channel_occupied', channel: `c${i}` });
    await server.stop();
    assert.deepEqual(
      receiver.events().map((e) => e.channel),
      ['c0', 'c1', 'c2'],
    );
    const dropped = outcomes.find((o) => o.outcome === 'dropped');
    assert.equal(dropped?.events, 2);
    assert.equal(dropped?.attempt, 0);
  });
});

describe('webhooks: graceful shutdown', () => {
  it('stop() delivers what is queued, held and batched', async (t) => {
    const { receiver, server, emit } = await setup(t, (r) => [{ url: r.url() }], {
      webhookBatchMs: 60_000,
      webhookVacateDelayMs: 60_000,
    });
    emit({ type: 'channel_occupied', channel: 'a' });
    emit({ type: 'channel_vacated', channel: 'b' });
    assert.equal(receiver.requests.length, 0);
    await server.stop();
    assert.deepEqual(receiver.events(), [
      { name: 'channel_occupied', channel: 'a' },
      { name: 'channel_vacated', channel: 'b' },
    ]);
  });

  it('stop() is bounded by shutdownTimeoutMs when the endpoint keeps failing', async (t) => {
    const { receiver, server, emit, outcomes } = await setup(t, (r) => [{ url: r.url() }], {
      shutdownTimeoutMs: 300,
      webhookRetryBaseMs: 50,
      webhookRetryMaxDelayMs: 50,
      webhookMaxAttempts: 1000,
    });
    receiver.failNext(100_000, 500);
    emit({ type: 'channel_occupied', channel: 'c' });
    await receiver.waitFor((r) => r.requests.length >= 1);
    await server.stop();
    const last = outcomes.at(-1);
    assert.equal(last?.outcome, 'failed');
    assert.equal(last?.events, 1);
    assert.equal(receiver.delivered().length, 0);
  });
});
