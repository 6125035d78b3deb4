/**
 * The console in a real browser: playwright-core drives Debian's `chromium` (apt-get install
 * chromium). Without chromium the suite skips, except with CI=true where it fails.
 * Screenshots of the main views go to test-output/console/ for review.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { channelAuthStringToSign, formatAuthToken } from '@herald/sdk/protocol';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import PusherJsModule from 'pusher-js';
import WebSocket from 'ws';
import type { ServerEvent } from '../../src/events.js';
import type { TestServer } from '../helpers/server.js';
import { APP_A, fakeConnection, startConsoleServer, trackListeners } from './helpers.js';

// pusher-js is CommonJS whose typings declare an ES default export: at runtime the default import is the class.
const Pusher = PusherJsModule as unknown as typeof PusherJsModule.default;

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUTPUT = resolve(import.meta.dirname, '../../../../test-output/console');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env['CI'] === 'true')
  throw new Error(`Browser tests need chromium at ${CHROMIUM} (apt-get install -y chromium)`);

/** Launches chromium with a fresh profile; returns the context and a cleanup. */
async function launch(): Promise<{ context: BrowserContext; dispose: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'herald-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    dispose: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, `${name}.png`) });
}

/** True when the WebSocket side answers the Pusher handshake (not the 501 placeholder). */
async function webSocketSideExists(server: TestServer): Promise<boolean> {
  return new Promise((done) => {
    const socket = new WebSocket(`${server.wsUrl}/app/${APP_A.key}?protocol=7`);
    const timer = setTimeout(() => finish(false), 2000);
    const finish = (value: boolean) => {
      clearTimeout(timer);
      socket.terminate();
      done(value);
    };
    socket.on('message', (raw: Buffer) =>
      finish(raw.toString('utf8').includes('pusher:connection_established')),
    );
    socket.on('error', () => finish(false));
    socket.on('unexpected-response', () => finish(false));
  });
}

/** A pusher-js client of app A; with `user`, it authorizes presence channels as that user. */
function connect(server: TestServer, user?: { id: string; info: unknown }) {
  return new Pusher(APP_A.key, {
    cluster: '',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '',
      transport: 'ajax',
      // Signs like a backend would (protocol.md §6), without an HTTP round trip.
      customHandler: ({ socketId, channelName }, callback) => {
        const channelData = user
          ? JSON.stringify({ user_id: user.id, user_info: user.info })
          : undefined;
        const signature = createHmac('sha256', APP_A.secret)
          .update(channelAuthStringToSign(socketId, channelName, channelData))
          .digest('hex');
        callback(null, {
          auth: formatAuthToken(APP_A.key, signature),
          ...(channelData !== undefined ? { channel_data: channelData } : {}),
        });
      },
    },
  });
}

/** True when the HTTP API is more than the 501 placeholder. */
async function httpApiExists(server: TestServer): Promise<boolean> {
  const response = await fetch(`${server.apiUrl}/apps/${APP_A.id}/channels`);
  await response.arrayBuffer();
  return response.status !== 501;
}

