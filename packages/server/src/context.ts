/**
 * @module
 * The narrow set of dependencies every part of the server receives from the composition root.
 * Modules take what they need from it; nothing reaches into a server object.
 */
import type { Adapter } from './adapters/adapter.js';
import type { AppStore } from './apps/app-store.js';
import type { Config } from './config/schema.js';
import type { ServerEvents } from './events.js';
import type { Logger } from './logger.js';

/** Shared services, built once by `server.ts`. */
export interface ServerContext {
  /** The validated, frozen configuration. */
  readonly config: Config;
  /** Where apps are looked up. */
  readonly apps: AppStore;
  /** Membership, fan-out and cluster queries. */
  readonly adapter: Adapter;
  /** Observable server events (webhooks, metrics, console). */
  readonly events: ServerEvents;
  /** The root logger. */
  readonly logger: Logger;
}
