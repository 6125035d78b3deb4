/**
 * @module
 * The webhook dispatcher: listens to the server event bus, holds leave transitions for the vacate
 * delay, batches events per app target, and delivers each target's requests in order with retries.
 * The bus listener only appends to an array, so a slow or dead endpoint never slows message
 * delivery; each target has its own FIFO, so it never slows other targets or apps either.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookEvent } from '@herald/sdk/protocol';
import { Agent, type Dispatcher } from 'undici';
import type { Adapter } from '../adapters/adapter.js';
import type { App, AppStore } from '../apps/app-store.js';
import type { Config } from '../config/schema.js';
import type { ServerEvent, ServerEvents } from '../events.js';
import type { Logger } from '../logger.js';
import { retryDelayMs, type RetryPolicy } from './backoff.js';
import {
  isWebhookSource,
  redactUrl,
  targetAccepts,
  toWebhookEvent,
  type WebhookSourceEvent,
} from './format.js';
import { MemoryWebhookQueue, type WebhookDelivery, type WebhookQueue } from './queue.js';
import { sendWebhook } from './sender.js';
import { webhookSignature } from './signature.js';
import { TransitionDelay } from './transitions.js';

/** What the dispatcher needs from the server (a subset of `ServerContext`). */
export interface WebhookDispatcherDeps {
  readonly config: Config;
  readonly apps: AppStore;
  /** Asked, when a held leave's delay ends, whether the channel or member came back on any node. */
  readonly adapter: Pick<Adapter, 'channel' | 'presenceMembers'>;
  readonly events: ServerEvents;
  readonly logger: Logger;
}

/** Replaceable parts, for a cluster-wide queue and for tests. */
export interface WebhookDispatcherOptions {
  /** Where sealed requests wait (default: in memory). */
  readonly queue?: WebhookQueue;
  /** The undici dispatcher used for requests (default: a private `Agent`, closed on stop). */
  readonly httpDispatcher?: Dispatcher;
  /** Jitter source in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/** One webhook target of one app, with its open batch and its delivery state. */
interface Target {
  /** FIFO id: app id, target index and URL. */
  readonly key: string;
  readonly appId: string;
  readonly url: string;
  /** `url` without credentials, for logs and events. */
  readonly safeUrl: string;
  appKey: string;
  secret: string;
  /** Events not yet sealed into a request, each already serialized (once for all targets). */
  open: string[];
  /** UTF-8 bytes of `open`, commas included. */
  openBytes: number;
  /** Channels with a cache_miss in `open` (Pusher de-duplicates them). */
  readonly openCacheMisses: Set<string>;
  timer: NodeJS.Timeout | undefined;
  /** Events accepted and not yet delivered or given up (the queue bound). */
  queuedEvents: number;
  /** Events refused because the bound was reached, not yet logged. */
  dropped: number;
  /** A drain loop runs. */
  draining: boolean;
  /** Something was queued since the drain loop last looked. */
  wake: boolean;
  drain: Promise<void> | undefined;
}

type Held = { readonly app: App; readonly event: WebhookSourceEvent };

const SEP = '\u0000';

/** Events of one app kept while its lookup is pending (only a hanging app store gets near it). */
const MAX_EVENTS_PER_LOOKUP = 100_000;

/** Sends an app's server events to its webhook targets. Start it once; stop it once. */
export class WebhookDispatcher {
  readonly #config: Config;
  readonly #apps: AppStore;
  readonly #adapter: Pick<Adapter, 'channel' | 'presenceMembers'>;
  readonly #events: ServerEvents;
  readonly #logger: Logger;
  readonly #queue: WebhookQueue;
  readonly #http: Dispatcher;
  readonly #ownsHttp: boolean;
  readonly #random: () => number;
  readonly #policy: RetryPolicy;
  readonly #delay: TransitionDelay<Held>;
  /** Events waiting for their app lookup, per app id (keeps arrival order). */
  readonly #inboxes = new Map<string, WebhookSourceEvent[]>();
  readonly #inboxOverflow = new Map<string, number>();
  /** App lookups and leave releases in progress (stop waits for them). */
  readonly #lookups = new Set<Promise<void>>();
  readonly #pushes = new Set<Promise<void>>();
  readonly #targets = new Map<string, Target>();
  /** Aborted when the shutdown deadline passes: in-flight requests and backoff waits end. */
  readonly #deadline = new AbortController();
  #off: (() => void) | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #dropTimer: NodeJS.Timeout | undefined;

