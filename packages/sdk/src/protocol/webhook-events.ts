/**
 * @module
 * The JSON body of a webhook request, event by event, exactly as Pusher (and Herald) send it. The
 * header names, content type and event names are in `webhook.ts`.
 */

/** One event inside a webhook body, exactly as sent. */
export type WebhookEvent =
  | {
      /** Occupancy or cache-miss event. */
      readonly name: 'channel_occupied' | 'channel_vacated' | 'cache_miss';
      /** The channel's name. */
      readonly channel: string;
    }
  | {
      /** Presence membership event. */
      readonly name: 'member_added' | 'member_removed';
      /** The channel's name. */
      readonly channel: string;
      /** The member's user id. */
      readonly user_id: string;
    }
  | {
      /** A client event a connection sent. */
      readonly name: 'client_event';
      /** The channel's name. */
      readonly channel: string;
      /** The client event's name (`client-…`). */
      readonly event: string;
      /** The client's data, JSON-encoded when it was not a string. */
      readonly data: string;
      /** The sending connection's socket id. */
      readonly socket_id: string;
      /** Present on presence channels only. */
      readonly user_id?: string;
    }
  | {
      /** Subscription count change. */
      readonly name: 'subscription_count';
      /** The channel's name. */
      readonly channel: string;
      /** The channel's new subscription count. */
      readonly subscription_count: number;
    };

/** The JSON body of a webhook request. */
export interface WebhookBody {
  /** When the request was built, in milliseconds since the epoch. */
  readonly time_ms: number;
  /** The events, oldest first. */
  readonly events: readonly WebhookEvent[];
}
