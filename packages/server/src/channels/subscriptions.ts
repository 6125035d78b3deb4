/**
 * @module
 * `pusher:subscribe` / `pusher:unsubscribe` for every channel kind, and leaving every channel when
 * a connection closes. Policy per kind (protocol.md §5): public needs nothing; private and
 * private-encrypted need `auth` over `socket_id:channel`; presence needs `auth` over
 * `socket_id:channel:channel_data` and a valid member; `#server-to-user-{id}` is only for a
 * connection signed in as `{id}`. Membership and transitions go through the adapter; refusals are
 * channel-scoped `pusher:subscription_error` frames and occupy nothing.
 */
import {
  channelAuthStringToSign,
  channelNameProblem,
  channelType,
  serverToUserId,
} from '@herald/sdk/protocol';
import type { PresenceMember } from '../adapters/adapter.js';
import type { Connection } from '../connection/connection.js';
import type { ServerContext } from '../context.js';
import { CloseCodes, SubscriptionErrors, type SubscriptionError } from '../protocol/close-codes.js';
import {
  dataObject,
  memberAdded,
  memberRemoved,
  presenceState,
  presenceSubscriptionSucceeded,
  pusherError,
  subscriptionError,
  subscriptionSucceeded,
} from '../protocol/messages.js';
import { verifyToken } from './authorize.js';
import type { ChannelHooks } from './hooks.js';
import { parseChannelData } from './presence.js';

const NAME_PROBLEMS = {
  empty: 'The channel name is empty',
  'too-long': 'The channel name is longer than 200 characters',
  'invalid-characters': 'The channel name may only contain A-Z a-z 0-9 _ - = @ , . ;',
} as const;

/** Subscribing and unsubscribing connections. */
export class Subscriptions {
  readonly #context: ServerContext;
  readonly #hooks: ChannelHooks;

  constructor(context: ServerContext, hooks: ChannelHooks) {
    this.#context = context;
    this.#hooks = hooks;
  }

