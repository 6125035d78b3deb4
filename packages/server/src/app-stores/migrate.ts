/**
 * @module
 * `herald migrate`: creates the app table of the configured database app store.
 */
import type { Config } from '../config/schema.js';
import { checkAppStoreConfig } from './check.js';
import { migrateMysql } from './mysql.js';
import { migratePostgres } from './postgres.js';

/** What {@link runMigrate} did. */
export interface MigrateResult {
  /** The database kind. */
  readonly store: 'postgres' | 'mysql';
  /** The table that now exists. */
  readonly table: string;
}

/**
 * Creates the app table (`CREATE TABLE IF NOT EXISTS`, so running it again is harmless) in the
 * database of `config.appStoreUrl`. Throws when the app store is `static` or the database refuses.
 */
export async function runMigrate(
  config: Pick<Config, 'appStore' | 'appStoreUrl' | 'appStoreTable'>,
): Promise<MigrateResult> {
  const { appStore, appStoreTable: table } = config;
  if (appStore === 'static')
    throw new Error('Nothing to migrate: set appStore to "postgres" or "mysql" (--app-store)');
  const appStoreUrl = checkAppStoreConfig(config) ?? '';
  if (appStore === 'postgres') await migratePostgres(appStoreUrl, table);
  else await migrateMysql(appStoreUrl, table);
  return { store: appStore, table };
}
