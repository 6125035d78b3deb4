import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { webhookSchema } from '../../src/config/schema.js';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../src/webhooks/backoff.js';
import { redactUrl, targetAccepts, toWebhookEvent } from '../../src/webhooks/format.js';
import { MemoryWebhookQueue, type WebhookDelivery } from '../../src/webhooks/queue.js';
import { webhookSignature } from '../../src/webhooks/signature.js';
import { TransitionDelay } from '../../src/webhooks/transitions.js';

describe('webhook signature', () => {
  it('matches the protocol.md vector', () => {
    const body =
      '{"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"test_channel"}]}';
    assert.equal(
      webhookSignature('7ad3773142a6692b25b8', body),
      '709fdb84c03664445f7698120b0edf0acc1ab1c8c6e93a0368c61841d6b998aa',
    );
  });
});

describe('webhook event format', () => {
  it('gives each type exactly its Pusher fields', () => {
    const base = { appId: 'a', channel: 'presence-c' } as const;
    assert.deepEqual(toWebhookEvent({ type: 'channel_occupied', ...base }), {
      name: 'channel_occupied',
      channel: 'presence-c',
    });
    assert.deepEqual(toWebhookEvent({ type: 'channel_vacated', ...base }), {
      name: 'channel_vacated',
      channel: 'presence-c',
    });
    assert.deepEqual(toWebhookEvent({ type: 'cache_miss', ...base }), {
      name: 'cache_miss',
      channel: 'presence-c',
    });
    assert.deepEqual(toWebhookEvent({ type: 'member_added', ...base, userId: '7' }), {
      name: 'member_added',
      channel: 'presence-c',
      user_id: '7',
    });
    assert.deepEqual(toWebhookEvent({ type: 'member_removed', ...base, userId: '7' }), {
      name: 'member_removed',
      channel: 'presence-c',
      user_id: '7',
    });
    assert.deepEqual(toWebhookEvent({ type: 'subscription_count', ...base, count: 3 }), {
      name: 'subscription_count',
      channel: 'presence-c',
      subscription_count: 3,
    });
  });

  it('client_event: JSON-encodes object data, keeps strings, user_id only when given', () => {
    const withUser = toWebhookEvent({
      type: 'client_event',
      appId: 'a',
      channel: 'presence-chat',
      event: 'client-typing',
      data: { typing: true },
      socketId: '123.456',
      userId: '42',
    });
    assert.equal(
      JSON.stringify(withUser),
      '{"name":"client_event","channel":"presence-chat","event":"client-typing","data":"{\\"typing\\":true}","socket_id":"123.456","user_id":"42"}',
    );
    const noUser = toWebhookEvent({
      type: 'client_event',
      appId: 'a',
      channel: 'private-c',
      event: 'client-x',
      data: 'raw',
      socketId: '1.2',
    });
    assert.deepEqual(noUser, {
      name: 'client_event',
      channel: 'private-c',
      event: 'client-x',
      data: 'raw',
      socket_id: '1.2',
    });
    assert.ok(!('user_id' in noUser));
  });

  it('filters by event type and channel prefix', () => {
    const target = webhookSchema.parse({
      url: 'http://x/',
      eventTypes: ['channel_occupied'],
      channelPrefix: 'private-',
    });
    const ev = (channel: string) => ({ type: 'channel_occupied' as const, appId: 'a', channel });
    assert.equal(targetAccepts(target, ev('private-a')), true);
    assert.equal(targetAccepts(target, ev('public-a')), false);
    assert.equal(
      targetAccepts(target, { type: 'channel_vacated', appId: 'a', channel: 'private-a' }),
      false,
    );
    const all = webhookSchema.parse({ url: 'http://x/' });
    assert.equal(targetAccepts(all, { type: 'cache_miss', appId: 'a', channel: 'cache-x' }), true);
  });

  it('redacts credentials from URLs', () => {
    assert.equal(redactUrl('https://u:p@example.com/h?x=1'), 'https://example.com/h?x=1');
    assert.equal(redactUrl('http://example.com/h'), 'http://example.com/h');
  });
});

describe('retry backoff', () => {
  const policy = { baseMs: 100, maxDelayMs: 1000, maxAttempts: 5, maxAgeMs: 10_000 };

  it('doubles per attempt with jitter in the upper half, capped', () => {
    assert.equal(
      retryDelayMs(policy, 1, () => 0),
      50,
    );
    assert.equal(
      retryDelayMs(policy, 1, () => 0.999999),
      100,
    );
    assert.equal(
      retryDelayMs(policy, 3, () => 0),
      200,
    );
    assert.equal(
      retryDelayMs(policy, 3, () => 0.999999),
      400,
    );
    assert.equal(
      retryDelayMs(policy, 20, () => 0.999999),
      1000,
    );
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(policy, 2, Math.random);
      assert.ok(d >= 100 && d <= 200, String(d));
    }
  });

  it('honours a longer Retry-After, still capped', () => {
    assert.equal(
      retryDelayMs(policy, 1, () => 0, 700),
      700,
    );
    assert.equal(
      retryDelayMs(policy, 1, () => 0, 60_000),
      1000,
    );
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5_000);
  });

  it('retries 408, 429 and 5xx only', () => {
    for (const s of [408, 429, 500, 502, 503]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [301, 400, 401, 403, 404, 410, 413]) assert.equal(isRetryableStatus(s), false);
  });
});

describe('transition delay', () => {
  it('releases a leave after the delay unless an arrive cancels it', async () => {
    const released: string[] = [];
    const delay = new TransitionDelay<string>(20, (item) => released.push(item));
    delay.hold('a', 'vacated a');
    delay.hold('b', 'vacated b');
    assert.equal(delay.cancel('a'), true);
    assert.equal(delay.cancel('a'), false);
    assert.equal(delay.cancel('zzz'), false);
    await sleep(60);
    assert.deepEqual(released, ['vacated b']);
    assert.equal(delay.size, 0);
  });

  it('delay 0 releases at once; flush releases everything held in order', () => {
    const now: string[] = [];
    new TransitionDelay<string>(0, (i) => now.push(i)).hold('k', 'x');
    assert.deepEqual(now, ['x']);
    const released: string[] = [];
    const delay = new TransitionDelay<string>(60_000, (i) => released.push(i));
    delay.hold('a', '1');
    delay.hold('b', '2');
    delay.hold('a', '3'); // a second leave of the same key releases the first
    delay.flush();
    assert.deepEqual(released, ['1', '2', '3']);
    assert.equal(delay.size, 0);
  });
});

describe('memory webhook queue', () => {
  const d = (target: string, id: string): WebhookDelivery => ({
    id,
    target,
    appId: 'a',
    url: 'http://x',
    appKey: 'k',
    body: '{}',
    signature: 's',
    events: 1,
    createdAt: 0,
    attempts: 0,
  });

  it('is a FIFO per target', async () => {
    const q = new MemoryWebhookQueue();
    await q.push(d('t1', '1'));
    await q.push(d('t1', '2'));
    await q.push(d('t2', '3'));
    assert.equal((await q.peek('t1'))?.id, '1');
    await q.update({ ...d('t1', '1'), attempts: 2 });
    assert.equal((await q.peek('t1'))?.attempts, 2);
    await q.remove(d('t1', '1'));
    assert.equal((await q.peek('t1'))?.id, '2');
    assert.equal((await q.peek('t2'))?.id, '3');
    const pending = await q.pending();
    assert.deepEqual([...pending.keys()].sort(), ['t1', 't2']);
    await q.remove(d('t1', '2'));
    assert.equal(await q.peek('t1'), undefined);
  });
});
