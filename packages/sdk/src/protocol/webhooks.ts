/**
 * @module
 * The webhook wire format: header names, content type and the JSON body Pusher (and Herald) POST
 * to a webhook URL. The signature is `HMAC-SHA256(app secret, raw body bytes)` in lower-case hex;
 * whoever holds a hash implementation computes it (node:crypto in the server, the SDK's own HMAC
 * when verifying), over the exact body bytes sent, never a re-serialised copy.
 */

/** Header carrying the app key (lower-case, as node:http exposes it). */
export const WEBHOOK_KEY_HEADER = 'x-pusher-key';

/** Header carrying the hex HMAC-SHA256 of the raw body with the app secret. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-pusher-signature';

/** The exact `Content-Type` of a webhook request; the `pusher` SDK compares it with `===`. */
export const WEBHOOK_CONTENT_TYPE = 'application/json';

/** Webhook event names, in the order the Pusher docs list them. */
export const WEBHOOK_EVENT_NAMES = [
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
  'subscription_count',
] as const;

/** One webhook event name. */
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

/** One event inside a webhook body, exactly as sent. */
export type WebhookEvent =
  | {
      readonly name: 'channel_occupied' | 'channel_vacated' | 'cache_miss';
      readonly channel: string;
    }
  | {
      readonly name: 'member_added' | 'member_removed';
      readonly channel: string;
      readonly user_id: string;
    }
  | {
      readonly name: 'client_event';
      readonly channel: string;
      readonly event: string;
      /** The client's data, JSON-encoded when it was not a string. */
      readonly data: string;
      readonly socket_id: string;
      /** Present on presence channels only. */
      readonly user_id?: string;
    }
  | {
      readonly name: 'subscription_count';
      readonly channel: string;
      readonly subscription_count: number;
    };

/** The JSON body of a webhook request. */
export interface WebhookBody {
  /** When the request was built, in milliseconds since the epoch. */
  readonly time_ms: number;
  /** The events, oldest first. */
  readonly events: readonly WebhookEvent[];
}
