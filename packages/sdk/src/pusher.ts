/**
 * @module
 * The `Pusher` class: `pusher` 5.3.4's API, same names, arguments, results and synchronous throws,
 * plus the server-library specification's typed operations.
 */
import {
  MAX_BATCH_EVENTS,
  MAX_CHANNELS_PER_TRIGGER,
  MAX_EVENT_NAME_LENGTH,
  SERVER_TO_USER_PREFIX,
  CHANNEL_NAME_PATTERN,
  channelNameProblem,
  channelType,
  isEncryptedChannel,
  isPresenceChannel,
  isValidSocketId,
} from './protocol/index.js';
import { Config, type BaseOptions, type Options } from './config.js';
import type * as types from './types.js';
import type { BatchEvent, TriggerParams } from './trigger-types.js';
import { RequestError, ValidationError, WebHookError, WebhookVerificationError } from './errors.js';
import { Token } from './token.js';
import {
  createSignedQueryString,
  send,
  type GetOptions,
  type PostOptions,
  type SignedQueryStringOptions,
} from './request.js';
import {
  channelSignature,
  userSignature,
  type ChannelAuthResponse,
  type PresenceChannelData,
  type UserAuthResponse,
  type UserChannelData,
} from './auth.js';
import { channelSharedSecret, encryptPayload } from './encryption.js';
import {
  WebHook,
  verifyWebhook,
  type WebHookRequest,
  type Webhook,
  type WebhookRequestInput,
} from './webhook.js';
import type {
  AuthenticateChannelInput,
  BatchEventInput,
  ChannelAttribute,
  ChannelInfo,
  ChannelInfoQuery,
  ChannelSummary,
  ChannelsQuery,
  TriggerEventInput,
  User,
  VerifyWebhookOptions,
} from './spec-types.js';

function validateChannel(channel: unknown): asserts channel is string {
  const problem = channelNameProblem(channel);
  // `pusher` reports bad characters before length: keep its message for a long, bad name.
  if (
    problem === 'empty' ||
    problem === 'invalid-characters' ||
    (problem === 'too-long' && !CHANNEL_NAME_PATTERN.test(channel as string))
  ) {
    throw new ValidationError('invalid_channel', `Invalid channel name: '${String(channel)}'`);
  }
  if (problem === 'too-long') {
    throw new ValidationError('invalid_channel', `Channel name too long: '${String(channel)}'`);
  }
}

function validateSocketId(socketId: unknown): asserts socketId is string {
  if (!isValidSocketId(socketId)) {
    throw new ValidationError('invalid_socket_id', `Invalid socket id: '${String(socketId)}'`);
  }
}

function validateEventName(event: string): void {
  if (typeof event !== 'string') {
    throw new ValidationError('invalid_event_name', `Invalid event name: '${String(event)}'`);
  }
  if (event.length > MAX_EVENT_NAME_LENGTH) {
    throw new ValidationError('invalid_event_name', `Too long event name: '${String(event)}'`);
  }
}

function validateUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId === '') {
    throw new ValidationError('invalid_user', `Invalid user id: '${String(userId)}'`);
  }
}

