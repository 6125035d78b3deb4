/**
 * The dispatcher on its own: a slow or failing app store, a custom queue behind the WebhookQueue
 * interface, and configuration errors for bad webhook URLs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
      { config, apps: new StaticAppStore(config.apps), events, logger: createLogger('silent') },
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
