/**
 * @module
 * `POST /apps/{id}/events` and `POST /apps/{id}/batch_events`: validate, serialize each channel's
 * frame once, cache it on cache channels, and fan it out through the adapter.
 */
import { z } from 'zod';
import {
  channelNameProblem,
  channelType,
  isPresenceChannel,
  isValidEventName,
  isValidSocketId,
  MAX_BATCH_EVENTS,
  MAX_EVENT_NAME_LENGTH,
  serverToUserId,
} from '@herald/sdk/protocol';
import type { App } from '../../apps/app-store.js';
import type { ServerContext } from '../../context.js';
import { OutboundFrame } from '../../protocol/frame.js';
import { HttpError } from '../errors.js';
import {
  parseInfo,
  parseJsonBody,
  type InfoAttribute,
  type RouteHandler,
  type RouteRequest,
} from './common.js';

const eventFields = {
  name: z.string(),
  /** Pusher sends a string; other JSON values are accepted and JSON-encoded. */
  data: z.unknown().optional(),
  socket_id: z.string().optional(),
  info: z.string().optional(),
};

const triggerSchema = z.object({
  ...eventFields,
  channel: z.string().optional(),
  channels: z.array(z.string()).optional(),
});

const batchSchema = z.object({
  batch: z.array(z.object({ ...eventFields, channel: z.string() })),
});

/** One event to deliver, validated. */
interface Trigger {
  readonly name: string;
  readonly data: string;
  readonly channels: readonly string[];
  readonly socketId: string | undefined;
  readonly info: Set<InfoAttribute>;
}

function validateTrigger(
  app: App,
  input: {
    name: string;
    data?: unknown;
    channels: readonly string[];
    socket_id?: string | undefined;
    info?: string | undefined;
  },
): Trigger {
  if (!isValidEventName(input.name))
    throw new HttpError(400, `Event name must be 1 to ${MAX_EVENT_NAME_LENGTH} characters`);
  if (input.data === undefined) throw new HttpError(400, 'Missing data');
  const data = typeof input.data === 'string' ? input.data : JSON.stringify(input.data);
  if (input.channels.length === 0) throw new HttpError(400, 'Missing channel or channels');
  if (input.channels.length > app.maxChannelsPerTrigger)
    throw new HttpError(400, `Too many channels (at most ${app.maxChannelsPerTrigger})`);
  for (const channel of input.channels) {
    if (serverToUserId(channel) !== null) continue;
    const problem = channelNameProblem(channel);
    if (problem) throw new HttpError(400, `Invalid channel name "${channel}": ${problem}`);
  }
  if (input.socket_id !== undefined && !isValidSocketId(input.socket_id))
    throw new HttpError(400, `Invalid socket_id ${JSON.stringify(String(input.socket_id))}`);
  if (Buffer.byteLength(data) > app.maxEventDataBytes)
    throw new HttpError(413, `Event data exceeds ${app.maxEventDataBytes} bytes`);
  return {
    name: input.name,
    data,
    channels: input.channels,
    socketId: input.socket_id,
    info: parseInfo(input.info, ['user_count', 'subscription_count']),
  };
}

/** Delivers `trigger` to each of its channels; returns the requested channel info. */
async function deliver(
  context: ServerContext,
  app: App,
  trigger: Trigger,
): Promise<Record<string, Record<string, number>> | undefined> {
  const { adapter } = context;
  await Promise.all(
    trigger.channels.map(async (channel) => {
      // One serialization per channel (the frame names it); the same bytes go to every subscriber.
      const frame = OutboundFrame.event(trigger.name, channel, trigger.data);
      const userId = serverToUserId(channel);
      if (userId !== null) return adapter.sendToUser(app.id, userId, frame);
      if (channelType(channel).cache)
        await adapter.cacheSet(
          app.id,
          channel,
          { event: trigger.name, data: trigger.data },
          app.cacheTtlSeconds,
        );
      return adapter.broadcast(app.id, channel, frame, trigger.socketId);
    }),
  );
  if (context.events.active) {
    context.events.emit({
      type: 'api_event',
      appId: app.id,
      channels: trigger.channels,
      event: trigger.name,
      data: trigger.data,
      ...(trigger.socketId !== undefined && { socketId: trigger.socketId }),
    });
  }
  if (trigger.info.size === 0) return undefined;
  const info: Record<string, Record<string, number>> = {};
  await Promise.all(
    trigger.channels.map(async (channel) => {
      if (serverToUserId(channel) !== null) return;
      const stats = await adapter.channel(app.id, channel);
      const attributes: Record<string, number> = {};
      if (trigger.info.has('user_count') && isPresenceChannel(channel))
        attributes['user_count'] = stats.userCount ?? 0;
      if (trigger.info.has('subscription_count'))
        attributes['subscription_count'] = stats.subscriptionCount;
      info[channel] = attributes;
    }),
  );
  return info;
}

/** `POST /apps/{id}/events` → `{}` or `{"channels": {...}}` when `info` was given. */
export const triggerEvent: RouteHandler = async ({ context, app, body }: RouteRequest) => {
  const input = parseJsonBody(body, triggerSchema);
  const channels = input.channels ?? (input.channel !== undefined ? [input.channel] : []);
  const trigger = validateTrigger(app, { ...input, channels });
  const info = await deliver(context, app, trigger);
  return info ? { channels: info } : {};
};

/** `POST /apps/{id}/batch_events` → `{}` or `{"batch": [...]}` (index-aligned) when any item has `info`. */
export const triggerBatch: RouteHandler = async ({ context, app, body }: RouteRequest) => {
  const { batch } = parseJsonBody(body, batchSchema);
  if (batch.length === 0) throw new HttpError(400, 'batch is empty');
  if (batch.length > MAX_BATCH_EVENTS)
    throw new HttpError(400, `Too many events in batch (at most ${MAX_BATCH_EVENTS})`);
  // Validate every item before delivering any, so a bad batch delivers nothing.
  const triggers = batch.map((item, index) => {
    try {
      return validateTrigger(app, { ...item, channels: [item.channel] });
    } catch (error) {
      if (error instanceof HttpError)
        throw new HttpError(error.status, `batch.${index}: ${error.message}`);
      throw error;
    }
  });
  const infos = await Promise.all(triggers.map((trigger) => deliver(context, app, trigger)));
  if (!triggers.some((trigger) => trigger.info.size > 0)) return {};
  return {
    batch: infos.map((info, index) => (info ? (info[batch[index]!.channel] ?? {}) : {})),
  };
};
