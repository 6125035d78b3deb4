/**
 * @module
 * Every public type in one place (the `Pusher` namespace re-exports them as `Pusher.X`).
 */
export type { BaseOptions, ClusterOptions, HostOptions, Options } from './config.js';
export type { TriggerParams, BatchEvent } from './trigger-types.js';
export type {
  Params,
  RequestOptions,
  GetOptions,
  PostOptions,
  SignedQueryStringOptions,
} from './request.js';
export type {
  AuthResponse,
  ChannelAuthResponse,
  UserAuthResponse,
  PresenceChannelData,
  UserChannelData,
} from './auth.js';
export type {
  WebHookRequest,
  Event,
  WebHookData,
  TokenLike,
  Webhook,
  WebhookEvent,
  WebhookRequestInput,
} from './webhook.js';
export type * from './spec-types.js';
