/**
 * @module
 * App stores: where the server finds apps. `static` serves the configured apps; `postgres` and
 * `mysql` read the app table (docs/app-stores.md) through a TTL cache.
 */
import type { AppStore } from '../apps/app-store.js';
import { StaticAppStore } from '../apps/static-store.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { CachedAppStore, type AppRowSource } from './cached-store.js';
import { checkAppStoreConfig } from './check.js';
import { maskUrlsInText } from './mask.js';
import { MysqlAppSource } from './mysql.js';
import { PostgresAppSource } from './postgres.js';

export { CachedAppStore } from './cached-store.js';
export type { AppRow, AppRowSource, CachedAppStoreOptions } from './cached-store.js';
export { checkAppStoreConfig } from './check.js';
export { runMigrate } from './migrate.js';
export type { MigrateResult } from './migrate.js';
export { maskUrlsInText } from './mask.js';
export { appTableSql } from './table.js';
export type { SqlDialect } from './table.js';

/**
 * Builds the app store `config.appStore` names. Connects lazily: nothing is queried here.
 * Throws {@link ConfigError} when a database store has no URL.
 */
export function createAppStore(config: Config, logger: Logger): AppStore {
  const url = checkAppStoreConfig(config);
  if (url === undefined) return new StaticAppStore(config.apps);
  const source: AppRowSource =
    config.appStore === 'postgres'
      ? new PostgresAppSource(url, config.appStoreTable, logger)
      : new MysqlAppSource(url, config.appStoreTable);
  logger.info(
    {
      store: config.appStore,
      url: maskUrlsInText(url),
      table: config.appStoreTable,
      cacheTtlSeconds: config.appStoreCacheTtlSeconds,
    },
    'App store',
  );
  return new CachedAppStore(source, { ttlMs: config.appStoreCacheTtlSeconds * 1000, logger });
}