describe(
  'console in chromium',
  { skip: haveChromium ? false : `no chromium at ${CHROMIUM}` },
  () => {
    let browser: Awaited<ReturnType<typeof launch>>;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.dispose());

    it('refuses a wrong secret', async (t) => {
      const server = await startConsoleServer(t);
      const page = await browser.context.newPage();
      t.after(() => page.close());
      await page.goto(`${server.apiUrl}/console`);
      await page.getByLabel('App key').fill(APP_A.key);
      await page.getByLabel('App secret or console token').fill('not-the-secret');
      await shot(page, '01-sign-in');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong app key or secret' }).waitFor();
      assert.equal(await page.locator('#console-view').isVisible(), false);
      await shot(page, '02-wrong-secret');
    });

    it('signs in, shows the live feed with filters, pause and clear, state, and sends', async (t) => {
      const server = await startConsoleServer(t);
      const { events, adapter } = server.server.context;
      const listeners = trackListeners(events);
      const page = await browser.context.newPage();
      t.after(() => page.close());
      await page.goto(`${server.apiUrl}/console/`);
      await page.getByLabel('App key').fill(APP_A.key);
      // Keyboard only: Enter submits the form.
      await page.getByLabel('App secret or console token').fill(APP_A.secret);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      assert.equal(await page.locator('#app-id').textContent(), APP_A.id);
      assert.equal(listeners.count, 1, 'the console listens while its page is open');

      const emit = (event: ServerEvent) => events.emit(event);
      const a1 = fakeConnection('11.1');
      const a2 = fakeConnection('11.2');
      adapter.addConnection(APP_A.id, a1);
      adapter.addConnection(APP_A.id, a2);
      await adapter.subscribe(APP_A.id, 'orders', a1);
      await adapter.subscribe(APP_A.id, 'presence-room', a2, {
        member: { userId: 'ada', userInfo: { name: 'Ada' } },
      });
      emit({ type: 'connection_opened', appId: APP_A.id, socketId: '11.1' });
      emit({ type: 'subscribed', appId: APP_A.id, channel: 'orders', socketId: '11.1' });
      emit({ type: 'channel_occupied', appId: APP_A.id, channel: 'orders' });
      emit({ type: 'member_added', appId: APP_A.id, channel: 'presence-room', userId: 'ada' });
      emit({
        type: 'api_event',
        appId: APP_A.id,
        channels: ['orders'],
        event: 'order-shipped',
        data: '{"id":7}',
      });
      emit({
        type: 'client_event',
        appId: APP_A.id,
        channel: 'presence-room',
        event: 'client-typing',
        data: '{"typing":true}',
        socketId: '11.2',
        userId: 'ada',
      });
      emit({
        type: 'webhook_sent',
        appId: APP_A.id,
        url: 'http://127.0.0.1:9/hook',
        events: 2,
        ok: true,
        status: 200,
        attempt: 1,
        outcome: 'delivered',
      });
      emit({ type: 'connection_opened', appId: 'app-b', socketId: '99.9' });
      const feed = page.locator('#feed-body tr');
      await feed.filter({ hasText: 'webhook_sent' }).waitFor();
      assert.equal(await feed.count(), 7);
      assert.equal(await feed.filter({ hasText: '99.9' }).count(), 0, "no other app's events");
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('#connections').filter({ hasText: '2' }).waitFor();
      await page.getByRole('button', { name: 'Show members of presence-room' }).click();
      await page.locator('#members-list li').filter({ hasText: 'ada' }).waitFor();
      await shot(page, '03-feed-and-state');

      // Filters.
      await page.getByLabel('Type').selectOption('subscription');
      assert.equal(await feed.count(), 1);
      await page.getByLabel('Type').selectOption('');
      await page.getByLabel('Channel', { exact: true }).fill('presence');
      assert.equal(await feed.count(), 2);
      await shot(page, '04-filtered');
      await page.getByLabel('Channel', { exact: true }).fill('');

      // Pause keeps new entries out of view until resumed; clear empties the feed.
      await page.getByRole('button', { name: 'Pause' }).click();
      assert.equal(
        await page.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed'),
        'true',
      );
      emit({ type: 'unsubscribed', appId: APP_A.id, channel: 'orders', socketId: '11.1' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await feed.filter({ hasText: 'unsubscribed' }).count(), 0);
      await page.getByRole('button', { name: 'Resume' }).click();
      await feed.filter({ hasText: 'unsubscribed' }).waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();
      assert.equal(await feed.count(), 0);

      // Send: bad JSON is caught in the page; a good one goes through the signed HTTP API.
      await page.getByLabel('Channels').fill('orders');
      await page.getByLabel('Event name').fill('order-shipped');
      await page.getByLabel('Data').fill('{not json');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#send-result').filter({ hasText: 'not valid JSON' }).waitFor();
      await page.getByLabel('Data').fill('{"id":8}');
      await page.getByRole('button', { name: 'Send' }).click();
      const result = page.locator('#send-result');
      await result.filter({ hasText: /Sent|Not sent/ }).waitFor();
      if (await httpApiExists(server)) {
        assert.match((await result.textContent())!, /Sent \(HTTP API answered 200\)/);
        await feed.filter({ hasText: 'order-shipped' }).waitFor();
      } else {
        assert.match((await result.textContent())!, /Not sent: HTTP 501/);
      }
      await shot(page, '05-sent');

      // Sign out ends the stream and the session.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('alert').filter({ hasText: 'Signed out.' }).waitFor();
      while (listeners.count > 0) await new Promise((r) => setTimeout(r, 20));
    });

    it('shows pusher-js clients connect, join presence, send a client event and receive an event sent from the form', async (t) => {
      const server = await startConsoleServer(t);
      if (!(await webSocketSideExists(server)) || !(await httpApiExists(server))) {
        t.skip('the WebSocket side or the HTTP API is still a placeholder');
        return;
      }
      const page = await browser.context.newPage();
      t.after(() => page.close());
      await page.goto(`${server.apiUrl}/console/`);
      await page.getByLabel('App key').fill(APP_A.key);
      await page.getByLabel('App secret or console token').fill(APP_A.secret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

      const client = connect(server);
      t.after(() => client.disconnect());
      const received = new Promise<unknown>((resolve) =>
        client.subscribe('orders').bind('order-shipped', resolve),
      );
      const feed = page.locator('#feed-body tr');
      await feed.filter({ hasText: 'connection_opened' }).waitFor();
      await feed.filter({ hasText: 'subscribed' }).filter({ hasText: 'orders' }).waitFor();

      // Two users in a presence channel; one sends a client event.
      const ada = connect(server, { id: 'ada', info: { name: 'Ada' } });
      const bob = connect(server, { id: 'bob', info: { name: 'Bob' } });
      t.after(() => ada.disconnect());
      t.after(() => bob.disconnect());
      const typing = new Promise<unknown>((resolve) =>
        bob.subscribe('presence-room').bind('client-typing', resolve),
      );
      const adaRoom = ada.subscribe('presence-room');
      await new Promise((resolve) => adaRoom.bind('pusher:subscription_succeeded', resolve));
      await feed.filter({ hasText: 'member_added' }).filter({ hasText: 'bob' }).waitFor();
      adaRoom.trigger('client-typing', { typing: true });
      assert.deepEqual(await typing, { typing: true });
      await feed.filter({ hasText: 'client_event' }).filter({ hasText: 'client-typing' }).waitFor();

      await page.getByLabel('Channels').fill('orders');
      await page.getByLabel('Event name').fill('order-shipped');
      await page.getByLabel('Data').fill('{"id":9}');
      await page.getByRole('button', { name: 'Send' }).click();
      assert.deepEqual(await received, { id: 9 });
      await feed.filter({ hasText: 'api_event' }).filter({ hasText: 'order-shipped' }).waitFor();
      await page.locator('#send-result').filter({ hasText: 'Sent' }).waitFor();
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('#connections').filter({ hasText: '3' }).waitFor();
      await page.getByRole('button', { name: 'Show members of presence-room' }).click();
      await page.locator('#members-list li').filter({ hasText: 'bob' }).waitFor();
      assert.equal(await page.locator('#members-list li').count(), 2);
      await shot(page, '06-pusher-js-client');
    });
  },
);
