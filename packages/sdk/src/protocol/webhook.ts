/**
 * @module
 * Webhook request rules: the header names, the content type and what is signed.
 */

/** Header carrying the app key whose secret signed the webhook (lower-case, as Node exposes headers). */
export const WEBHOOK_KEY_HEADER = 'x-pusher-key';

/** Header carrying the lowercase hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-pusher-signature';

/** The content type Pusher sends webhooks with (`pusher` 5.x compares it exactly). */
export const WEBHOOK_CONTENT_TYPE = 'application/json';

/** The webhook event names Pusher sends. */
export const WEBHOOK_EVENT_NAMES = [
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
  'subscription_count',
] as const;

/** One of {@link WEBHOOK_EVENT_NAMES}. */
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];
