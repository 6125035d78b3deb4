/**
 * @module
 * Where apps come from. The static store serves the configured apps; database-backed stores
 * (PostgreSQL, MySQL) implement the same interface behind a cache.
 */
import type { AppConfig } from '../config/schema.js';

/** An app as the server uses it: validated settings, read-only. */
export type App = Readonly<AppConfig>;

/** Looks apps up by key (WebSocket path) or id (HTTP API path). */
export interface AppStore {
  /** The app whose key is `key`, or undefined. */
  findByKey(key: string): Promise<App | undefined>;
  /** The app whose id is `id`, or undefined. */
  findById(id: string): Promise<App | undefined>;
  /** Every app known now (for the console and metrics); may be a cached subset for database stores. */
  list(): Promise<readonly App[]>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