  constructor(deps: WebhookDispatcherDeps, options: WebhookDispatcherOptions = {}) {
    this.#config = deps.config;
    this.#apps = deps.apps;
    this.#adapter = deps.adapter;
    this.#events = deps.events;
    this.#logger = deps.logger.child({ component: 'webhooks' });
    this.#queue = options.queue ?? new MemoryWebhookQueue();
    this.#ownsHttp = options.httpDispatcher === undefined;
    this.#http =
      options.httpDispatcher ??
      new Agent({ connect: { timeout: deps.config.webhookTimeoutMs }, keepAliveTimeout: 10_000 });
    this.#random = options.random ?? Math.random;
    this.#policy = {
      baseMs: deps.config.webhookRetryBaseMs,
      maxDelayMs: deps.config.webhookRetryMaxDelayMs,
      maxAttempts: deps.config.webhookMaxAttempts,
      maxAgeMs: deps.config.webhookMaxAgeMs,
    };
    this.#delay = new TransitionDelay<Held>(deps.config.webhookVacateDelayMs, (held) =>
      this.#track(this.#release(held)),
    );
  }

  /** Starts listening to the event bus. Idempotent. */
  start(): void {
    if (this.#stopping) return;
    this.#off ??= this.#events.on(this.#onEvent);
  }

  /**
   * Stops listening and flushes: held leaves are released, open batches sealed, and every queued
   * request is delivered (with retries) until `shutdownTimeoutMs`. What is left then is logged with
   * its count. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#flush();
    return this.#stopped;
  }

  // The bus listener: must not throw or block, and costs one array push for apps without webhooks.
  readonly #onEvent = (event: ServerEvent): void => {
    if (!isWebhookSource(event)) return;
    const inbox = this.#inboxes.get(event.appId);
    if (inbox) {
      // Bounded while a (database) app lookup hangs; #lookup reports what was refused.
      if (inbox.length < MAX_EVENTS_PER_LOOKUP) inbox.push(event);
      else this.#inboxOverflow.set(event.appId, (this.#inboxOverflow.get(event.appId) ?? 0) + 1);
      return;
    }
    this.#inboxes.set(event.appId, [event]);
    this.#track(this.#lookup(event.appId));
  };

  async #lookup(appId: string): Promise<void> {
    let app: App | undefined;
    let failure: unknown;
    try {
      app = await this.#apps.findById(appId);
    } catch (error) {
      failure = error;
    }
    // Events that arrived during the lookup were appended to the same inbox: order is kept.
    const events = this.#inboxes.get(appId) ?? [];
    this.#inboxes.delete(appId);
    const overflow = this.#inboxOverflow.get(appId);
    if (overflow !== undefined) {
      this.#inboxOverflow.delete(appId);
      if (app && app.webhooks.length > 0)
        this.#logger.error(
          { appId, events: overflow },
          'App lookup too slow; webhook events dropped',
        );
    }
    if (failure !== undefined) {
      this.#logger.error(
        { appId, events: events.length, err: failure },
        'App lookup failed; webhook events given up',
      );
      return;
    }
    if (!app || app.webhooks.length === 0) return;
    for (const event of events) this.#accept(app, event);
  }

  /** Applies the vacate delay: leaves wait, an arrive cancels a waiting leave (both dropped). */
  #accept(app: App, event: WebhookSourceEvent): void {
    switch (event.type) {
      case 'channel_vacated':
        return this.#delay.hold(`c${SEP}${app.id}${SEP}${event.channel}`, { app, event });
      case 'member_removed':
        return this.#delay.hold(`m${SEP}${app.id}${SEP}${event.channel}${SEP}${event.userId}`, {
          app,
          event,
        });
      case 'channel_occupied':
        if (this.#delay.cancel(`c${SEP}${app.id}${SEP}${event.channel}`)) return;
        break;
      case 'member_added':
        if (this.#delay.cancel(`m${SEP}${app.id}${SEP}${event.channel}${SEP}${event.userId}`))
          return;
        break;
      case 'client_event':
      case 'cache_miss':
      case 'subscription_count':
        break;
    }
    this.#route(app, event);
  }

  /**
   * A held leave whose delay ended. The local arrive cancels it earlier; this check covers a
   * rejoin on another node of a cluster (the other node has sent its own occupied/added then).
   * When the adapter cannot answer, the leave is sent: a spare event beats a lost one.
   */
  async #release({ app, event }: Held): Promise<void> {
    if (this.#config.webhookVacateDelayMs > 0) {
      try {
        const back =
          event.type === 'channel_vacated'
            ? (await this.#adapter.channel(app.id, event.channel)).subscriptionCount > 0
            : event.type === 'member_removed' &&
              (await this.#adapter.presenceMembers(app.id, event.channel)).has(event.userId);
        if (back) return;
      } catch (error) {
        this.#logger.warn({ appId: app.id, err: error }, 'Adapter query failed; sending the leave');
      }
    }
    this.#route(app, event);
  }

  #track(work: Promise<void>): void {
    this.#lookups.add(work);
    void work.finally(() => this.#lookups.delete(work));
  }

  /** Hands `event` to every target of `app` that wants it. */
  #route(app: App, event: WebhookSourceEvent): void {
    let wire: WebhookEvent | undefined;
    let json = '';
    app.webhooks.forEach((config, index) => {
      if (!targetAccepts(config, event)) return;
      if (!wire) {
        wire = toWebhookEvent(event);
        json = JSON.stringify(wire);
      }
      this.#add(this.#target(app, index, config.url), wire, json);
    });
  }

  #target(app: App, index: number, url: string): Target {
    const key = `${app.id}${SEP}${index}${SEP}${url}`;
    let target = this.#targets.get(key);
    if (!target) {
      target = {
        key,
        appId: app.id,
        url,
        safeUrl: redactUrl(url),
        appKey: app.key,
        secret: app.secret,
        open: [],
        openBytes: 0,
        openCacheMisses: new Set(),
        timer: undefined,
        queuedEvents: 0,
        dropped: 0,
        draining: false,
        wake: false,
        drain: undefined,
      };
      this.#targets.set(key, target);
    } else {
      // Apps from a database may rotate credentials; sign with the current ones.
      target.appKey = app.key;
      target.secret = app.secret;
    }
    return target;
  }

  #add(target: Target, event: WebhookEvent, json: string): void {
    if (target.queuedEvents >= this.#config.webhookQueueMaxEvents) {
      target.dropped += 1;
      this.#dropTimer ??= setTimeout(() => this.#reportDrops(), 1000).unref();
      return;
    }
    if (event.name === 'cache_miss') {
      if (target.openCacheMisses.has(event.channel)) return;
      target.openCacheMisses.add(event.channel);
    }
    const bytes = Buffer.byteLength(json) + 1;
    // Keep bodies under the byte bound (receivers often cap bodies at 100 KB); a single larger
    // event still goes, alone.
    if (target.open.length > 0 && target.openBytes + bytes > this.#config.webhookBatchMaxBytes) {
      this.#seal(target);
    }
    target.open.push(json);
    target.openBytes += bytes;
    target.queuedEvents += 1;
    if (target.open.length >= this.#config.webhookBatchMaxEvents || this.#stopping) {
      this.#seal(target);
    } else {
      target.timer ??= setTimeout(() => this.#seal(target), this.#config.webhookBatchMs).unref();
    }
  }

  /** Turns the open batch into a signed request and queues it. */
  #seal(target: Target): void {
    if (target.timer) clearTimeout(target.timer);
    target.timer = undefined;
    if (target.open.length === 0) return;
    const events = target.open;
    target.open = [];
    target.openBytes = 0;
    target.openCacheMisses.clear();
    const now = Date.now();
    // Byte-for-byte what JSON.stringify({ time_ms, events }) gives (a WebhookBody), without
    // serializing each event again.
    const body = `{"time_ms":${now},"events":[${events.join(',')}]}`;
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      target: target.key,
      appId: target.appId,
      url: target.url,
      appKey: target.appKey,
      body,
      signature: webhookSignature(target.secret, body),
      events: events.length,
      createdAt: now,
      attempts: 0,
    };
    const push = this.#queue.push(delivery).then(
      () => this.#kick(target),
      (error: unknown) => {
        target.queuedEvents -= delivery.events;
        this.#giveUp(target, delivery, 0, undefined, error, 'Webhook request could not be queued');
      },
    );
    this.#pushes.add(push);
    void push.finally(() => this.#pushes.delete(push));
  }

  #kick(target: Target): void {
    target.wake = true;
    if (target.draining || this.#deadline.signal.aborted) return;
    target.draining = true;
    target.drain = this.#drain(target).finally(() => {
      target.draining = false;
    });
  }

  /** Delivers the target's FIFO head by head; a failing head holds the rest (per-channel order). */
  async #drain(target: Target): Promise<void> {
    try {
      while (!this.#deadline.signal.aborted) {
        target.wake = false;
        const delivery = await this.#queue.peek(target.key);
        if (!delivery) {
          if (target.wake) continue;
          return;
        }
        await this.#attempt(target, delivery);
      }
    } catch (error) {
      this.#logger.error(
        { appId: target.appId, url: target.safeUrl, err: error },
        'Webhook queue failed',
      );
    }
  }

  async #attempt(target: Target, delivery: WebhookDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    const result = await sendWebhook(
      this.#http,
      delivery,
      this.#config.webhookTimeoutMs,
      this.#deadline.signal,
    );
    if (result.ok) {
      await this.#queue.remove(delivery);
      target.queuedEvents -= delivery.events;
      this.#emit(target, delivery, attempt, 'delivered', result.status);
      return;
    }
    // At the shutdown deadline the request stays queued; stop() reports it.
    if (this.#deadline.signal.aborted) return;
    const age = Date.now() - delivery.createdAt;
    if (!result.retryable || attempt >= this.#policy.maxAttempts || age >= this.#policy.maxAgeMs) {
      await this.#queue.remove(delivery);
      target.queuedEvents -= delivery.events;
      this.#giveUp(
        target,
        delivery,
        attempt,
        result.status,
        result.error,
        'Webhook request given up',
      );
      return;
    }
    await this.#queue.update({ ...delivery, attempts: attempt });
    this.#emit(target, delivery, attempt, 'retrying', result.status);
    const wait = Math.min(
      retryDelayMs(this.#policy, attempt, this.#random, result.retryAfterMs),
      this.#policy.maxAgeMs - age,
    );
    this.#logger.warn(
      {
        appId: target.appId,
        url: target.safeUrl,
        status: result.status,
        error: result.error,
        attempt,
        retryInMs: wait,
      },
      'Webhook request failed; will retry',
    );
    await sleep(wait, undefined, { signal: this.#deadline.signal, ref: false }).catch(() => {});
  }

  #giveUp(
    target: Target,
    delivery: WebhookDelivery,
    attempt: number,
    status: number | undefined,
    error: unknown,
    message: string,
  ): void {
    this.#logger.error(
      {
        appId: target.appId,
        url: target.safeUrl,
        events: delivery.events,
        attempts: attempt,
        status,
        err: error,
      },
      message,
    );
    this.#emit(target, delivery, attempt, 'failed', status);
  }

  #emit(
    target: Target,
    delivery: Pick<WebhookDelivery, 'events'>,
    attempt: number,
    outcome: 'delivered' | 'retrying' | 'failed' | 'dropped',
    status: number | undefined,
  ): void {
    this.#events.emit({
      type: 'webhook_sent',
      appId: target.appId,
      url: target.safeUrl,
      events: delivery.events,
      ok: outcome === 'delivered',
      ...(status === undefined ? {} : { status }),
      attempt,
      outcome,
    });
  }

  #reportDrops(): void {
    if (this.#dropTimer) clearTimeout(this.#dropTimer);
    this.#dropTimer = undefined;
    for (const target of this.#targets.values()) {
      if (target.dropped === 0) continue;
      const events = target.dropped;
      target.dropped = 0;
      this.#logger.error(
        {
          appId: target.appId,
          url: target.safeUrl,
          events,
          limit: this.#config.webhookQueueMaxEvents,
        },
        'Webhook queue full; events dropped',
      );
      this.#emit(target, { events }, 0, 'dropped', undefined);
    }
  }

  async #flush(): Promise<void> {
    this.#stopping = true;
    // Events already emitted (e.g. the vacates of closing sockets) still count.
    while (this.#lookups.size > 0) await Promise.all([...this.#lookups]);
    this.#off?.();
    this.#off = undefined;
    this.#delay.flush();
    while (this.#lookups.size > 0) await Promise.all([...this.#lookups]);
    for (const target of this.#targets.values()) this.#seal(target);
    const deadline = setTimeout(
      () => this.#deadline.abort(),
      this.#config.shutdownTimeoutMs,
    ).unref();
    for (;;) {
      const busy = [
        ...this.#pushes,
        ...[...this.#targets.values()].flatMap((t) => (t.draining && t.drain ? [t.drain] : [])),
      ];
      if (busy.length === 0) break;
      await Promise.all(busy);
    }
    clearTimeout(deadline);
    this.#reportDrops();
    const pending: ReadonlyMap<string, readonly WebhookDelivery[]> = await this.#queue
      .pending()
      .catch(() => new Map());
    for (const [key, deliveries] of pending) {
      const target = this.#targets.get(key);
      if (!target || deliveries.length === 0) continue;
      const events = deliveries.reduce((sum, d) => sum + d.events, 0);
      this.#logger.error(
        { appId: target.appId, url: target.safeUrl, events, requests: deliveries.length },
        'Webhook events not delivered by the shutdown deadline',
      );
      this.#emit(target, { events }, deliveries[0]?.attempts ?? 0, 'failed', undefined);
    }
    await this.#queue.close();
    if (this.#ownsHttp) {
      await (this.#deadline.signal.aborted ? this.#http.destroy() : this.#http.close());
    }
  }
}
