/**
 * @module
 * Reads the app table from PostgreSQL (pg), through a small pool with bounded connect and query times.
 */
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { AppRow, AppRowSource } from './cached-store.js';
import { appTableSql, quoteIdent, selectColumns } from './table.js';

/** How long connecting or one query may take before the store counts the database as away. */
export const SQL_TIMEOUT_MS = 3000;

/** Opens a pg pool; idle-client errors (a database restart) are logged instead of crashing. */
function createPool(url: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: SQL_TIMEOUT_MS,
    query_timeout: SQL_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) =>
    logger.warn({ err: { message: error.message } }, 'PostgreSQL client error'),
  );
  return pool;
}

/** The app table in PostgreSQL. */
export class PostgresAppSource implements AppRowSource {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #select: string;

  /**
   * @param url - `postgres://user:password@host:port/database`
   * @param table - The app table (a plain identifier).
   */
  constructor(url: string, table: string, logger: Logger) {
    this.#pool = createPool(url, logger);
    this.#select = `SELECT ${selectColumns('postgres')} FROM ${quoteIdent('postgres', table)}`;
  }

  async rowByKey(key: string): Promise<AppRow | undefined> {
    const result = await this.#pool.query<AppRow>(`${this.#select} WHERE "key" = $1 LIMIT 1`, [
      key,
    ]);
    return result.rows[0];
  }

  async rowById(id: string): Promise<AppRow | undefined> {
    const result = await this.#pool.query<AppRow>(`${this.#select} WHERE "id" = $1 LIMIT 1`, [id]);
    return result.rows[0];
  }

  async allRows(): Promise<readonly AppRow[]> {
    return (await this.#pool.query<AppRow>(this.#select)).rows;
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** Creates the app table in PostgreSQL if it does not exist. */
export async function migratePostgres(url: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: SQL_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(appTableSql('postgres', table));
  } finally {
    await client.end();
  }
}
