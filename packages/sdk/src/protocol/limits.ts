/**
 * @module
 * Every size and count limit of the Pusher Channels protocol and HTTP API, in one place.
 * The SDK validates against these before a request leaves; the server enforces them (where a limit
 * is configurable per app, the value here is the default).
 */

/** Longest event name accepted by `trigger` (characters). Laravel's namespaced names fit. */
export const MAX_EVENT_NAME_LENGTH = 200;

/** Longest channel name (characters, prefix included). Pusher's docs say 164; every SDK allows 200. */
export const MAX_CHANNEL_NAME_LENGTH = 200;

/** Most channels one `POST /events` may name. */
export const MAX_CHANNELS_PER_TRIGGER = 100;

/** Most events one `POST /batch_events` may carry. */
export const MAX_BATCH_EVENTS = 10;

/** Default largest event `data` in bytes (Pusher's 10 KB; 413 above it). */
export const DEFAULT_MAX_EVENT_DATA_BYTES = 10 * 1024;

/** Default most members (distinct user ids) in one presence channel. */
export const DEFAULT_MAX_PRESENCE_MEMBERS = 100;

/** Largest serialized `user_info` of a presence member, in bytes. */
export const MAX_PRESENCE_USER_INFO_BYTES = 1024;

/** Longest presence or signed-in user id (characters). */
export const MAX_USER_ID_LENGTH = 128;

/** Most user ids a signed-in user's watchlist may hold; the rest are ignored with error 4302. */
export const MAX_WATCHLIST_SIZE = 100;

/** Default client events a connection may send per second. */
export const DEFAULT_CLIENT_EVENTS_PER_SECOND = 10;

/** Allowed difference between `auth_timestamp` and the server clock, in seconds. */
export const AUTH_TIMESTAMP_TOLERANCE_SECONDS = 600;

/** The only `auth_version` the HTTP API speaks. */
export const AUTH_VERSION = '1.0';

/** The WebSocket protocol version Herald speaks (and the newest pusher-js uses). */
export const PROTOCOL_VERSION = 7;

/** Oldest WebSocket protocol version a server accepts. */
export const MIN_PROTOCOL_VERSION = 4;
