/**
 * @module
 * Presence `channel_data`: `{"user_id": string | number, "user_info"?: any}` as a JSON string. The
 * string is verified as sent (never re-serialized); the member key is `String(user_id)`.
 */
import { MAX_PRESENCE_USER_INFO_BYTES, isValidUserId } from '@herald/sdk/protocol';
import type { PresenceMember } from '../adapters/adapter.js';
import { SubscriptionErrors, type SubscriptionError } from '../protocol/close-codes.js';

/** The parsed member, or why channel_data was refused. */
export type ChannelDataResult =
  | { readonly ok: true; readonly member: PresenceMember }
  | { readonly ok: false; readonly error: SubscriptionError; readonly message: string };

function refuse(error: SubscriptionError, message: string): ChannelDataResult {
  return { ok: false, error, message };
}

/** Parses and checks presence `channel_data`. */
export function parseChannelData(channelData: unknown): ChannelDataResult {
  const invalid = SubscriptionErrors.INVALID_CHANNEL_DATA;
  if (typeof channelData !== 'string') {
    return refuse(invalid, 'Presence channels need channel_data (a JSON string)');
  }
  let value: unknown;
  try {
    value = JSON.parse(channelData);
  } catch {
    return refuse(invalid, 'channel_data is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(invalid, 'channel_data must be a JSON object');
  }
  const data = value as Record<string, unknown>;
  const rawId = data['user_id'];
  const userId = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (!isValidUserId(userId)) {
    return refuse(
      invalid,
      'channel_data.user_id must be a non-empty string of at most 128 characters',
    );
  }
  const userInfo = data['user_info'];
  if (userInfo !== undefined) {
    const size = Buffer.byteLength(JSON.stringify(userInfo), 'utf8');
    if (size > MAX_PRESENCE_USER_INFO_BYTES) {
      return refuse(
        SubscriptionErrors.USER_INFO_TOO_LARGE,
        `user_info is ${size} bytes; the limit is ${MAX_PRESENCE_USER_INFO_BYTES}`,
      );
    }
    return { ok: true, member: { userId, userInfo } };
  }
  return { ok: true, member: { userId } };
}
