/**
 * The PostgreSQL and MySQL/MariaDB app stores against the real databases: migration, row mapping,
 * the TTL cache, bad rows, and a database outage (through a TCP proxy the test cuts).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CachedAppStore,
  runMigrate,
  type AppRow,
  type AppRowSource,
  type SqlDialect,
} from '../../src/app-stores/index.js';
import { MysqlAppSource } from '../../src/app-stores/mysql.js';
import { PostgresAppSource } from '../../src/app-stores/postgres.js';
import { parseConfig } from '../../src/config/parse.js';
import type { Logger } from '../../src/logger.js';
import { startServer } from '../helpers/server.js';
import { connectOrSkip, uniqueTable, type TestDatabase } from './databases.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startTcpProxy } from './tcp-proxy.js';

interface Fixture {
  readonly db: TestDatabase;
  readonly table: string;
  insert(row: Record<string, unknown>): Promise<void>;
  update(id: string, set: Record<string, unknown>): Promise<void>;
}

/** Connects, creates a fresh table with runMigrate, drops it after the test. */
async function fixture(t: TestContext, dialect: SqlDialect): Promise<Fixture | undefined> {
  const db = await connectOrSkip(t, dialect);
  if (!db) return undefined;
  const table = uniqueTable();
  await runMigrate({ appStore: dialect, appStoreUrl: db.url, appStoreTable: table });
  t.after(async () => {
    await db.exec(`DROP TABLE IF EXISTS ${db.q(table)}`);
    await db.close();
  });
  const ph = (i: number) => (dialect === 'postgres' ? `$${i + 1}` : '?');
  return {
    db,
    table,
    insert(row) {
      const columns = Object.keys(row);
      const values = columns.map((c) => row[c]);
      return db.exec(
        `INSERT INTO ${db.q(table)} (${columns.map((c) => db.q(c)).join(', ')}) VALUES (${columns.map((_, i) => ph(i)).join(', ')})`,
        values,
      );
    },
    update(id, set) {
      const columns = Object.keys(set);
      return db.exec(
        `UPDATE ${db.q(table)} SET ${columns.map((c, i) => `${db.q(c)} = ${ph(i)}`).join(', ')} WHERE ${db.q('id')} = ${ph(columns.length)}`,
        [...columns.map((c) => set[c]), id],
      );
    },
  };
}

function source(dialect: SqlDialect, url: string, table: string, logger: Logger): AppRowSource {
  return dialect === 'postgres'
    ? new PostgresAppSource(url, table, logger)
    : new MysqlAppSource(url, table);
}

/** Wraps a source and counts the queries that reach the database. */
function counting(inner: AppRowSource): AppRowSource & { queries: number } {
  const counter = {
    kind: inner.kind,
    queries: 0,
    rowByKey: (key: string) => (counter.queries++, inner.rowByKey(key)),
    rowById: (id: string) => (counter.queries++, inner.rowById(id)),
    allRows: (): Promise<readonly AppRow[]> => (counter.queries++, inner.allRows()),
    close: () => inner.close(),
  };
  return counter;
}

