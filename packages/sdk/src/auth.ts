/**
 * @module
 * Channel authorization and user authentication signatures (`pusher`'s `lib/auth.js`).
 */
import {
  channelAuthStringToSign,
  formatAuthToken,
  isEncryptedChannel,
  userAuthStringToSign,
} from './protocol/index.js';
import { toBase64 } from './internal/crypto.js';
import { ValidationError } from './errors.js';
import type { Token } from './token.js';
import { channelSharedSecret } from './encryption.js';

/** What `authorizeChannel` returns; send it as the JSON body of the auth endpoint's response. */
export interface ChannelAuthResponse {
  /** `key:hex_signature`. */
  auth: string;
  /** The exact JSON string that was signed (presence channels, or whenever data was given). */
  channel_data?: string;
  /** Base64 per-channel secretbox key (`private-encrypted-` channels only). */
  shared_secret?: string;
}

/** @deprecated Old name of {@link ChannelAuthResponse}. */
export type AuthResponse = ChannelAuthResponse;

/** What `authenticateUser` returns (the `pusher:signin` payload). */
export interface UserAuthResponse {
  /** `key:hex_signature`. */
  auth: string;
  /** The exact JSON string that was signed. */
  user_data: string;
}

/** Presence member data: `user_id` and optional `user_info`. */
export interface PresenceChannelData {
  /** The member's id (unique per user). */
  user_id: string;
  /** Public information about the member, shown to other members. */
  user_info?: { [key: string]: unknown };
}

/** Signed-in user data: an `id` plus any other fields (`watchlist`, `user_info`, …). */
export interface UserChannelData {
  /** The user's id (non-empty). */
  id: string;
  [key: string]: unknown;
}

/** Signs a channel subscription; `data` (any JSON value) becomes `channel_data` when given. */
export function channelSignature(
  token: Token,
  masterKey: Uint8Array | undefined,
  socketId: string,
  channel: string,
  data?: unknown,
): ChannelAuthResponse {
  // Key order as in `pusher` (channel_data, auth, shared_secret), so JSON output is identical.
  const result = {} as ChannelAuthResponse;
  let channelData: string | undefined;
  if (data) {
    channelData = JSON.stringify(data);
    result.channel_data = channelData;
  }
  result.auth = formatAuthToken(
    token.key,
    token.sign(channelAuthStringToSign(socketId, channel, channelData)),
  );
  if (isEncryptedChannel(channel)) {
    if (masterKey === undefined) {
      throw new ValidationError(
        'encryption_key_missing',
        'Cannot generate shared_secret because encryptionMasterKey is not set',
      );
    }
    result.shared_secret = toBase64(channelSharedSecret(channel, masterKey));
  }
  return result;
}

/** Signs a user for `pusher:signin`. */
export function userSignature(
  token: Token,
  socketId: string,
  userData: UserChannelData,
): UserAuthResponse {
  const serialized = JSON.stringify(userData);
  return {
    auth: formatAuthToken(token.key, token.sign(userAuthStringToSign(socketId, serialized))),
    user_data: serialized,
  };
}