  /** Handles `pusher:subscribe`. */
  async subscribe(connection: Connection, data: unknown): Promise<void> {
    const fields = dataObject(data);
    const channel = fields?.['channel'];
    if (!fields || typeof channel !== 'string' || channel.length === 0) {
      connection.send(
        pusherError(CloseCodes.INVALID_MESSAGE, 'pusher:subscribe needs data.channel (a string)'),
      );
      return;
    }
    const refuse = (error: SubscriptionError, message?: string): void =>
      connection.send(subscriptionError(channel, error, message));

    const type = channelType(channel);
    if (type.kind === 'server-to-user') {
      // Delivery to users goes by sign-in (adapter.sendToUser), not by channel membership.
      const userId = serverToUserId(channel);
      if (userId !== null && connection.user?.id === userId) {
        connection.send(subscriptionSucceeded(channel));
      } else {
        refuse(SubscriptionErrors.FORBIDDEN, 'Sign in as this user to receive its events');
      }
      return;
    }
    const problem = channelNameProblem(channel);
    if (problem !== null) {
      refuse(SubscriptionErrors.INVALID_CHANNEL, NAME_PROBLEMS[problem]);
      return;
    }
    const already = connection.channels.has(channel);
    if (!already && connection.channels.size >= this.#context.config.maxChannelsPerConnection) {
      refuse(
        SubscriptionErrors.TOO_MANY_CHANNELS,
        `A connection may join at most ${this.#context.config.maxChannelsPerConnection} channels`,
      );
      return;
    }

    let member: PresenceMember | undefined;
    const { app } = connection;
    if (type.kind === 'presence') {
      const channelData = fields['channel_data'];
      if (typeof channelData !== 'string') {
        refuse(
          SubscriptionErrors.INVALID_CHANNEL_DATA,
          'Presence channels need channel_data (a JSON string)',
        );
        return;
      }
      const stringToSign = channelAuthStringToSign(connection.socketId, channel, channelData);
      if (!verifyToken(app, stringToSign, fields['auth'])) {
        refuse(SubscriptionErrors.UNAUTHORIZED);
        return;
      }
      const parsed = parseChannelData(channelData);
      if (!parsed.ok) {
        refuse(parsed.error, parsed.message);
        return;
      }
      member = parsed.member;
    } else if (type.kind === 'private' || type.kind === 'encrypted') {
      const stringToSign = channelAuthStringToSign(connection.socketId, channel);
      if (!verifyToken(app, stringToSign, fields['auth'])) {
        refuse(SubscriptionErrors.UNAUTHORIZED);
        return;
      }
    }

    const { adapter, events } = this.#context;
    let result;
    try {
      result = await adapter.subscribe(app.id, channel, connection, {
        ...(member ? { member, maxMembers: app.maxPresenceMembers } : {}),
      });
    } catch (error) {
      this.#context.logger.warn({ err: error, channel }, 'Subscribe failed');
      refuse(SubscriptionErrors.SERVER_ERROR);
      return;
    }
    if (!result.ok) {
      refuse(
        SubscriptionErrors.PRESENCE_FULL,
        `The presence channel has ${app.maxPresenceMembers} members, the most allowed`,
      );
      return;
    }
    connection.channels.set(channel, { userId: member?.userId });

    if (member) {
      let members;
      try {
        members = await adapter.presenceMembers(app.id, channel);
      } catch (error) {
        this.#context.logger.warn({ err: error, channel }, 'Presence members query failed');
        await this.leave(connection, channel);
        refuse(SubscriptionErrors.SERVER_ERROR);
        return;
      }
      connection.send(presenceSubscriptionSucceeded(channel, presenceState(members)));
      if (result.memberAdded) {
        await adapter.broadcast(
          app.id,
          channel,
          memberAdded(channel, member.userId, member.userInfo),
          connection.socketId,
        );
      }
    } else {
      connection.send(subscriptionSucceeded(channel));
    }

    if (events.active && !already) {
      events.emit({ type: 'subscribed', appId: app.id, channel, socketId: connection.socketId });
      if (result.occupied) events.emit({ type: 'channel_occupied', appId: app.id, channel });
      if (member && result.memberAdded) {
        events.emit({ type: 'member_added', appId: app.id, channel, userId: member.userId });
      }
    }
    await this.#hooks.afterSubscribe?.({
      connection,
      app,
      channel,
      subscriptionCount: result.subscriptionCount,
    });
  }

  /** Handles `pusher:unsubscribe` (no reply, as in Pusher). */
  async unsubscribe(connection: Connection, data: unknown): Promise<void> {
    const channel = dataObject(data)?.['channel'];
    if (typeof channel !== 'string' || channel.length === 0) {
      connection.send(
        pusherError(CloseCodes.INVALID_MESSAGE, 'pusher:unsubscribe needs data.channel (a string)'),
      );
      return;
    }
    await this.leave(connection, channel);
  }

  /** Leaves one channel: adapter transitions, member_removed to the others, server events. */
  async leave(connection: Connection, channel: string): Promise<void> {
    if (!connection.channels.delete(channel)) return;
    const { adapter, events } = this.#context;
    const { app } = connection;
    const result = await adapter.unsubscribe(app.id, channel, connection.socketId);
    if (!result.wasSubscribed) return;
    if (result.memberRemoved && result.userId !== undefined) {
      await adapter.broadcast(app.id, channel, memberRemoved(channel, result.userId));
    }
    if (events.active) {
      events.emit({ type: 'unsubscribed', appId: app.id, channel, socketId: connection.socketId });
      if (result.memberRemoved && result.userId !== undefined) {
        events.emit({ type: 'member_removed', appId: app.id, channel, userId: result.userId });
      }
      if (result.vacated) events.emit({ type: 'channel_vacated', appId: app.id, channel });
    }
    await this.#hooks.afterUnsubscribe?.({
      connection,
      app,
      channel,
      subscriptionCount: result.subscriptionCount,
    });
  }

  /** Leaves every channel of a closing connection (each failure is logged, the rest go on). */
  async leaveAll(connection: Connection): Promise<void> {
    for (const channel of [...connection.channels.keys()]) {
      try {
        await this.leave(connection, channel);
      } catch (error) {
        this.#context.logger.warn({ err: error, channel }, 'Leaving a channel failed');
      }
    }
  }
}
