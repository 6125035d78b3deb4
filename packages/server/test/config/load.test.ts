import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, maskSecrets } from '../../src/config/load.js';
import { cliOptions } from '../../src/config/options.js';
import { ConfigError } from '../../src/config/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const configError = (paths: string[], message?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ConfigError, String(error));
  assert.deepEqual(error.paths, paths);
  if (message) assert.match(error.message, message);
  return true;
};

describe('loadConfig', () => {
  it('defaults to the dev app on 0.0.0.0:6001', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 6001);
    assert.deepEqual(
      config.apps.map((a) => [a.id, a.key, a.secret, a.clientEvents]),
      [['app-id', 'app-key', 'app-secret', true]],
    );
  });

  it('applies defaults < file < env < flags', () => {
    const path = file('layers.json', {
      port: 7000,
      apiPort: 7001,
      host: '127.0.0.1',
      logLevel: 'warn',
    });
    const config = loadConfig({
      env: { HERALD_CONFIG: path, HERALD_API_PORT: '7002', HERALD_LOG_LEVEL: 'error' },
      flags: { logLevel: 'debug' },
    });
    assert.equal(config.host, '127.0.0.1'); // file
    assert.equal(config.port, 7000); // file
    assert.equal(config.apiPort, 7002); // env over file
    assert.equal(config.logLevel, 'debug'); // flag over env
    assert.equal(config.activityTimeoutSeconds, 120); // default
  });

  it('reads a relative --config against cwd, with many apps and per-app settings', () => {
    file('apps.json', {
      apps: [
        { id: '1', key: 'k1', secret: 's1', maxConnections: 10, clientEvents: true },
        { id: '2', key: 'k2', secret: 's2', enabled: false },
      ],
    });
    const config = loadConfig({ env: {}, flags: { config: 'apps.json' }, cwd: dir });
    assert.deepEqual(
      config.apps.map((a) => [a.id, a.enabled, a.maxConnections]),
      [
        ['1', true, 10],
        ['2', false, null],
      ],
    );
  });

  it('PUSHER_APP_* define the dev app; HERALD_APP_* and flags win over them', () => {
    const env = { PUSHER_APP_ID: 'p-id', PUSHER_APP_KEY: 'p-key', PUSHER_APP_SECRET: 'p-secret' };
    const fromPusher = loadConfig({ env }).apps;
    assert.deepEqual(
      fromPusher.map((a) => [a.id, a.key, a.secret, a.clientEvents]),
      [['p-id', 'p-key', 'p-secret', true]],
    );
    const flagged = loadConfig({
      env: { ...env, HERALD_APP_KEY: 'h-key' },
      flags: { appSecret: 'f-secret' },
    }).apps[0]!;
    assert.deepEqual([flagged.id, flagged.key, flagged.secret], ['p-id', 'h-key', 'f-secret']);
  });

  it('credentials override the file app with the same id and add another otherwise', () => {
    const path = file('one.json', {
      apps: [{ id: 'a', key: 'ka', secret: 'sa', maxConnections: 5 }],
    });
    const same = loadConfig({ env: {}, flags: { config: path, appId: 'a', appSecret: 'new' } });
    assert.deepEqual(
      same.apps.map((a) => [a.id, a.key, a.secret, a.maxConnections]),
      [['a', 'ka', 'new', 5]],
    );
    const added = loadConfig({ env: {}, flags: { config: path, appId: 'b', appKey: 'kb' } });
    assert.deepEqual(
      added.apps.map((a) => a.id),
      ['a', 'b'],
    );
  });

  it('gives the dev app the --webhook-url', () => {
    const config = loadConfig({
      env: {},
      flags: { appId: 'x', webhookUrl: 'http://127.0.0.1:9/hook' },
    });
    assert.equal(config.apps[0]!.webhooks[0]!.url, 'http://127.0.0.1:9/hook');
  });

  it('names the path and the source of a bad value', () => {
    assert.throws(
      () => loadConfig({ env: { HERALD_PORT: 'abc' } }),
      configError(['port'], /port \(from HERALD_PORT\): .*expected number/),
    );
    assert.throws(
      () => loadConfig({ env: {}, flags: { port: '70000' } }),
      configError(['port'], /port \(from --port\)/),
    );
    assert.throws(
      () => loadConfig({ env: {}, flags: { logLevel: 'loud' } }),
      configError(['logLevel']),
    );
    const bad = file('bad-app.json', {
      apps: [{ id: '1', key: 'k', secret: '', maxConnections: 'x' }],
    });
    assert.throws(
      () => loadConfig({ env: {}, flags: { config: bad } }),
      configError(
        ['apps.0.secret', 'apps.0.maxConnections'],
        /apps\.0\.secret \(from .*bad-app\.json\)/,
      ),
    );
    assert.throws(
      () => loadConfig({ env: {}, flags: { config: file('typo.json', { prot: 1 }) } }),
      configError(['(root)'], /prot/),
    );
  });

  it('refuses unreadable or invalid config files and half a TLS pair', () => {
    assert.throws(
      () => loadConfig({ env: {}, flags: { config: join(dir, 'missing.json') } }),
      configError(['config'], /Cannot read config file/),
    );
    assert.throws(
      () => loadConfig({ env: {}, flags: { config: file('broken.json', '{"port":') } }),
      configError(['config'], /not valid JSON/),
    );
    assert.throws(
      () => loadConfig({ env: {}, flags: { config: file('array.json', []) } }),
      configError(['config'], /JSON object/),
    );
    assert.throws(
      () => loadConfig({ env: {}, flags: { tlsCert: file('c.pem', 'x') } }),
      configError(['tlsKey'], /go together/),
    );
    assert.throws(
      () =>
        loadConfig({ env: {}, flags: { tlsCert: file('c2.pem', 'x'), tlsKey: join(dir, 'nope') } }),
      configError(['tlsKey'], /cannot read file/),
    );
  });
});

describe('cliOptions', () => {
  it('derives a flag and HERALD_* variable for every top-level scalar option', () => {
    const byFlag = new Map(cliOptions().map((o) => [o.flag, o]));
    assert.equal(byFlag.get('api-port')?.env, 'HERALD_API_PORT');
    assert.equal(byFlag.get('api-port')?.type, 'number');
    assert.deepEqual(byFlag.get('app-id')?.envAliases, ['PUSHER_APP_ID']);
    for (const flag of [
      'host',
      'port',
      'config',
      'webhook-url',
      'log-level',
      'tls-cert',
      'tls-key',
    ])
      assert.ok(byFlag.has(flag), flag);
    assert.ok(!byFlag.has('apps'), 'arrays live in the config file');
  });
});

describe('maskSecrets', () => {
  it('masks secret-like keys and URL passwords, keeps the rest', () => {
    assert.deepEqual(
      maskSecrets({
        apps: [{ id: '1', secret: 's' }],
        redisUrl: 'redis://user:pw@127.0.0.1:6379/0',
        plainUrl: 'http://127.0.0.1/x',
        databasePassword: 'p',
      }),
      {
        apps: [{ id: '1', secret: '********' }],
        redisUrl: 'redis://user:********@127.0.0.1:6379/0',
        plainUrl: 'http://127.0.0.1/x',
        databasePassword: '********',
      },
    );
  });
});
