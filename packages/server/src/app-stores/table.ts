/**
 * @module
 * The app table: one row per app, one column per app setting. `NULL` in a settings column means
 * "the default" (the same default as in the configuration file). This is the only place the layout
 * is written down; docs/app-stores.md shows {@link appTableSql}'s output and a test keeps them equal.
 */
import type { AppConfig } from '../config/schema.js';

/** The SQL dialects Herald's database app stores speak. */
export type SqlDialect = 'postgres' | 'mysql';

/** Column name → the app setting it holds, in table order. */
export const APP_COLUMNS = Object.freeze({
  id: 'id',
  key: 'key',
  secret: 'secret',
  name: 'name',
  enabled: 'enabled',
  client_events: 'clientEvents',
  client_events_per_second: 'clientEventsPerSecond',
  max_connections: 'maxConnections',
  max_presence_members: 'maxPresenceMembers',
  max_event_data_bytes: 'maxEventDataBytes',
  max_channels_per_trigger: 'maxChannelsPerTrigger',
  require_sign_in: 'requireSignIn',
  sign_in_timeout_ms: 'signInTimeoutMs',
  subscription_count: 'subscriptionCount',
  cache_ttl_seconds: 'cacheTtlSeconds',
  webhooks: 'webhooks',
} as const satisfies Record<string, keyof AppConfig>);

/** A column of the app table. */
export type AppColumn = keyof typeof APP_COLUMNS;

type ColumnKind = 'text' | 'bool' | 'int' | 'json';

const COLUMN_KINDS: Readonly<Record<AppColumn, ColumnKind>> = {
  id: 'text',
  key: 'text',
  secret: 'text',
  name: 'text',
  enabled: 'bool',
  client_events: 'bool',
  client_events_per_second: 'int',
  max_connections: 'int',
  max_presence_members: 'int',
  max_event_data_bytes: 'int',
  max_channels_per_trigger: 'int',
  require_sign_in: 'bool',
  sign_in_timeout_ms: 'int',
  subscription_count: 'bool',
  cache_ttl_seconds: 'int',
  webhooks: 'json',
};

/** Whether a column holds text (an operator's table may use an integer id). */
export function isTextColumn(column: AppColumn): boolean {
  return COLUMN_KINDS[column] === 'text';
}

/** Whether a column holds a boolean (MySQL returns those as 0/1). */
export function isBooleanColumn(column: AppColumn): boolean {
  return COLUMN_KINDS[column] === 'bool';
}

/** Whether a column holds an integer (drivers may return big numbers as strings). */
export function isIntegerColumn(column: AppColumn): boolean {
  return COLUMN_KINDS[column] === 'int';
}

/** Whether a column holds JSON (MariaDB returns it as a string). */
export function isJsonColumn(column: AppColumn): boolean {
  return COLUMN_KINDS[column] === 'json';
}

/** Quotes an identifier for `dialect` (`key` is a reserved word in MySQL). */
export function quoteIdent(dialect: SqlDialect, name: string): string {
  return dialect === 'postgres' ? `"${name}"` : `\`${name}\``;
}

const SQL_TYPES: Readonly<Record<SqlDialect, Record<ColumnKind, string>>> = {
  postgres: { text: 'VARCHAR(255)', bool: 'BOOLEAN', int: 'INTEGER', json: 'JSONB' },
  mysql: { text: 'VARCHAR(255)', bool: 'BOOLEAN', int: 'INT', json: 'JSON' },
};

const CONSTRAINTS: Partial<Record<AppColumn, string>> = {
  id: ' NOT NULL PRIMARY KEY',
  key: ' NOT NULL UNIQUE',
  secret: ' NOT NULL',
  enabled: ' NOT NULL DEFAULT TRUE',
};

function columnConstraint(column: AppColumn): string {
  return CONSTRAINTS[column] ?? ' NULL';
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the app table for `dialect`.
 *
 * @param table - A plain identifier (the config schema validates `appStoreTable`).
 */
export function appTableSql(dialect: SqlDialect, table: string): string {
  const q = (name: string) => quoteIdent(dialect, name);
  const lines = (Object.keys(APP_COLUMNS) as AppColumn[]).map(
    (column) =>
      `  ${q(column)} ${SQL_TYPES[dialect][COLUMN_KINDS[column]]}${columnConstraint(column)}`,
  );
  if (dialect === 'postgres') {
    lines.push(
      `  ${q('created_at')} TIMESTAMPTZ NOT NULL DEFAULT now()`,
      `  ${q('updated_at')} TIMESTAMPTZ NOT NULL DEFAULT now()`,
    );
    return `CREATE TABLE IF NOT EXISTS ${q(table)} (\n${lines.join(',\n')}\n);`;
  }
  lines.push(
    `  ${q('created_at')} TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP`,
    `  ${q('updated_at')} TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`,
  );
  return `CREATE TABLE IF NOT EXISTS ${q(table)} (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`;
}

/** The column list of a `SELECT` on the app table. */
export function selectColumns(dialect: SqlDialect): string {
  return Object.keys(APP_COLUMNS)
    .map((column) => quoteIdent(dialect, column))
    .join(', ');
}
