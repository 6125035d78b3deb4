/**
 * A real server whose apps live in PostgreSQL / MariaDB, driven over the HTTP API with the official
 * `pusher` SDK: database changes take effect after the cache TTL, a disabled app gets 403, and a
 * database outage keeps known apps working while unknown ones get 404.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import Pusher from 'pusher';
import { runMigrate } from '../../src/app-stores/index.js';
import { startServer } from '../helpers/server.js';
import { connectOrSkip, uniqueTable } from './databases.js';
import { startTcpProxy } from './tcp-proxy.js';

const TTL_SECONDS = 1;
const afterTtl = () => sleep(TTL_SECONDS * 1000 + 200);

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`HTTP API with apps in ${dialect}`, () => {
    it('follows the database within the TTL and survives its outage', async (t) => {
      const db = await connectOrSkip(t, dialect);
      if (!db) return;
      const table = uniqueTable();
      await runMigrate({ appStore: dialect, appStoreUrl: db.url, appStoreTable: table });
      t.after(async () => {
        await db.exec(`DROP TABLE IF EXISTS ${db.q(table)}`);
        await db.close();
      });
      const p = (i: number) => (dialect === 'postgres' ? `$${i}` : '?');
      const insert = (id: string, key: string, secret: string) =>
        db.exec(
          `INSERT INTO ${db.q(table)} (${db.q('id')}, ${db.q('key')}, ${db.q('secret')}) VALUES (${p(1)}, ${p(2)}, ${p(3)})`,
          [id, key, secret],
        );
      const update = (id: string, column: string, value: unknown) =>
        db.exec(
          `UPDATE ${db.q(table)} SET ${db.q(column)} = ${p(1)} WHERE ${db.q('id')} = ${p(2)}`,
          [value, id],
        );
      await insert('a', 'key-a', 'secret-a');

      const target = new URL(db.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port));
      t.after(() => proxy.close());
      const viaProxy = new URL(db.url);
      viaProxy.port = String(proxy.port);
      const { apiUrl, apiPort } = await startServer(t, {
        appStore: dialect,
        appStoreUrl: viaProxy.toString(),
        appStoreTable: table,
        appStoreCacheTtlSeconds: TTL_SECONDS,
      });
      const client = (appId: string, key: string, secret: string) =>
        new Pusher({ appId, key, secret, host: '127.0.0.1', port: String(apiPort), useTLS: false });
      /** The HTTP status of a trigger (the SDK rejects on non-2xx with the status attached). */
      const trigger = async (pusher: Pusher): Promise<number> => {
        try {
          return (await pusher.trigger('orders', 'shipped', { id: 1 })).status;
        } catch (error) {
          return (error as { status: number }).status;
        }
      };

      assert.equal(await trigger(client('a', 'key-a', 'secret-a')), 200);
      const ready = await fetch(`${apiUrl}/ready`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { apps: number }).apps, 1);

      // A rotated secret and a new app, after the TTL.
      await update('a', 'secret', 'secret-a2');
      await insert('b', 'key-b', 'secret-b');
      await afterTtl();
      assert.equal(await trigger(client('a', 'key-a', 'secret-a')), 401, 'old secret refused');
      assert.equal(await trigger(client('a', 'key-a', 'secret-a2')), 200, 'new secret accepted');
      assert.equal(await trigger(client('b', 'key-b', 'secret-b')), 200, 'new app served');

      // A disabled app, after the TTL.
      await update('a', 'enabled', false);
      await afterTtl();
      assert.equal(await trigger(client('a', 'key-a', 'secret-a2')), 403);

      // The database goes away: known apps keep working, unknown ones are refused.
      await proxy.cut();
      await insert('c', 'key-c', 'secret-c');
      await afterTtl();
      assert.equal(await trigger(client('b', 'key-b', 'secret-b')), 200, 'known app from cache');
      assert.equal(await trigger(client('c', 'key-c', 'secret-c')), 404, 'unknown app refused');
      assert.equal((await fetch(`${apiUrl}/ready`)).status, 200, 'still ready for known apps');

      await proxy.restore();
      await afterTtl();
      assert.equal(await trigger(client('c', 'key-c', 'secret-c')), 200, 'back once it returns');
    });
  });
}
