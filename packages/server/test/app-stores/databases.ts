/**
 * The real databases the app-store tests use (127.0.0.1, as in CI). With CI=true a missing database
 * fails the test; otherwise the test is skipped with a message.
 */
import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createConnection } from 'mysql2/promise';
import type { SqlDialect } from '../../src/app-stores/index.js';

/** A reachable database and a way to run SQL on it. */
export interface TestDatabase {
  readonly dialect: SqlDialect;
  readonly url: string;
  /** Runs one statement (`$1` placeholders on PostgreSQL, `?` on MySQL). */
  exec(sql: string, values?: unknown[]): Promise<void>;
  /** Quotes an identifier. */
  q(name: string): string;
  close(): Promise<void>;
}

const CANDIDATES: Readonly<Record<SqlDialect, readonly string[]>> = {
  postgres: [
    process.env.HERALD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    'postgres://root@127.0.0.1:5432/test',
  ],
  mysql: [process.env.HERALD_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'],
};

async function open(dialect: SqlDialect, url: string): Promise<TestDatabase> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await client.connect();
    client.on('error', () => {});
    return {
      dialect,
      url,
      exec: async (sql, values) => void (await client.query(sql, values)),
      q: (name) => `"${name}"`,
      close: () => client.end(),
    };
  }
  const connection = await createConnection({ uri: url, connectTimeout: 3000 });
  return {
    dialect,
    url,
    exec: async (sql, values) => void (await connection.query(sql, values)),
    q: (name) => `\`${name}\``,
    close: () => connection.end(),
  };
}

/**
 * Connects to the test database of `dialect`, or skips the test (fails it when CI=true).
 * The caller closes the connection.
 */
export async function connectOrSkip(
  t: TestContext,
  dialect: SqlDialect,
): Promise<TestDatabase | undefined> {
  const errors: string[] = [];
  for (const url of CANDIDATES[dialect]) {
    try {
      return await open(dialect, url);
    } catch (error) {
      errors.push(`${url}: ${(error as Error).message}`);
    }
  }
  const message = `${dialect} is not reachable at 127.0.0.1 (${errors.join('; ')})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI needs it`);
  t.skip(`${message}; skipped (CI=true makes this a failure)`);
  return undefined;
}

/** A table name no other test run uses. */
export function uniqueTable(): string {
  return `herald_apps_t${process.pid}_${randomBytes(4).toString('hex')}`;
}
