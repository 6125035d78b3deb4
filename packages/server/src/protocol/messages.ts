/**
 * @module
 * Pusher protocol 7 messages: parsing client → server frames (never throws) and building the
 * server → client frames. Wire shapes follow ../shared/protocol.md §1: server `data` is a JSON
 * string (double encoded), except `pusher:error` and `pusher:subscription_error` (objects).
 */
import type { CloseCode, SubscriptionError } from './close-codes.js';
import { OutboundFrame } from './frame.js';

/** A client frame after JSON parsing: `event` is a string, the rest is unchecked. */
export interface ClientMessage {
  /** Event name (`pusher:*` or `client-*`). */
  readonly event: string;
  /** Channel, when the frame names one. */
  readonly channel: unknown;
  /** Payload (pusher-js sends objects). */
  readonly data: unknown;
}

/** The result of parsing a client frame. */
export type ParseResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly error: string };

/** Parses a raw client frame; any problem comes back as `{ ok: false }` with a reason. */
export function parseClientMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'Invalid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'A message must be a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const event = record['event'];
  if (typeof event !== 'string' || event.length === 0) {
    return { ok: false, error: 'A message needs a non-empty string "event"' };
  }
  return { ok: true, message: { event, channel: record['channel'], data: record['data'] } };
}

/** Reads `data` of a control event as an object; pusher-js sends objects, some clients strings. */
export function dataObject(data: unknown): Record<string, unknown> | undefined {
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}

/** `pusher:connection_established` with the socket id and activity timeout (seconds). */
export function connectionEstablished(socketId: string, activityTimeout: number): OutboundFrame {
  return OutboundFrame.event(
    'pusher:connection_established',
    undefined,
    JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeout }),
  );
}

/** `pusher:error` with a code from the close-code table (data is an object, as the docs show). */
export function pusherError(code: CloseCode, message: string = code.message): OutboundFrame {
  return OutboundFrame.event('pusher:error', undefined, { code: code.code, message });
}

/** The server's reply to `pusher:ping` (shared frame, prepared once). */
export const PONG_FRAME = OutboundFrame.event('pusher:pong', undefined, '{}');
/** The server's liveness probe (shared frame, prepared once). */
export const PING_FRAME = OutboundFrame.event('pusher:ping', undefined, '{}');

/** `pusher_internal:subscription_succeeded` for a non-presence channel. */
export function subscriptionSucceeded(channel: string): OutboundFrame {
  return OutboundFrame.event('pusher_internal:subscription_succeeded', channel, '{}');
}

/** Presence state as sent in `subscription_succeeded`. */
export interface PresenceState {
  readonly ids: readonly string[];
  readonly hash: Readonly<Record<string, unknown>>;
  readonly count: number;
}

/** Builds the presence state from the cluster-wide member map. */
export function presenceState(members: ReadonlyMap<string, unknown>): PresenceState {
  const hash: Record<string, unknown> = {};
  for (const [id, info] of members) hash[id] = info ?? null;
  return { ids: [...members.keys()], hash, count: members.size };
}

/** `pusher_internal:subscription_succeeded` for a presence channel (members include the subscriber). */
export function presenceSubscriptionSucceeded(
  channel: string,
  presence: PresenceState,
): OutboundFrame {
  return OutboundFrame.event(
    'pusher_internal:subscription_succeeded',
    channel,
    JSON.stringify({ presence }),
  );
}

/** Channel-scoped `pusher:subscription_error` (pusher-js delivers it to the channel; Echo `.error()`). */
export function subscriptionError(
  channel: string,
  error: SubscriptionError,
  message: string = error.message,
): OutboundFrame {
  return OutboundFrame.event('pusher:subscription_error', channel, {
    type: error.type,
    error: message,
    status: error.status,
  });
}

/** `pusher_internal:member_added`, sent to the other subscribers. */
export function memberAdded(channel: string, userId: string, userInfo: unknown): OutboundFrame {
  const data: Record<string, unknown> = { user_id: userId };
  if (userInfo !== undefined) data['user_info'] = userInfo;
  return OutboundFrame.event('pusher_internal:member_added', channel, JSON.stringify(data));
}

/** `pusher_internal:member_removed`, sent to the remaining subscribers. */
export function memberRemoved(channel: string, userId: string): OutboundFrame {
  return OutboundFrame.event(
    'pusher_internal:member_removed',
    channel,
    JSON.stringify({ user_id: userId }),
  );
}

/** `pusher_internal:subscription_count` (non-presence channels, when the app enables it). */
export function subscriptionCount(channel: string, count: number): OutboundFrame {
  return OutboundFrame.event(
    'pusher_internal:subscription_count',
    channel,
    JSON.stringify({ subscription_count: count }),
  );
}

/** `pusher:signin_success` carrying the exact `user_data` string that was signed. */
export function signinSuccess(userData: string): OutboundFrame {
  return OutboundFrame.event(
    'pusher:signin_success',
    undefined,
    JSON.stringify({ user_data: userData }),
  );
}

/** A relayed client event; `dataJson` is the JSON text of its data, already measured by the caller. */
export function clientEventFrame(
  event: string,
  channel: string,
  dataJson: string | undefined,
  userId: string | undefined,
): OutboundFrame {
  let text = `{"event":${JSON.stringify(event)},"channel":${JSON.stringify(channel)}`;
  if (dataJson !== undefined) text += `,"data":${dataJson}`;
  if (userId !== undefined) text += `,"user_id":${JSON.stringify(userId)}`;
  return new OutboundFrame(text + '}');
}
