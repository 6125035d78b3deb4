/**
 * @module
 * The JSON body of a webhook request, event by event, exactly as Pusher (and Herald) send it. The
 * header names, content type and event names are in `webhook.ts`.
 */

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