function ensureJSON(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

function infoParam(attributes: readonly ChannelAttribute[] | undefined): string | undefined {
  return attributes && attributes.length > 0 ? attributes.join(',') : undefined;
}

interface RawChannelAttributes {
  occupied?: boolean;
  user_count?: number;
  subscription_count?: number;
}

function summary(name: string, raw: RawChannelAttributes | undefined): ChannelInfo {
  const out: { -readonly [K in keyof ChannelInfo]: ChannelInfo[K] } = { name };
  if (typeof raw?.occupied === 'boolean') out.occupied = raw.occupied;
  if (typeof raw?.user_count === 'number') out.userCount = raw.user_count;
  if (typeof raw?.subscription_count === 'number') out.subscriptionCount = raw.subscription_count;
  return out;
}

function summaries(channels: Record<string, RawChannelAttributes> | undefined): ChannelSummary[] {
  return Object.entries(channels ?? {}).map(([name, raw]) => {
    const { occupied: _occupied, ...rest } = summary(name, raw);
    return rest;
  });
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * Access to the Channels HTTP API, channel authorization, user authentication and webhooks.
 * A drop-in replacement for `pusher` 5.3.4's default export.
 *
 * @example
 * ```ts
 * import Pusher from '@herald/sdk';
 * const pusher = new Pusher({ appId: '1', key: 'key', secret: 'secret', host: 'localhost', port: '6001' });
 * await pusher.trigger('my-channel', 'my-event', { message: 'hello' });
 * ```
 */
export class Pusher {
  /** The resolved configuration. */
  readonly config: Config;

  /**
   * @param options - App credentials and connection options (see {@link BaseOptions}).
   * @throws {@link ValidationError} for missing credentials or an invalid master key.
   */
  constructor(options: Options) {
    this.config = new Config(options);
  }

  /**
   * Creates a client from `SCHEME://KEY:SECRET@HOST[:PORT]/apps/APP_ID`.
   *
   * @param pusherUrl - The connection URL.
   * @param options - Further options; the URL's parts win.
   */
  static forURL(pusherUrl: string, options?: Partial<Options>): Pusher {
    const url = new URL(pusherUrl);
    const segments = url.pathname.split('/');
    return new Pusher({
      ...(options ?? {}),
      scheme: url.protocol.replace(/:$/, ''),
      host: url.hostname,
      port: parseInt(url.port, 10) || undefined,
      appId: parseInt(segments[segments.length - 1] ?? '', 10),
      key: decodeURIComponent(url.username),
      secret: decodeURIComponent(url.password),
    });
  }

  /**
   * Creates a client for a Pusher cluster (`api-<cluster>.pusher.com`).
   *
   * @param cluster - Cluster name, e.g. `eu`.
   * @param options - Credentials and other options (`host` is overridden).
   */
  static forCluster(cluster: string, options: BaseOptions): Pusher {
    return new Pusher({ ...(options ?? {}), host: `api-${cluster}.pusher.com` });
  }

  /** {@link Token} class (`Pusher.Token`). */
  static Token = Token;
  /** {@link RequestError} class (`Pusher.RequestError`). */
  static RequestError = RequestError;
  /** {@link WebHookError} class (`Pusher.WebHookError`). */
  static WebHookError = WebHookError;
  /** {@link WebHook} class (`Pusher.WebHook`; declared but missing at run time in `pusher`). */
  static WebHook = WebHook;
  /** {@link ValidationError} class. */
  static ValidationError = ValidationError;
  /** {@link WebhookVerificationError} class. */
  static WebhookVerificationError = WebhookVerificationError;

  /**
   * Signs a private, presence or encrypted channel subscription (synchronous).
   *
   * @param socketId - The subscribing connection's socket id.
   * @param channel - The channel name.
   * @param data - Presence member data; becomes `channel_data`.
   * @returns The auth response to send back to the client.
   * @throws {@link ValidationError} for a bad socket id or channel, or an encrypted channel without master key.
   */
  authorizeChannel(
    socketId: string,
    channel: string,
    data?: PresenceChannelData,
  ): ChannelAuthResponse {
    validateSocketId(socketId);
    validateChannel(channel);
    return channelSignature(
      this.config.token,
      this.config.encryptionMasterKey,
      socketId,
      channel,
      data,
    );
  }

  /** @deprecated Use {@link Pusher.authorizeChannel} (this is the same function). */
  declare authenticate: (
    socketId: string,
    channel: string,
    data?: PresenceChannelData,
  ) => ChannelAuthResponse;

  /**
   * Signs a user for `pusher:signin` (synchronous).
   *
   * @param socketId - The connection's socket id.
   * @param userData - The user; `id` must be a non-empty string.
   */
  authenticateUser(socketId: string, userData: UserChannelData): UserAuthResponse {
    validateSocketId(socketId);
    if (userData == null || typeof userData !== 'object') {
      throw new ValidationError('invalid_user', `Invalid user data: '${String(userData)}'`);
    }
    validateUserId(userData.id);
    return userSignature(this.config.token, socketId, userData);
  }

  /**
   * Sends an event to every connection signed in as `userId` (`#server-to-user-<id>`).
   *
   * @throws {@link ValidationError} synchronously for a bad event name or user id.
   */
  sendToUser(userId: string, event: string, data: unknown): Promise<Response> {
    validateEventName(event);
    validateUserId(userId);
    return this.post({
      path: '/events',
      body: {
        name: event,
        data: ensureJSON(data),
        channels: [`${SERVER_TO_USER_PREFIX}${userId}`],
      },
    });
  }

  /** Disconnects every connection signed in as `userId`. */
  terminateUserConnections(userId: string): Promise<Response> {
    validateUserId(userId);
    return this.post({ path: `/users/${userId}/terminate_connections`, body: {} });
  }

  /**
   * Triggers an event on one channel or up to 100 (validation throws synchronously).
   * Events on a `private-encrypted-` channel are encrypted; such a channel must be the only one.
   *
   * @param channels - One channel or a list.
   * @param event - Event name (≤ 200 characters).
   * @param data - Strings are sent as they are, anything else JSON-encoded.
   * @param params - `socket_id` to exclude, `info` attributes to return.
   * @returns The HTTP response (its JSON has `channels` when `info` was asked for).
   */
  trigger(
    channels: string | readonly string[],
    event: string,
    data: unknown,
    params?: TriggerParams,
  ): Promise<Response> {
    return this.post({ path: '/events', body: this.triggerBody(channels, event, data, params) });
  }

  /** Validates and builds the body of `POST /events` (shared by `trigger` and `triggerEvent`). */
  private triggerBody(
    channels: string | readonly string[],
    event: string,
    data: unknown,
    params: TriggerParams | undefined,
  ): Record<string, unknown> {
    if (params && params.socket_id) validateSocketId(params.socket_id);
    const list: readonly string[] = Array.isArray(channels) ? channels : [channels as string];
    validateEventName(event);
    if (list.length > MAX_CHANNELS_PER_TRIGGER) {
      throw new ValidationError(
        'too_many_channels',
        `Can't trigger a message to more than ${MAX_CHANNELS_PER_TRIGGER} channels`,
      );
    }
    for (const channel of list) validateChannel(channel);
    if (list.length === 1 && isEncryptedChannel(list[0] as string)) {
      const channel = list[0] as string;
      return { name: event, data: this.encrypt(channel, data), channels: [channel], ...params };
    }
    if (list.some(isEncryptedChannel)) {
      throw new ValidationError(
        'encrypted_multichannel',
        'You cannot trigger to multiple channels when using encrypted channels',
      );
    }
    return { name: event, data: ensureJSON(data), channels: list, ...params };
  }

  private encrypt(channel: string, data: unknown): string {
    const key = this.config.encryptionMasterKey;
    if (key === undefined) {
      throw new ValidationError(
        'encryption_key_missing',
        'Set encryptionMasterKey before triggering events on encrypted channels',
      );
    }
    return encryptPayload(channel, key, JSON.stringify(data));
  }

  /**
   * Triggers several events in one request (`POST /batch_events`). Like `pusher`, no client-side
   * size check: the server answers 400 above its limit. Unlike `pusher`, the input is not mutated.
   */
  triggerBatch(batch: readonly BatchEvent[]): Promise<Response> {
    const items = batch.map((item) => ({
      ...item,
      data: isEncryptedChannel(item.channel)
        ? this.encrypt(item.channel, item.data)
        : ensureJSON(item.data),
    }));
    return this.post({ path: '/batch_events', body: { batch: items } });
  }

  /** Signed `POST /apps/<id><path>`; `body` is JSON-encoded. */
  post(options: PostOptions): Promise<Response> {
    return send(this.config, { ...options, method: 'POST' });
  }

  /** Signed `GET /apps/<id><path>`. */
  get(options: GetOptions): Promise<Response> {
    return send(this.config, { ...options, method: 'GET' });
  }

  /**
   * Wraps a received webhook (headers with lower-case keys, raw body) for `isValid()` and reading.
   */
  webhook(request: WebHookRequest): WebHook {
    return new WebHook(this.config.token, request);
  }

  /** A signed query string for a request to the HTTP API (synchronous). */
  createSignedQueryString(options: SignedQueryStringOptions): string {
    return createSignedQueryString(this.config.token, options);
  }

  /**
   * The 32-byte secretbox key of an encrypted channel.
   *
   * @throws {@link ValidationError} when no master key is configured.
   */
  channelSharedSecret(channel: string): Uint8Array {
    const key = this.config.encryptionMasterKey;
    if (key === undefined) {
      throw new ValidationError(
        'encryption_key_missing',
        'Cannot generate shared_secret because encryptionMasterKey is not set',
      );
    }
    return channelSharedSecret(channel, key);
  }

  // ---- The server-library specification's operations -------------------------------------------

  /**
   * Lists occupied channels (spec `channels`).
   *
   * @example
   * ```ts
   * const list = await pusher.channels({ filterByPrefix: 'presence-', attributes: ['user_count'] });
   * ```
   * @throws {@link RequestError} for an HTTP error (e.g. 400 for `user_count` without a presence filter).
   */
  async channels(query: ChannelsQuery = {}): Promise<ChannelSummary[]> {
    const params: Record<string, string> = {};
    if (query.filterByPrefix) params['filter_by_prefix'] = query.filterByPrefix;
    const info = infoParam(query.attributes);
    if (info) params['info'] = info;
    const res = await this.get({ path: '/channels', params });
    const body = await json<{ channels?: Record<string, RawChannelAttributes> }>(res);
    return summaries(body.channels);
  }

  /**
   * Fetches one channel's state (spec `channelInfo`).
   *
   * @throws {@link ValidationError} for an invalid channel name; {@link RequestError} for HTTP errors.
   */
  async channelInfo(channelName: string, query: ChannelInfoQuery = {}): Promise<ChannelInfo> {
    validateChannel(channelName);
    const info = infoParam(query.attributes);
    const res = await this.get({
      path: `/channels/${channelName}`,
      params: info ? { info } : {},
    });
    return summary(channelName, await json<RawChannelAttributes>(res));
  }

  /**
   * Lists the users of a presence channel (spec `users`).
   *
   * @throws {@link RequestError} (400) for a non-presence channel.
   */
  async users(channelName: string): Promise<User[]> {
    validateChannel(channelName);
    const res = await this.get({ path: `/channels/${channelName}/users` });
    const body = await json<{ users?: Array<{ id: unknown }> }>(res);
    return (body.users ?? []).map((u) => ({ id: String(u.id) }));
  }

  /**
   * Triggers one event (spec `trigger(eventJSON)`), returning the channels published to with the
   * attributes asked for (empty unless `attributes` is set).
   *
   * @throws {@link ValidationError} (rejection) for a multichannel event with an encrypted channel, etc.
   */
  async triggerEvent(event: TriggerEventInput): Promise<ChannelSummary[]> {
    const channels = event.channels ?? (event.channel === undefined ? [] : [event.channel]);
    if (channels.length === 0) {
      throw new ValidationError('invalid_channel', 'An event needs `channel` or `channels`');
    }
    const params: TriggerParams = {};
    if (event.socketId !== undefined) params.socket_id = event.socketId;
    const info = infoParam(event.attributes);
    if (info) params.info = info;
    const body = this.triggerBody(channels, event.name, event.data, params);
    const res = await this.post({ path: '/events', body });
    return summaries(
      (await json<{ channels?: Record<string, RawChannelAttributes> }>(res)).channels,
    );
  }

  /**
   * Triggers up to 10 events, each on exactly one channel (spec `trigger(eventsJSON)`), returning
   * per-event channel information when attributes were asked for (else an empty list).
   *
   * @throws {@link ValidationError} (rejection) for more than 10 events or a multichannel event.
   */
  async triggerEvents(events: readonly BatchEventInput[]): Promise<ChannelInfo[]> {
    if (events.length > MAX_BATCH_EVENTS) {
      throw new ValidationError(
        'batch_too_large',
        `Batch too large (${events.length} > ${MAX_BATCH_EVENTS})`,
      );
    }
    const batch = events.map((e) => {
      if (e.channels !== undefined && (e.channels.length !== 1 || e.channels[0] !== e.channel)) {
        throw new ValidationError(
          'batch_multichannel',
          'Batch events must each name exactly one channel',
        );
      }
      validateChannel(e.channel);
      validateEventName(e.name);
      if (e.socketId !== undefined) validateSocketId(e.socketId);
      const item: BatchEvent = { channel: e.channel, name: e.name, data: e.data };
      if (e.socketId !== undefined) item.socket_id = e.socketId;
      const info = infoParam(e.attributes);
      if (info) item.info = info;
      return item;
    });
    const res = await this.triggerBatch(batch);
    const body = await json<{ batch?: RawChannelAttributes[] }>(res);
    return (body.batch ?? []).map((raw, i) => summary(batch[i]?.channel ?? '', raw));
  }

  /**
   * Signs a channel subscription (spec `authenticate`): refuses public channels and presence
   * channels without `userData.user_id`.
   *
   * @example
   * ```ts
   * pusher.authenticateChannel({ channelName: 'presence-room', socketId, userData: { user_id: '1' } });
   * ```
   */
  authenticateChannel(input: AuthenticateChannelInput): ChannelAuthResponse {
    const { channelName, socketId, userData } = input;
    validateSocketId(socketId);
    validateChannel(channelName);
    const kind = channelType(channelName).kind;
    if (kind === 'public') {
      throw new ValidationError(
        'public_channel_auth',
        'Authenticating public channel subscriptions is not required.',
      );
    }
    if (isPresenceChannel(channelName)) {
      if (!userData || typeof userData.user_id !== 'string' || userData.user_id === '') {
        throw new ValidationError(
          'presence_user_data_missing',
          "Authenticating presence channel subscriptions requires 'userData' with a 'user_id'.",
        );
      }
      return this.authorizeChannel(socketId, channelName, userData);
    }
    return this.authorizeChannel(socketId, channelName);
  }

  /**
   * Verifies a webhook request (spec `verifyWebhook`) and returns its typed events, decrypting
   * those of `private-encrypted-` channels. Header names may be in any case; `Headers` works.
   *
   * @throws {@link WebhookVerificationError} with a `code` saying which check failed.
   */
  verifyWebhook(request: WebhookRequestInput, options: VerifyWebhookOptions = {}): Webhook {
    return verifyWebhook(
      [this.config.token, ...(options.extraTokens ?? [])],
      this.config.encryptionMasterKey,
      request,
    );
  }
}

// `pusher` exposes the deprecated alias as the very same function object.
// eslint-disable-next-line @typescript-eslint/unbound-method -- assigned to the same prototype.
Pusher.prototype.authenticate = Pusher.prototype.authorizeChannel;

/* eslint-disable @typescript-eslint/no-namespace -- `Pusher.Options` etc., as in `pusher`'s typings. */
/** Types reachable as `Pusher.X`, as in `pusher`'s `index.d.ts`. */
export declare namespace Pusher {
  /** See {@link BaseOptions}. */
  export type BaseOptions = types.BaseOptions;
  /** See {@link ClusterOptions}. */
  export type ClusterOptions = types.ClusterOptions;
  /** See {@link HostOptions}. */
  export type HostOptions = types.HostOptions;
  /** See {@link Options}. */
  export type Options = types.Options;
  /** See {@link TriggerParams}. */
  export type TriggerParams = types.TriggerParams;
  /** See {@link BatchEvent}. */
  export type BatchEvent = types.BatchEvent;
  /** See {@link Params}. */
  export type Params = types.Params;
  /** See {@link RequestOptions}. */
  export type RequestOptions = types.RequestOptions;
  /** See {@link GetOptions}. */
  export type GetOptions = types.GetOptions;
  /** See {@link PostOptions}. */
  export type PostOptions = types.PostOptions;
  /** See {@link SignedQueryStringOptions}. */
  export type SignedQueryStringOptions = types.SignedQueryStringOptions;
  /** See {@link AuthResponse}. */
  export type AuthResponse = types.AuthResponse;
  /** See {@link ChannelAuthResponse}. */
  export type ChannelAuthResponse = types.ChannelAuthResponse;
  /** See {@link UserAuthResponse}. */
  export type UserAuthResponse = types.UserAuthResponse;
  /** See {@link PresenceChannelData}. */
  export type PresenceChannelData = types.PresenceChannelData;
  /** See {@link UserChannelData}. */
  export type UserChannelData = types.UserChannelData;
  /** See {@link WebHookRequest}. */
  export type WebHookRequest = types.WebHookRequest;
  /** See {@link Event}. */
  export type Event = types.Event;
  /** See {@link WebHookData}. */
  export type WebHookData = types.WebHookData;
  /** See {@link TokenLike}. */
  export type TokenLike = types.TokenLike;
  /** See {@link Webhook}. */
  export type Webhook = types.Webhook;
  /** See {@link WebhookEvent}. */
  export type WebhookEvent = types.WebhookEvent;
  /** See {@link WebhookRequestInput}. */
  export type WebhookRequestInput = types.WebhookRequestInput;
  /** See {@link ChannelAttribute}. */
  export type ChannelAttribute = types.ChannelAttribute;
  /** See {@link ChannelInfo}. */
  export type ChannelInfo = types.ChannelInfo;
  /** See {@link ChannelSummary}. */
  export type ChannelSummary = types.ChannelSummary;
  /** See {@link ChannelsQuery}. */
  export type ChannelsQuery = types.ChannelsQuery;
  /** See {@link ChannelInfoQuery}. */
  export type ChannelInfoQuery = types.ChannelInfoQuery;
  /** See {@link User}. */
  export type User = types.User;
  /** See {@link TriggerEventInput}. */
  export type TriggerEventInput = types.TriggerEventInput;
  /** See {@link BatchEventInput}. */
  export type BatchEventInput = types.BatchEventInput;
  /** See {@link AuthenticateChannelInput}. */
  export type AuthenticateChannelInput = types.AuthenticateChannelInput;
  /** See {@link VerifyWebhookOptions}. */
  export type VerifyWebhookOptions = types.VerifyWebhookOptions;
}
