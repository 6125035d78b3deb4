/**
 * The dispatcher on its own: a slow or failing app store, a custom queue behind the WebhookQueue
 * interface, and configuration errors for bad webhook URLs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryAdapter } from '../../src/adapters/memory.js';
import type { App, AppStore } from '../../src/apps/app-store.js';
import { StaticAppStore } from '../../src/apps/static-store.js';
import { ConfigError, parseConfig } from '../../src/config/parse.js';
import { ServerEvents, type ServerEvent } from '../../src/events.js';
import { createLogger } from '../../src/logger.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { MemoryWebhookQueue, type WebhookDelivery } from '../../src/webhooks/queue.js';
import { TEST_APP } from '../helpers/server.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/** An app store whose lookups resolve when the test says so (a database that is slow). */
class GatedStore implements AppStore {
  #gates: (() => void)[] = [];
  fail = false;
  constructor(private readonly app: App) {}
  async findById(id: string): Promise<App | undefined> {
    await new Promise<void>((resolve) => this.#gates.push(resolve));
    if (this.fail) throw new Error('database down');
    return id === this.app.id ? this.app : undefined;
  }
  findByKey(): Promise<App | undefined> {
    return Promise.resolve(undefined);
  }
  list(): Promise<readonly App[]> {
    return Promise.resolve([this.app]);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  open(): void {
    for (const gate of this.#gates.splice(0)) gate();
  }
}

describe('webhook dispatcher', () => {
  it('keeps event order while app lookups are pending, and survives a failing store', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const config = parseConfig({
      webhookBatchMs: 0,
      apps: [{ ...TEST_APP, webhooks: [{ url: receiver.url() }] }],
    });
    const store = new GatedStore(config.apps[0]!);
    const events = new ServerEvents();
    const dispatcher = new WebhookDispatcher({
      config,
      apps: store,
      adapter: new MemoryAdapter(),
      events,
      logger: createLogger('silent'),
    });
    dispatcher.start();
    const occupied = (channel: string): ServerEvent => ({
      type: 'channel_occupied',
      appId: TEST_APP.id,
      channel,
    });
    events.emit(occupied('a'));
    events.emit(occupied('b')); // joins the pending lookup's inbox
    store.open();
    await receiver.waitFor((r) => r.events().length === 2);
    store.fail = true;
    events.emit(occupied('lost'));
    store.open();
    await new Promise((resolve) => setImmediate(resolve));
    store.fail = false;
    events.emit(occupied('c'));
    const stopped = dispatcher.stop();
    store.open();
    await stopped;
    assert.deepEqual(
      receiver.events().map((e) => e.channel),
      ['a', 'b', 'c'],
    );
  });

  it('uses an injected WebhookQueue (the seam for a cluster-wide queue)', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const config = parseConfig({
      webhookBatchMs: 0,
      apps: [{ ...TEST_APP, webhooks: [{ url: receiver.url() }] }],
    });
    const pushed: WebhookDelivery[] = [];
    const removed: string[] = [];
    class RecordingQueue extends MemoryWebhookQueue {
      override push(d: WebhookDelivery): Promise<void> {
        pushed.push(d);
        return super.push(d);
      }
      override remove(d: WebhookDelivery): Promise<void> {
        removed.push(d.id);
        return super.remove(d);
      }
    }
    const events = new ServerEvents();
    const dispatcher = new WebhookDispatcher(
      {
        config,
        apps: new StaticAppStore(config.apps),
        adapter: new MemoryAdapter(),
        events,
        logger: createLogger('silent'),
      },
      { queue: new RecordingQueue() },
    );
    dispatcher.start();
    events.emit({ type: 'cache_miss', appId: TEST_APP.id, channel: 'cache-x' });
    await dispatcher.stop();
    assert.equal(pushed.length, 1);
    assert.deepEqual(removed, [pushed[0]!.id]);
    assert.equal(receiver.requests[0]!.rawBody, pushed[0]!.body);
    assert.equal(receiver.requests[0]!.headers['x-pusher-signature'], pushed[0]!.signature);
  });

  it('drops a held leave when the adapter shows the channel or member back (rejoin on another node)', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const config = parseConfig({
      webhookBatchMs: 0,
      webhookVacateDelayMs: 20,
      apps: [{ ...TEST_APP, webhooks: [{ url: receiver.url() }] }],
    });
    // What the cluster reports once the delay ends: "busy" is occupied again, "u1" is back.
    const adapter = {
      channel: (_app: string, channel: string) =>
        Promise.resolve({ subscriptionCount: channel === 'presence-busy' ? 1 : 0 }),
      presenceMembers: (_app: string, channel: string) =>
        Promise.resolve(new Map<string, unknown>(channel === 'presence-busy' ? [['u1', {}]] : [])),
    };
    const events = new ServerEvents();
    const dispatcher = new WebhookDispatcher({
      config,
      apps: new StaticAppStore(config.apps),
      adapter,
      events,
      logger: createLogger('silent'),
    });
    dispatcher.start();
    const emit = (e: Record<string, unknown> & { type: ServerEvent['type'] }) =>
      events.emit({ appId: TEST_APP.id, ...e } as ServerEvent);
    emit({ type: 'member_removed', channel: 'presence-busy', userId: 'u1' });
    emit({ type: 'channel_vacated', channel: 'presence-busy' });
    emit({ type: 'member_removed', channel: 'presence-empty', userId: 'u1' });
    emit({ type: 'channel_vacated', channel: 'presence-empty' });
    await receiver.waitFor((r) => r.events().length === 2);
    await dispatcher.stop();
    assert.deepEqual(receiver.events(), [
      { name: 'member_removed', channel: 'presence-empty', user_id: 'u1' },
      { name: 'channel_vacated', channel: 'presence-empty' },
    ]);
  });

  it('rejects non-http webhook URLs at configuration time', () => {
    assert.throws(
      () => parseConfig({ apps: [{ ...TEST_APP, webhooks: [{ url: 'ftp://example.com/x' }] }] }),
      (error: unknown) =>
        error instanceof ConfigError && error.paths.includes('apps.0.webhooks.0.url'),
    );
    assert.throws(() => parseConfig({ webhookUrl: 'javascript:alert(1)' }), ConfigError);
    assert.throws(
      () =>
        parseConfig({
          apps: [{ ...TEST_APP, webhooks: [{ url: 'http://x/', eventTypes: ['nope'] }] }],
        }),
      ConfigError,
    );
  });
});
