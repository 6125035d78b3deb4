/**
 * App-store pieces that need no database: config validation, row mapping, secret masking, and the
 * documented table layout.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import {
  appTableSql,
  checkAppStoreConfig,
  createAppStore,
  maskUrlsInText,
  runMigrate,
} from '../../src/app-stores/index.js';
import { parseAppRow } from '../../src/app-stores/row.js';
import { APP_COLUMNS } from '../../src/app-stores/table.js';
import { StaticAppStore } from '../../src/apps/static-store.js';
import { maskSecrets } from '../../src/config/load.js';
import { ConfigError, parseConfig } from '../../src/config/parse.js';
import { appSchema } from '../../src/config/schema.js';
import { createServer } from '../../src/index.js';

const silent = pino({ level: 'silent' });

describe('app store configuration', () => {
  it('requires a URL for the sql stores', async () => {
    for (const appStore of ['postgres', 'mysql'] as const) {
      const missingUrl = (error: unknown) =>
        error instanceof ConfigError && error.paths.includes('appStoreUrl');
      assert.throws(() => checkAppStoreConfig(parseConfig({ appStore })), missingUrl);
      assert.throws(() => createServer({ appStore, logLevel: 'silent' }), missingUrl);
      await assert.rejects(runMigrate(parseConfig({ appStore })), missingUrl);
      const config = parseConfig({ appStore, appStoreUrl: 'postgres://u@h/db' });
      assert.equal(config.appStore, appStore);
      assert.equal(config.appStoreTable, 'herald_apps');
      assert.equal(config.appStoreCacheTtlSeconds, 60);
    }
  });

  it('rejects a table name that is not a plain identifier and a non-positive TTL', () => {
    assert.throws(() => parseConfig({ appStoreTable: 'apps; DROP TABLE x' }), ConfigError);
    assert.throws(() => parseConfig({ appStoreCacheTtlSeconds: 0 }), ConfigError);
    assert.throws(() => parseConfig({ appStore: 'redis' as never }), ConfigError);
  });

  it('createAppStore builds the static store by default', async () => {
    const store = createAppStore(
      parseConfig({ apps: [{ id: '1', key: 'k', secret: 's' }] }),
      silent,
    );
    assert.ok(store instanceof StaticAppStore);
    assert.equal((await store.findByKey('k'))?.id, '1');
  });

  it('runMigrate refuses the static store', async () => {
    await assert.rejects(runMigrate(parseConfig({})), /Nothing to migrate/);
  });
});

describe('app rows', () => {
  it('has one column per app setting', () => {
    assert.deepEqual(Object.values(APP_COLUMNS).sort(), Object.keys(appSchema.shape).sort());
  });

  it('normalizes driver types: 0/1 booleans, numeric strings, JSON text', () => {
    const result = parseAppRow({
      id: 1,
      key: 'k',
      secret: 's',
      enabled: 0,
      client_events: 1,
      max_connections: '25',
      webhooks: '[{"url":"https://example.com/h"}]',
      name: null,
      extra_column: 'ignored',
    });
    assert.ok(result.ok);
    assert.equal(result.app.id, '1');
    assert.equal(result.app.enabled, false);
    assert.equal(result.app.clientEvents, true);
    assert.equal(result.app.maxConnections, 25);
    assert.equal(result.app.webhooks[0]?.url, 'https://example.com/h');
    assert.equal(result.app.name, undefined);
  });

  it('refuses bad rows with a reason that names the setting, not the value', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'a', key: 'k', secret: '' }, /^secret: /],
      [{ id: 'a', key: 'k' }, /^secret: /],
      [{ id: 'a', key: 'k', secret: 'TOPSECRET', max_connections: 'lots' }, /^maxConnections: /],
      [{ id: 'a', key: 'k', secret: 'TOPSECRET', enabled: 'yes' }, /^enabled: /],
      [
        { id: 'a', key: 'k', secret: 'TOPSECRET', webhooks: '{not json' },
        /^webhooks: not valid JSON$/,
      ],
      [{ id: 'a', key: 'k', secret: 'TOPSECRET', webhooks: { url: 'x' } }, /^webhooks: /],
    ];
    for (const [row, reason] of cases) {
      const result = parseAppRow(row);
      assert.equal(result.ok, false, JSON.stringify(row));
      if (result.ok) continue;
      assert.equal(result.id, 'a');
      assert.match(result.reason, reason);
      assert.doesNotMatch(result.reason, /TOPSECRET|lots|yes/);
    }
  });
});

describe('--print-config masking (maskSecrets of config/load.ts)', () => {
  it('hides the app store URL password and app secrets', () => {
    const config = parseConfig({
      appStore: 'postgres',
      appStoreUrl: 'postgres://herald:pa%24%24word@db.internal:5432/herald',
      apps: [{ id: '1', key: 'public-key', secret: 'very-secret' }],
    });
    const masked = maskSecrets(config) as typeof config;
    const text = JSON.stringify(masked);
    for (const leaked of ['very-secret', 'pa%24%24word']) assert.ok(!text.includes(leaked), leaked);
    assert.equal(masked.appStoreUrl, 'postgres://herald:********@db.internal:5432/herald');
    assert.equal(masked.apps[0]?.key, 'public-key');
  });

  it('createAppStore logs the database URL without its password', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const store = createAppStore(
      parseConfig({ appStore: 'postgres', appStoreUrl: 'postgres://herald:hunter2@127.0.0.1:1/x' }),
      logger,
    );
    void store.close();
    assert.ok(lines.join('').includes('herald:********@127.0.0.1:1'));
    assert.ok(!lines.join('').includes('hunter2'));
  });
});

describe('no secrets in logs', () => {
  it('masks URL passwords inside text', () => {
    assert.equal(
      maskUrlsInText('connect to postgres://u:p4ss@h:5432/db failed; mysql://root@h ok'),
      'connect to postgres://u:********@h:5432/db failed; mysql://root@h ok',
    );
  });

  for (const [appStore, scheme] of [
    ['postgres', 'postgres'],
    ['mysql', 'mysql'],
  ] as const) {
    it(`${appStore}: an unreachable database is logged without the URL's password`, async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
      const store = createAppStore(
        parseConfig({ appStore, appStoreUrl: `${scheme}://herald:hunter2@127.0.0.1:1/db` }),
        logger,
      );
      try {
        assert.equal(await store.findByKey('any'), undefined, 'unknown keys are refused');
        assert.equal(await store.findById('any'), undefined);
        assert.deepEqual(await store.list(), []);
      } finally {
        await store.close();
      }
      const text = lines.join('');
      assert.match(text, /App store unreachable/);
      assert.ok(!text.includes('hunter2'), text);
    });
  }
});

describe('docs/app-stores.md', () => {
  it('shows the exact table layout runMigrate creates', () => {
    const doc = readFileSync(new URL('../../../../docs/app-stores.md', import.meta.url), 'utf8');
    assert.ok(doc.includes(appTableSql('postgres', 'herald_apps')), 'PostgreSQL DDL');
    assert.ok(doc.includes(appTableSql('mysql', 'herald_apps')), 'MySQL DDL');
    for (const column of Object.keys(APP_COLUMNS))
      assert.ok(doc.includes(`| \`${column}\``), column);
  });
});