const webhooks = (url: string) => JSON.stringify([{ url, eventTypes: ['channel_occupied'] }]);

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`${dialect} app store`, () => {
    it('runMigrate is idempotent and rows map to validated apps with defaults', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await runMigrate({ appStore: dialect, appStoreUrl: f.db.url, appStoreTable: f.table });
      await f.insert({ id: '1', key: 'key-1', secret: 'secret-1' });
      await f.insert({
        id: '2',
        key: 'key-2',
        secret: 'secret-2',
        name: 'Second',
        enabled: false,
        client_events: true,
        client_events_per_second: 3,
        max_connections: 50,
        max_presence_members: 10,
        max_event_data_bytes: 2048,
        max_channels_per_trigger: 5,
        require_sign_in: true,
        sign_in_timeout_ms: 1000,
        subscription_count: true,
        cache_ttl_seconds: 60,
        webhooks: webhooks('https://hooks.example.com/h'),
      });
      const { logger } = captureLogs();
      const store = new CachedAppStore(source(dialect, f.db.url, f.table, logger), {
        ttlMs: 60_000,
        logger,
      });
      t.after(() => store.close());

      const defaults = parseConfig({ apps: [{ id: '1', key: 'key-1', secret: 'secret-1' }] })
        .apps[0];
      assert.deepEqual(await store.findByKey('key-1'), defaults);
      const second = await store.findById('2');
      assert.deepEqual(second, {
        id: '2',
        key: 'key-2',
        secret: 'secret-2',
        name: 'Second',
        enabled: false,
        clientEvents: true,
        clientEventsPerSecond: 3,
        maxConnections: 50,
        maxPresenceMembers: 10,
        maxEventDataBytes: 2048,
        maxChannelsPerTrigger: 5,
        requireSignIn: true,
        signInTimeoutMs: 1000,
        subscriptionCount: true,
        cacheTtlSeconds: 60,
        webhooks: [{ url: 'https://hooks.example.com/h', eventTypes: ['channel_occupied'] }],
      });
      assert.ok(Object.isFrozen(second));
      assert.equal(await store.findByKey('nope'), undefined);
      assert.equal(await store.findById('nope'), undefined);
      assert.deepEqual((await store.list()).map((a) => a.id).sort(), ['1', '2']);
    });

    it('caches lookups: one query per key within the TTL, concurrent lookups share it', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await f.insert({ id: '1', key: 'key-1', secret: 'secret-1' });
      const { logger } = captureLogs();
      const src = counting(source(dialect, f.db.url, f.table, logger));
      const store = new CachedAppStore(src, { ttlMs: 60_000, logger });
      t.after(() => store.close());
      const found = await Promise.all(Array.from({ length: 20 }, () => store.findByKey('key-1')));
      assert.ok(found.every((app) => app?.id === '1'));
      assert.equal(src.queries, 1);
      for (let i = 0; i < 100; i++) assert.equal((await store.findByKey('key-1'))?.id, '1');
      // A lookup by key also fills the id index.
      assert.equal((await store.findById('1'))?.key, 'key-1');
      // Unknown keys are cached too (no query per connection attempt with a wrong key).
      assert.equal(await store.findByKey('unknown'), undefined);
      assert.equal(await store.findByKey('unknown'), undefined);
      assert.equal(src.queries, 2);
      // The rotated secret is not seen inside the TTL...
      await f.update('1', { secret: 'rotated' });
      assert.equal((await store.findByKey('key-1'))?.secret, 'secret-1');
    });

    it('new app, disabled app and rotated secret take effect after the TTL', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await f.insert({ id: '1', key: 'key-1', secret: 'secret-1' });
      const { logger } = captureLogs();
      const ttlMs = 200;
      const store = new CachedAppStore(source(dialect, f.db.url, f.table, logger), {
        ttlMs,
        logger,
      });
      t.after(() => store.close());
      assert.equal((await store.findByKey('key-1'))?.enabled, true);
      assert.equal(await store.findByKey('key-new'), undefined);

      await f.update('1', { secret: 'rotated', enabled: false });
      await f.insert({ id: 'new', key: 'key-new', secret: 's' });
      await sleep(ttlMs + 50);
      const changed = await store.findByKey('key-1');
      assert.equal(changed?.secret, 'rotated');
      assert.equal(changed?.enabled, false);
      assert.equal((await store.findByKey('key-new'))?.id, 'new');
      assert.equal((await store.findById('new'))?.key, 'key-new');
    });

    it('bad rows are skipped with a logged reason, never a crash or a leaked secret', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await f.insert({ id: 'good', key: 'good', secret: 'good-secret' });
      await f.insert({ id: 'no-secret', key: 'no-secret', secret: '' });
      await f.insert({
        id: 'bad-limit',
        key: 'bad-limit',
        secret: 'TOPSECRET',
        max_presence_members: -3,
      });
      await f.insert({
        id: 'bad-hook',
        key: 'bad-hook',
        secret: 'TOPSECRET',
        webhooks: webhooks('not a url'),
      });
      await f.insert({
        id: 'big-trigger',
        key: 'big-trigger',
        secret: 'TOPSECRET',
        max_channels_per_trigger: 1000,
      });
      const logs = captureLogs();
      const store = new CachedAppStore(source(dialect, f.db.url, f.table, logs.logger), {
        ttlMs: 60_000,
        logger: logs.logger,
      });
      t.after(() => store.close());
      assert.deepEqual(
        (await store.list()).map((a) => a.id),
        ['good'],
      );
      for (const key of ['no-secret', 'bad-limit', 'bad-hook', 'big-trigger'])
        assert.equal(await store.findByKey(key), undefined, key);
      const skipped = logs.lines.filter((l) => l.msg === 'App row skipped: invalid settings');
      const reasons = new Map(skipped.map((l) => [l.appId, String(l.reason)]));
      assert.match(reasons.get('no-secret') ?? '', /^secret: /);
      assert.match(reasons.get('bad-limit') ?? '', /^maxPresenceMembers: /);
      assert.match(reasons.get('bad-hook') ?? '', /^webhooks\.0\.url: /);
      assert.match(reasons.get('big-trigger') ?? '', /^maxChannelsPerTrigger: /);
      assert.doesNotMatch(logs.text(), /TOPSECRET|good-secret/);
    });

    it('a database outage keeps known apps working and refuses unknown keys', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await f.insert({ id: '1', key: 'key-1', secret: 'secret-1' });
      const target = new URL(f.db.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port));
      t.after(() => proxy.close());
      const viaProxy = new URL(f.db.url);
      viaProxy.port = String(proxy.port);
      const logs = captureLogs();
      const ttlMs = 100;
      const store = new CachedAppStore(source(dialect, viaProxy.toString(), f.table, logs.logger), {
        ttlMs,
        retryMs: 100,
        logger: logs.logger,
      });
      t.after(() => store.close());
      assert.equal((await store.findByKey('key-1'))?.id, '1');
      assert.equal((await store.list()).length, 1);

      await proxy.cut();
      await f.insert({ id: '2', key: 'key-2', secret: 'secret-2' });
      await sleep(ttlMs + 50);
      for (let i = 0; i < 5; i++) {
        assert.equal((await store.findByKey('key-1'))?.id, '1', 'known app by key');
        assert.equal((await store.findById('1'))?.key, 'key-1', 'known app by id');
        assert.equal(await store.findByKey('key-2'), undefined, 'unknown key refused');
      }
      assert.deepEqual(
        (await store.list()).map((a) => a.id),
        ['1'],
      );
      const outages = logs.lines.filter((l) => String(l.msg).startsWith('App store unreachable'));
      assert.equal(outages.length, 1, 'one error line per outage');
      assert.equal(
        logs.lines.some((l) => l.level === 60),
        false,
        'nothing fatal',
      );

      await proxy.restore();
      await sleep(150);
      assert.equal((await store.findByKey('key-2'))?.id, '2', 'new app once the database is back');
      assert.ok(logs.lines.some((l) => l.msg === 'App store reachable again'));
    });

    it('a hanging database does not hold up known apps', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await f.insert({ id: '1', key: 'key-1', secret: 'secret-1' });
      const target = new URL(f.db.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port));
      t.after(() => proxy.close());
      const viaProxy = new URL(f.db.url);
      viaProxy.port = String(proxy.port);
      const logs = captureLogs();
      const src = source(dialect, viaProxy.toString(), f.table, logs.logger);
      let inFlight = 0;
      const tracked: AppRowSource = {
        kind: src.kind,
        rowByKey: (key) => (inFlight++, src.rowByKey(key).finally(() => inFlight--)),
        rowById: (id) => src.rowById(id),
        allRows: () => src.allRows(),
        close: () => src.close(),
      };
      const store = new CachedAppStore(tracked, {
        ttlMs: 50,
        staleAfterMs: 50,
        logger: logs.logger,
      });
      t.after(() => store.close());
      assert.equal((await store.findByKey('key-1'))?.id, '1');
      proxy.hang();
      await sleep(100);
      assert.equal((await store.findByKey('key-1'))?.id, '1');
      assert.equal(inFlight, 1, 'answered from the cache while the query still hangs');
      // The hung query ends with the driver's timeout; the store then counts the database as away.
      while (inFlight > 0) await sleep(50);
      assert.equal(await store.findByKey('key-unknown'), undefined);
      assert.ok(logs.lines.some((l) => String(l.msg).startsWith('App store unreachable')));
    });

    it('a server built with this app store finds its apps (appStore config)', async (t) => {
      const f = await fixture(t, dialect);
      if (!f) return;
      await f.insert({ id: 'srv', key: 'srv-key', secret: 'srv-secret', client_events: true });
      const { server } = await startServer(t, {
        appStore: dialect,
        appStoreUrl: f.db.url,
        appStoreTable: f.table,
        appStoreCacheTtlSeconds: 30,
      });
      const app = await server.context.apps.findByKey('srv-key');
      assert.equal(app?.id, 'srv');
      assert.equal(app?.clientEvents, true);
      assert.equal(await server.context.apps.findByKey('app-key'), undefined, 'no static apps');
    });
  });
}
