/**
 * @module
 * Argument types of `trigger` and `triggerBatch` (as in `pusher`).
 */
/** Optional parameters of `trigger`. */
export interface TriggerParams {
  /** Socket id of a connection that should not receive the event. */
  socket_id?: string | undefined;
  /** Comma-separated attributes of the channels to return (`user_count,subscription_count`). */
  info?: string | undefined;
}

/** One event of `triggerBatch`. */
export interface BatchEvent {
  /** The channel. */
  channel: string;
  /** Event name. */
  name: string;
  /** Event data: strings are sent as they are, anything else JSON-encoded. */
  data: unknown;
  /** Socket id to exclude. */
  socket_id?: string | undefined;
  /** Comma-separated attributes to return. */
  info?: string | undefined;
}
