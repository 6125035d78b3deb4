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
} as const);

/** A name of the close-code table. */
export type CloseCodeName = keyof typeof CloseCodes;
