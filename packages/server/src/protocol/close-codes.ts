/**
 * @module
 * The one table of Pusher close codes and `pusher:error` codes Herald uses. pusher-js decides whether
 * to reconnect from the range: 4000–4099 refused (no reconnect), 4100–4199 back off 1 s, 4200–4299
 * reconnect at once, ≥ 4300 refused. Codes ≥ 4300 are therefore only sent as `pusher:error` frames,
 * never as close codes, except where the connection must stay dead.
 */

/** One entry of the close-code table. */
export interface CloseCode {
  /** The numeric code sent in the close frame and/or the `pusher:error` data. */
  readonly code: number;
  /** The default human-readable message. */
  readonly message: string;
}

const define = <T extends Record<string, CloseCode>>(table: T): Readonly<T> => Object.freeze(table);

/** Every close / error code Herald sends, by name. */
export const CloseCodes = define({
  /** The app only accepts TLS connections (wss://). */
  TLS_ONLY: {
    code: 4000,
    message: 'Application only accepts SSL connections, reconnect using wss://',
  },
  /** No app has the key in the connection path. */
  APP_NOT_FOUND: { code: 4001, message: 'Application does not exist' },
  /** The app exists but is disabled. */
  APP_DISABLED: { code: 4003, message: 'Application is disabled' },
  /** The app is over its connection quota. */
  OVER_CONNECTION_QUOTA: { code: 4004, message: 'Application is over connection quota' },
  /** The path is not `/app/{key}`. */
  PATH_NOT_FOUND: { code: 4005, message: 'Path not found' },
  /** The protocol query value is not an integer. */
  INVALID_VERSION: { code: 4006, message: 'Invalid version string format' },
  /** The protocol version is not supported. */
  UNSUPPORTED_PROTOCOL: { code: 4007, message: 'Unsupported protocol version' },
  /** No protocol version was given. */
  NO_PROTOCOL_VERSION: { code: 4008, message: 'No protocol version supplied' },
  /** Unauthorized: failed sign-in, sign-in timeout, or connections terminated by the app. */
  UNAUTHORIZED: { code: 4009, message: 'Connection is unauthorized' },
  /** The server is over capacity; pusher-js retries after 1 s. */
  OVER_CAPACITY: { code: 4100, message: 'Over capacity' },
  /** Generic "reconnect now" (server shutting down, slow consumer). */
  RECONNECT: { code: 4200, message: 'Generic reconnect immediately' },
  /** No pong arrived after a ping. */
  PONG_NOT_RECEIVED: { code: 4201, message: 'Pong reply not received' },
  /** Closed after inactivity. */
  INACTIVITY: { code: 4202, message: 'Closed after inactivity' },
  /** A client event was rejected (disabled, rate limit, not allowed on the channel, too large). */
  CLIENT_EVENT_REJECTED: { code: 4301, message: 'Client event rejected' },
  /** The watchlist held more ids than allowed; only the first ones are watched. */
  WATCHLIST_LIMIT: { code: 4302, message: 'Watchlist limit exceeded' },
  // --- server-ws ---
  /** A frame larger than `maxPayloadBytes` (standard WebSocket close code, sent by the engine). */
  MESSAGE_TOO_BIG: { code: 1009, message: 'Message too big' },
  /** `pusher:error` only: the frame is not a JSON object with an `event`, or a field is missing. */
  INVALID_MESSAGE: { code: 4303, message: 'Invalid message' },
  /** `pusher:error` only: an event name the server does not handle. */
  UNSUPPORTED_EVENT: { code: 4304, message: 'Unsupported event' },
  /** `pusher:error` only: the server failed to handle a message; the connection stays usable. */
  SERVER_ERROR: { code: 4305, message: 'Server error' },
} as const);

/** A name of the close-code table. */
export type CloseCodeName = keyof typeof CloseCodes;

// --- server-ws ---

/** One refusal of a subscription, sent as a channel-scoped `pusher:subscription_error`. */
export interface SubscriptionError {
  /** `type` field of the error data (soketi's vocabulary). */
  readonly type: string;
  /** `status` field of the error data (HTTP-like; pusher-js passes it through). */
  readonly status: number;
  /** The default `error` message. */
  readonly message: string;
}

/**
 * Every reason a subscription is refused. The socket stays open, the channel is not joined, and
 * pusher-js emits `pusher:subscription_error` on the channel (Laravel Echo's `.error()` callback).
 */
export const SubscriptionErrors = Object.freeze({
  /** The channel name is empty, too long, has invalid characters, or is reserved (`#`). */
  INVALID_CHANNEL: { type: 'InvalidChannel', status: 400, message: 'Invalid channel name' },
  /** Missing or invalid `auth`, or a signature that does not match. */
  UNAUTHORIZED: { type: 'AuthError', status: 401, message: 'Invalid signature' },
  /** Presence `channel_data` is missing, not JSON, or has no valid `user_id`. */
  INVALID_CHANNEL_DATA: {
    type: 'InvalidChannelData',
    status: 400,
    message: 'Invalid presence channel_data',
  },
  /** `#server-to-user-` channels can only be joined by a connection signed in as that user. */
  FORBIDDEN: { type: 'AuthError', status: 403, message: 'Forbidden channel' },
  /** Presence `user_info` is larger than the limit. */
  USER_INFO_TOO_LARGE: { type: 'LimitReached', status: 413, message: 'user_info is too large' },
  /** The connection already holds the most channels it may. */
  TOO_MANY_CHANNELS: {
    type: 'LimitReached',
    status: 429,
    message: 'Too many channels on this connection',
  },
  /** The presence channel already has the most members it may. */
  PRESENCE_FULL: { type: 'LimitReached', status: 4100, message: 'Presence channel is full' },
  /** The cluster did not answer in time; retry later. */
  SERVER_ERROR: { type: 'ServerError', status: 503, message: 'Subscription failed, retry later' },
} as const satisfies Record<string, SubscriptionError>);

/** A name of the subscription-error table. */
export type SubscriptionErrorName = keyof typeof SubscriptionErrors;

const byCode = new Map<number, CloseCode>(Object.values(CloseCodes).map((c) => [c.code, c]));

/** The table entry of a numeric code, if Herald defines it. */
export function closeCodeEntry(code: number): CloseCode | undefined {
  return byCode.get(code);
}

/**
 * True when the server closed a connection because of an error worth a log line (a refusal, a
 * protocol or auth failure, a dead peer), not for a normal close, a client's own close or a
 * "reconnect now" during shutdown.
 */
export function isErrorClose(code: number): boolean {
  return code >= 4000 && code !== CloseCodes.RECONNECT.code;
}
