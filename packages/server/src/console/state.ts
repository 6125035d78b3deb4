/**
 * @module
 * The console's "current state" panel: the signed-in app, its connection count and occupied
 * channels (cluster-wide, through the adapter), and the members of one presence channel.
 * Only the session's app is ever queried.
 */
import { isPresenceChannel, isValidChannelName } from '@herald/sdk/protocol';
import type { App } from '../apps/app-store.js';
import type { ServerContext } from '../context.js';
import { ConsoleHttpError } from './http.js';

/** Most channels listed in one state answer (sorted by name; `channelCount` tells the total). */
export const MAX_STATE_CHANNELS = 500;
/** Most presence members listed in one answer. */
export const MAX_STATE_MEMBERS = 500;

/** What the console may show about an app: never its secret. */
export interface PublicApp {
  readonly id: string;
  readonly key: string;
  readonly name?: string;
  readonly enabled: boolean;
}

/** One occupied channel. */
export interface ChannelRow {
  readonly name: string;
  readonly subscriptionCount: number;
  readonly userCount?: number;
}

/** The state panel's data. */
export interface ConsoleState {
  /** The signed-in app. */
  readonly app: PublicApp;
  /** Apps this session may see (only the signed-in one). */
  readonly apps: readonly PublicApp[];
  /** Connections of the app, cluster-wide. */
  readonly connections: number;
  /** Occupied channels, at most {@link MAX_STATE_CHANNELS}. */
  readonly channels: readonly ChannelRow[];
  /** How many channels are occupied in all. */
  readonly channelCount: number;
  /** Server time of the snapshot (epoch ms). */
  readonly time: number;
}

/** The fields of an app the console may show. */
export function publicApp(app: App): PublicApp {
  return {
    id: app.id,
    key: app.key,
    ...(app.name !== undefined ? { name: app.name } : {}),
    enabled: app.enabled,
  };
}

/** Builds the state snapshot of one app. */
export async function appState(context: ServerContext, app: App): Promise<ConsoleState> {
  const [connections, channels] = await Promise.all([
    context.adapter.connectionCount(app.id),
    context.adapter.channels(app.id),
  ]);
  const rows: ChannelRow[] = [...channels.keys()]
    .sort()
    .slice(0, MAX_STATE_CHANNELS)
    .map((name) => {
      const stats = channels.get(name)!;
      return {
        name,
        subscriptionCount: stats.subscriptionCount,
        ...(stats.userCount !== undefined ? { userCount: stats.userCount } : {}),
      };
    });
  const shown = publicApp(app);
  return {
    app: shown,
    apps: [shown],
    connections,
    channels: rows,
    channelCount: channels.size,
    time: Date.now(),
  };
}

/** The members of a presence channel of one app: `[{ id, info }]`. */
export async function presenceMembers(
  context: ServerContext,
  app: App,
  channel: string | null,
): Promise<{ channel: string; members: { id: string; info: unknown }[]; memberCount: number }> {
  if (!channel || !isValidChannelName(channel))
    throw new ConsoleHttpError(400, 'Give a valid channel name (?channel=presence-...)');
  if (!isPresenceChannel(channel))
    throw new ConsoleHttpError(400, `"${channel}" is not a presence channel`);
  const members = await context.adapter.presenceMembers(app.id, channel);
  const list = [...members].slice(0, MAX_STATE_MEMBERS).map(([id, info]) => ({ id, info }));
  return { channel, members: list, memberCount: members.size };
}
