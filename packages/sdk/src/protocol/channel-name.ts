/**
 * @module
 * Channel names: the character rule, the length rule, and the kind a name's prefix selects.
 */
import { MAX_CHANNEL_NAME_LENGTH } from './limits.js';

/** Characters a channel name may contain (Pusher's rule, identical in the official SDKs). */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;

/** Prefix of the per-user channel that server-to-user events are published on. */
export const SERVER_TO_USER_PREFIX = '#server-to-user-';

/** Channel-name prefixes, longest first: the first match decides the kind. */
export const CHANNEL_PREFIXES = {
  /** Encrypted cache channels. */
  privateEncryptedCache: 'private-encrypted-cache-',
  /** End-to-end encrypted channels. */
  privateEncrypted: 'private-encrypted-',
  /** Private cache channels. */
  privateCache: 'private-cache-',
  /** Private channels (signed subscription). */
  private: 'private-',
  /** Presence cache channels. */
  presenceCache: 'presence-cache-',
  /** Presence channels (signed, with member data). */
  presence: 'presence-',
  /** Public cache channels. */
  cache: 'cache-',
} as const;

/** What a channel's name makes it. */
export type ChannelKind = 'public' | 'private' | 'presence' | 'encrypted' | 'server-to-user';

/** The kind of a channel and whether it is a cache channel (keeps the last event). */
export interface ChannelType {
  /** Authorization and delivery rules follow from the kind. */
  readonly kind: ChannelKind;
  /** Cache channels replay the last API-triggered event to new subscribers. */
  readonly cache: boolean;
}

const PUBLIC: ChannelType = Object.freeze({ kind: 'public', cache: false });
const PUBLIC_CACHE: ChannelType = Object.freeze({ kind: 'public', cache: true });
const PRIVATE: ChannelType = Object.freeze({ kind: 'private', cache: false });
const PRIVATE_CACHE: ChannelType = Object.freeze({ kind: 'private', cache: true });
const PRESENCE: ChannelType = Object.freeze({ kind: 'presence', cache: false });
const PRESENCE_CACHE: ChannelType = Object.freeze({ kind: 'presence', cache: true });
const ENCRYPTED: ChannelType = Object.freeze({ kind: 'encrypted', cache: false });
const ENCRYPTED_CACHE: ChannelType = Object.freeze({ kind: 'encrypted', cache: true });
const SERVER_TO_USER: ChannelType = Object.freeze({ kind: 'server-to-user', cache: false });

/**
 * Classifies a channel by its prefix (the longest matching prefix wins).
 *
 * @example
 * channelType('private-encrypted-cache-x'); // { kind: 'encrypted', cache: true }
 */
export function channelType(name: string): ChannelType {
  if (name.startsWith(SERVER_TO_USER_PREFIX)) return SERVER_TO_USER;
  if (name.startsWith(CHANNEL_PREFIXES.privateEncryptedCache)) return ENCRYPTED_CACHE;
  if (name.startsWith(CHANNEL_PREFIXES.privateEncrypted)) return ENCRYPTED;
  if (name.startsWith(CHANNEL_PREFIXES.privateCache)) return PRIVATE_CACHE;
  if (name.startsWith(CHANNEL_PREFIXES.private)) return PRIVATE;
  if (name.startsWith(CHANNEL_PREFIXES.presenceCache)) return PRESENCE_CACHE;
  if (name.startsWith(CHANNEL_PREFIXES.presence)) return PRESENCE;
  if (name.startsWith(CHANNEL_PREFIXES.cache)) return PUBLIC_CACHE;
  return PUBLIC;
}

/** True for `presence-` and `presence-cache-` channels. */
export function isPresenceChannel(name: string): boolean {
  return name.startsWith(CHANNEL_PREFIXES.presence);
}

/** True for `private-encrypted-` (and `private-encrypted-cache-`) channels. */
export function isEncryptedChannel(name: string): boolean {
  return name.startsWith(CHANNEL_PREFIXES.privateEncrypted);
}

/** True for channels that need a signature to subscribe (private, presence, encrypted). */
export function isAuthorizedChannel(name: string): boolean {
  return name.startsWith(CHANNEL_PREFIXES.private) || name.startsWith(CHANNEL_PREFIXES.presence);
}

/** Why a channel name was refused, or `null` when it is valid. */
export type ChannelNameProblem = 'empty' | 'too-long' | 'invalid-characters' | null;

/**
 * Checks a channel name against the character and length rules. `#server-to-user-` channels are
 * not valid names here: only `sendToUser` and a signed-in connection may use them.
 */
export function channelNameProblem(name: unknown): ChannelNameProblem {
  if (typeof name !== 'string' || name.length === 0) return 'empty';
  if (name.length > MAX_CHANNEL_NAME_LENGTH) return 'too-long';
  if (!CHANNEL_NAME_PATTERN.test(name)) return 'invalid-characters';
  return null;
}

/** True when `name` is a valid channel name (see {@link channelNameProblem}). */
export function isValidChannelName(name: unknown): name is string {
  return channelNameProblem(name) === null;
}

/** The user id a `#server-to-user-{id}` channel belongs to, or `null` for any other channel. */
export function serverToUserId(channel: string): string | null {
  return channel.startsWith(SERVER_TO_USER_PREFIX)
    ? channel.slice(SERVER_TO_USER_PREFIX.length) || null
    : null;
}
