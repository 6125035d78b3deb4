/**
 * @module
 * Types of the server-library specification's operations (object arguments, typed results).
 */
import type { PresenceChannelData } from './auth.js';
import type { TokenLike } from './webhook.js';

/** Attributes a channel query may ask for (`info=`). */
export type ChannelAttribute = 'user_count' | 'subscription_count';

/** Options of {@link Pusher.channels}. */
export interface ChannelsQuery {
  /** Only channels whose name starts with this (e.g. `presence-`). */
  filterByPrefix?: string | undefined;
  /** Attributes to fetch (`user_count` needs a `presence-` prefix filter). */
  attributes?: readonly ChannelAttribute[] | undefined;
}

/** One occupied channel in a channel list, or one channel an event was triggered on. */
export interface ChannelSummary {
  /** Channel name. */
  readonly name: string;
  /** Distinct users (presence channels, when requested). */
  readonly userCount?: number;
  /** Connections subscribed (when requested and enabled). */
  readonly subscriptionCount?: number;
}

/** Options of {@link Pusher.channelInfo}. */
export interface ChannelInfoQuery {
  /** Attributes to fetch (`user_count` for presence channels only). */
  attributes?: readonly ChannelAttribute[] | undefined;
}

/** Information about one channel. */
export interface ChannelInfo {
  /** Channel name (for batch results: the event's channel). */
  readonly name: string;
  /** Whether the channel has subscribers (absent in batch trigger results). */
  readonly occupied?: boolean;
  /** Distinct users (presence channels, when requested). */
  readonly userCount?: number;
  /** Connections subscribed (when requested). */
  readonly subscriptionCount?: number;
}

/** A member of a presence channel. */
export interface User {
  /** The member's user id. */
  readonly id: string;
}

/** One event for {@link Pusher.triggerEvent}: on one channel (`channel`) or several (`channels`). */
export interface TriggerEventInput {
  /** Event name (at most 200 characters). */
  name: string;
  /** Event data: strings are sent as they are, anything else JSON-encoded. */
  data: unknown;
  /** The channel (use this or `channels`). */
  channel?: string | undefined;
  /** Up to 100 channels; none may be `private-encrypted-` unless it is the only one. */
  channels?: readonly string[] | undefined;
  /** Socket id of a connection that should not receive the event. */
  socketId?: string | undefined;
  /** Attributes of the channels to return. */
  attributes?: readonly ChannelAttribute[] | undefined;
}

/** One event of a batch for {@link Pusher.triggerEvents}: exactly one channel. */
export interface BatchEventInput {
  /** Event name (at most 200 characters). */
  name: string;
  /** Event data: strings are sent as they are, anything else JSON-encoded. */
  data: unknown;
  /** The single channel. */
  channel: string;
  /** Rejected when it names more than one channel (batch events are single-channel). */
  channels?: readonly string[] | undefined;
  /** Socket id to exclude. */
  socketId?: string | undefined;
  /** Attributes of the channel to return. */
  attributes?: readonly ChannelAttribute[] | undefined;
}

/** Arguments of {@link Pusher.authenticateChannel} (spec `authenticate`). */
export interface AuthenticateChannelInput {
  /** The channel being subscribed to (private, presence or encrypted; not public). */
  channelName: string;
  /** The subscribing connection's socket id. */
  socketId: string;
  /** Presence member data (required for presence channels). */
  userData?: PresenceChannelData | undefined;
}

/** Options of {@link Pusher.verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Further key/secret pairs to accept (key rotation). */
  extraTokens?: readonly TokenLike[] | undefined;
}
