/**
 * @module
 * `@herald/sdk`: a drop-in replacement for the `pusher` server SDK (same default export, same API),
 * with the server-library specification's typed operations, and no runtime dependencies.
 *
 * @example
 * ```ts
 * import Pusher from '@herald/sdk';
 * const pusher = new Pusher({ appId: '1', key: 'key', secret: 'secret', cluster: 'eu', useTLS: true });
 * ```
 */
import { Pusher } from './pusher.js';

export default Pusher;
export { Pusher };
export type { TriggerParams, BatchEvent } from './trigger-types.js';
export {
  Config,
  type BaseOptions,
  type ClusterOptions,
  type HostOptions,
  type Options,
} from './config.js';
export {
  RequestError,
  WebHookError,
  ValidationError,
  WebhookVerificationError,
  type ValidationErrorCode,
  type WebhookVerificationErrorCode,
} from './errors.js';
export { Token } from './token.js';
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
export {
  WebHook,
  type WebHookRequest,
  type Event,
  type WebHookData,
  type TokenLike,
  type Webhook,
  type WebhookEvent,
  type WebhookRequestInput,
} from './webhook.js';
export type * from './spec-types.js';
export { VERSION } from './version.js';
export * as protocol from './protocol/index.js';
