/**
 * The TTL cache alone, over an in-memory row source that can fail: eviction, misses, outages.
 * (The same behaviour against the real databases is in sql-stores.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CachedAppStore, type AppRow, type AppRowSource } from '../../src/app-stores/index.js';
import { captureLogs } from '../helpers/log-capture.js';

/** Rows in memory; `down` makes every query reject; `queries` counts them. */
class FakeSource implements AppRowSource {
  readonly kind = 'fake';
  rows: AppRow[] = [];
  down = false;
  queries = 0;
  #answer<T>(value: () => T): Promise<T> {
    this.queries++;
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(value());
  }
  rowByKey(key: string) {
    return this.#answer(() => this.rows.find((r) => r.key === key));
  }
  rowById(id: string) {
    return this.#answer(() => this.rows.find((r) => r.id === id));
  }
  allRows() {
    return this.#answer(() => this.rows);
  }
  close() {
    return Promise.resolve();
  }
}

describe('CachedAppStore', () => {
  it('a flood of unknown keys never evicts a known app', async () => {
    const source = new FakeSource();
    source.rows = [{ id: '1', key: 'known', secret: 's' }];
    const { logger } = captureLogs();
    const store = new CachedAppStore(source, { ttlMs: 60_000, maxEntries: 5, logger });
    assert.equal((await store.findByKey('known'))?.id, '1');
    for (let i = 0; i < 50; i++) assert.equal(await store.findByKey(`random-${i}`), undefined);
    source.down = true;
    const queries = source.queries;
    assert.equal((await store.findByKey('known'))?.id, '1');
    assert.equal((await store.findById('1'))?.key, 'known');
    assert.equal(source.queries, queries, 'served from the cache');
  });

  it('remembers misses for the TTL, then finds the new app', async () => {
    const source = new FakeSource();
    const { logger } = captureLogs();
    const store = new CachedAppStore(source, { ttlMs: 100, logger });
    assert.equal(await store.findByKey('new'), undefined);
    assert.equal(await store.findByKey('new'), undefined);
    assert.equal(source.queries, 1);
    source.rows = [{ id: '9', key: 'new', secret: 's' }];
    await sleep(150);
    assert.equal((await store.findByKey('new'))?.id, '9');
    assert.equal((await store.findById('9'))?.key, 'new', 'the id index is filled too');
    assert.equal(source.queries, 2);
  });

  it('a key that disappears from the database is forgotten after the TTL', async () => {
    const source = new FakeSource();
    source.rows = [{ id: '1', key: 'old-key', secret: 's' }];
    const { logger } = captureLogs();
    const store = new CachedAppStore(source, { ttlMs: 100, logger });
    assert.equal((await store.findByKey('old-key'))?.id, '1');
    source.rows = [{ id: '1', key: 'new-key', secret: 's' }];
    await sleep(150);
    assert.equal(await store.findByKey('old-key'), undefined);
    assert.equal((await store.findByKey('new-key'))?.id, '1');
  });

  it('concurrent lookups of one key share one query', async () => {
    const source = new FakeSource();
    source.rows = [{ id: '1', key: 'k', secret: 's' }];
    const { logger } = captureLogs();
    const store = new CachedAppStore(source, { ttlMs: 60_000, logger });
    const apps = await Promise.all(Array.from({ length: 50 }, () => store.findByKey('k')));
    assert.ok(apps.every((app) => app?.id === '1'));
    assert.equal(source.queries, 1);
  });

  it('after a failure, no query is tried for retryMs; then one is', async () => {
    const source = new FakeSource();
    source.rows = [{ id: '1', key: 'k', secret: 's' }];
    const logs = captureLogs();
    const store = new CachedAppStore(source, { ttlMs: 10, retryMs: 100, logger: logs.logger });
    assert.equal((await store.findByKey('k'))?.id, '1');
    source.down = true;
    await sleep(20);
    assert.equal((await store.findByKey('k'))?.id, '1', 'known app from the cache');
    const afterFailure = source.queries;
    for (let i = 0; i < 20; i++) {
      assert.equal((await store.findByKey('k'))?.id, '1');
      assert.equal(await store.findByKey(`unknown-${i}`), undefined);
    }
    assert.equal(source.queries, afterFailure, 'the database is left alone');
    source.down = false;
    source.rows.push({ id: '2', key: 'k2', secret: 's' });
    await sleep(120);
    assert.equal((await store.findByKey('k2'))?.id, '2');
    const messages = logs.lines.map((l) => l.msg);
    assert.equal(messages.filter((m) => String(m).startsWith('App store unreachable')).length, 1);
    assert.ok(messages.includes('App store reachable again'));
  });

  it('a bad row is a miss with a logged reason; list() skips it', async () => {
    const source = new FakeSource();
    source.rows = [
      { id: '1', key: 'good', secret: 's' },
      { id: '2', key: 'bad', secret: 's', max_connections: 'many' },
    ];
    const logs = captureLogs();
    const store = new CachedAppStore(source, { ttlMs: 60_000, logger: logs.logger });
    assert.deepEqual(
      (await store.list()).map((a) => a.id),
      ['1'],
    );
    assert.equal(await store.findByKey('bad'), undefined);
    assert.equal((await store.findByKey('good'))?.id, '1');
    const skipped = logs.lines.filter((l) => l.msg === 'App row skipped: invalid settings');
    assert.ok(skipped.length >= 1);
    assert.equal(skipped[0]?.appId, '2');
    assert.match(String(skipped[0]?.reason), /^maxConnections: /);
  });
});
