/**
 * @module
 * Channel queries: `GET /apps/{id}/channels`, `GET /apps/{id}/channels/{name}` and
 * `GET /apps/{id}/channels/{name}/users`. Answers are cluster-wide (through the adapter).
 */
import {
  channelNameProblem,
  channelType,
  isPresenceChannel,
  SERVER_TO_USER_PREFIX,
} from '@herald/sdk/protocol';
import { HttpError } from '../errors.js';
import { parseInfo, type RouteHandler } from './common.js';

function checkChannel(name: string | undefined): string {
  const problem = channelNameProblem(name);
  if (problem || name === undefined)
    throw new HttpError(400, `Invalid channel name "${name ?? ''}": ${problem ?? 'empty'}`);
  return name;
}

/** `GET /apps/{id}/channels?filter_by_prefix=&info=user_count,subscription_count` */
export const listChannels: RouteHandler = async ({ context, app, query }) => {
  const prefix = query['filter_by_prefix'] || undefined;
  const info = parseInfo(query['info'], ['user_count', 'subscription_count']);
  if (info.has('user_count') && !prefix?.startsWith('presence-'))
    throw new HttpError(400, 'info=user_count requires filter_by_prefix=presence-');
  const channels: Record<string, Record<string, number>> = {};
  for (const [name, stats] of await context.adapter.channels(app.id, prefix)) {
    if (name.startsWith(SERVER_TO_USER_PREFIX)) continue;
    const attributes: Record<string, number> = {};
    if (info.has('user_count')) attributes['user_count'] = stats.userCount ?? 0;
    if (info.has('subscription_count')) attributes['subscription_count'] = stats.subscriptionCount;
    channels[name] = attributes;
  }
  return { channels };
};

/** `GET /apps/{id}/channels/{name}?info=user_count,subscription_count,cache` */
export const channelInfo: RouteHandler = async ({ context, app, query, params }) => {
  const channel = checkChannel(params['channel']);
  const info = parseInfo(query['info'], ['user_count', 'subscription_count', 'cache']);
  const presence = isPresenceChannel(channel);
  if (info.has('user_count') && !presence)
    throw new HttpError(400, 'user_count is only available for presence channels');
  const cache = channelType(channel).cache;
  if (info.has('cache') && !cache)
    throw new HttpError(400, 'cache is only available for cache channels');
  const stats = await context.adapter.channel(app.id, channel);
  const out: Record<string, unknown> = { occupied: stats.subscriptionCount > 0 };
  if (info.has('user_count')) out['user_count'] = stats.userCount ?? 0;
  if (info.has('subscription_count')) out['subscription_count'] = stats.subscriptionCount;
  if (info.has('cache')) {
    const cached = await context.adapter.cacheGet(app.id, channel);
    out['cache'] = cached ? { data: cached.data, ttl: cached.ttlSeconds } : null;
  }
  return out;
};

/** `GET /apps/{id}/channels/{name}/users` → `{"users":[{"id":"1"}]}` (presence channels only). */
export const channelUsers: RouteHandler = async ({ context, app, params }) => {
  const channel = checkChannel(params['channel']);
  if (!isPresenceChannel(channel))
    throw new HttpError(400, 'Users can only be listed for presence channels');
  const members = await context.adapter.presenceMembers(app.id, channel);
  return { users: [...members.keys()].map((id) => ({ id })) };
};
