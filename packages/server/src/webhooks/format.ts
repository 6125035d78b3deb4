/**
 * @module
 * Turns server events into webhook events (the wire objects of `@herald/sdk/protocol`) and decides
 * which targets want them. Pure functions, no I/O.
 */
import type { WebhookEvent, WebhookEventName } from '@herald/sdk/protocol';
import type { WebhookConfig } from '../config/schema.js';
import type { ServerEvent } from '../events.js';

/** A server event that has a webhook counterpart. */
export type WebhookSourceEvent = Extract<ServerEvent, { type: WebhookEventName }>;

const SOURCE_TYPES: ReadonlySet<string> = new Set<WebhookEventName>([
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
  'subscription_count',
]);

/** True when `event` can become a webhook event. */
export function isWebhookSource(event: ServerEvent): event is WebhookSourceEvent {
  return SOURCE_TYPES.has(event.type);
}

/** True when `target` wants events of this type on this channel. */
export function targetAccepts(target: WebhookConfig, event: WebhookSourceEvent): boolean {
  if (!target.eventTypes.includes(event.type)) return false;
  return target.channelPrefix === undefined || event.channel.startsWith(target.channelPrefix);
}

/**
 * The webhook event for `event`, with exactly the fields Pusher sends (protocol.md §12). Client-event
 * data that is not already a string is JSON-encoded, as the `pusher` SDK's typings expect a string.
 */
export function toWebhookEvent(event: WebhookSourceEvent): WebhookEvent {
  switch (event.type) {
    case 'channel_occupied':
    case 'channel_vacated':
    case 'cache_miss':
      return { name: event.type, channel: event.channel };
    case 'member_added':
    case 'member_removed':
      return { name: event.type, channel: event.channel, user_id: event.userId };
    case 'subscription_count':
      return { name: event.type, channel: event.channel, subscription_count: event.count };
    case 'client_event': {
      const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data ?? null);
      return event.userId === undefined
        ? {
            name: 'client_event',
            channel: event.channel,
            event: event.event,
            data,
            socket_id: event.socketId,
          }
        : {
            name: 'client_event',
            channel: event.channel,
            event: event.event,
            data,
            socket_id: event.socketId,
            user_id: event.userId,
          };
    }
  }
}

/** `url` without user name and password, for logs and events. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[invalid url]';
  }
}
