/**
 * @module
 * `@herald/server`: the Herald realtime server (programmatic API).
 *
 * @example
 * import { createServer } from '@herald/server';
 * const server = createServer({ port: 6001 });
 * await server.start();
 */
export { createServer } from './server.js';
export type { HeraldServer, ServerAddress, CreateServerOptions } from './server.js';
export { parseConfig, ConfigError } from './config/parse.js';
export { configSchema } from './config/schema.js';
export type { Config, ConfigInput, AppConfig, WebhookConfig } from './config/schema.js';
export type { Adapter, ChannelStats } from './adapters/adapter.js';
export type { AppStore, App } from './apps/app-store.js';
export type { ServerEvent, ServerEventListener } from './events.js';
export { CloseCodes } from './protocol/close-codes.js';
