/**
 * @module
 * Reads the app table from MySQL or MariaDB (mysql2), through a small pool with bounded connect and
 * query times.
 */
import { createConnection, createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import type { AppRow, AppRowSource } from './cached-store.js';
import { SQL_TIMEOUT_MS } from './postgres.js';
import { appTableSql, quoteIdent, selectColumns } from './table.js';

/** The app table in MySQL or MariaDB. */
export class MysqlAppSource implements AppRowSource {
  readonly kind = 'mysql';
  readonly #pool: Pool;
  readonly #select: string;

  /**
   * @param url - `mysql://user:password@host:port/database`
   * @param table - The app table (a plain identifier).
   */
  constructor(url: string, table: string) {
    this.#pool = createPool({
      uri: url,
      connectionLimit: 4,
      connectTimeout: SQL_TIMEOUT_MS,
      enableKeepAlive: true,
    });
    this.#select = `SELECT ${selectColumns('mysql')} FROM ${quoteIdent('mysql', table)}`;
  }

  async #rows(sql: string, values: string[] = []): Promise<AppRow[]> {
    const [rows] = await this.#pool.query<RowDataPacket[]>(
      { sql, timeout: SQL_TIMEOUT_MS },
      values,
    );
    return rows;
  }

  async rowByKey(key: string): Promise<AppRow | undefined> {
    return (await this.#rows(`${this.#select} WHERE \`key\` = ? LIMIT 1`, [key]))[0];
  }

  async rowById(id: string): Promise<AppRow | undefined> {
    return (await this.#rows(`${this.#select} WHERE \`id\` = ? LIMIT 1`, [id]))[0];
  }

  allRows(): Promise<readonly AppRow[]> {
    return this.#rows(this.#select);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** Creates the app table in MySQL/MariaDB if it does not exist. */
export async function migrateMysql(url: string, table: string): Promise<void> {
  const connection = await createConnection({ uri: url, connectTimeout: SQL_TIMEOUT_MS });
  try {
    await connection.query(appTableSql('mysql', table));
  } finally {
    await connection.end();
  }
}
