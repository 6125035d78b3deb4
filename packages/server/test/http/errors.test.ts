import assert from 'node:assert/strict';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { signedRequest } from '../helpers/signed-request.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AdapterTimeoutError } from '../../src/adapters/adapter.js';
import { createServer } from '../../src/server.js';

const event = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'e', channel: 'c', data: '{}', ...extra });

describe('HTTP API errors', () => {
  let s: TestServer;
  const app = { key: 'app-key', secret: 'app-secret' };
  const post = (body: string, options = {}) =>
    signedRequest(s.apiUrl, '/apps/app-id/events', app, { body, ...options });

  before(async () => {
    s = await startServer(undefined, {
      maxRequestBodyBytes: 64 * 1024,
      apps: [
        { id: 'app-id', key: 'app-key', secret: 'app-secret', maxEventDataBytes: 1000 },
        { id: 'off', key: 'off-key', secret: 'off-secret', enabled: false },
      ],
    });
  });
  after(() => s.server.stop());

  it('answers /, /health and /ready without a signature', async () => {
    for (const path of ['/', '/health']) {
      const response = await fetch(`${s.apiUrl}${path}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    }
    const ready = await fetch(`${s.apiUrl}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', apps: 2, servers: 1 });
  });

  it('404 for unknown routes and unknown apps', async () => {
    const route = await fetch(`${s.apiUrl}/nope`);
    assert.equal(route.status, 404);
    assert.match((await route.json()).error, /Not found/);
    const unknown = await signedRequest(s.apiUrl, '/apps/nope/channels', app);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'Unknown app "nope"');
  });

  it('405 for a wrong method', async () => {
    const r = await signedRequest(s.apiUrl, '/apps/app-id/events', app, { method: 'GET' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
  });

  it('401 for a wrong signature, key, secret, version, stale timestamp, body_md5', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['signature', { signature: 'f'.repeat(64) }, /Invalid signature/],
      ['secret', { secret: 'wrong' }, /Invalid signature/],
      ['key', { key: 'other-key' }, /Unknown auth_key/],
      ['old', { timestamp: Math.floor(Date.now() / 1000) - 660 }, /Timestamp expired/],
      ['future', { timestamp: Math.floor(Date.now() / 1000) + 660 }, /Timestamp expired/],
      ['md5', { bodyMd5: '0'.repeat(32) }, /body_md5 does not match/],
      ['no md5', { bodyMd5: null }, /Missing body_md5/],
      ['version', { params: { auth_version: '2.0' } }, /auth_version/],
    ];
    for (const [label, options, message] of cases) {
      const r = await post(event(), options);
      assert.equal(r.status, 401, label);
      assert.match(r.body.error, message, label);
    }
    const unsigned = await fetch(`${s.apiUrl}/apps/app-id/channels`);
    assert.equal(unsigned.status, 401);
  });

  it('403 for a disabled app', async () => {
    const r = await signedRequest(s.apiUrl, '/apps/off/channels', {
      key: 'off-key',
      secret: 'off-secret',
    });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { error: 'Application is disabled' });
  });

  it('400 for bad bodies and parameters', async () => {
    const cases: [string, string, RegExp][] = [
      ['json', '{nope', /not valid JSON/],
      ['name', JSON.stringify({ channel: 'c', data: '' }), /name/],
      ['long name', event({ name: 'x'.repeat(201) }), /Event name/],
      ['data', JSON.stringify({ name: 'e', channel: 'c' }), /Missing data/],
      ['no channel', JSON.stringify({ name: 'e', data: '' }), /Missing channel/],
      [
        'channels',
        JSON.stringify({
          name: 'e',
          data: '',
          channels: Array.from({ length: 101 }, (_, i) => `c${i}`),
        }),
        /Too many channels/,
      ],
      ['channel name', event({ channel: 'bad name!' }), /Invalid channel name/],
      ['long channel', event({ channel: 'c'.repeat(201) }), /too-long/],
      ['socket_id', event({ socket_id: 'abc' }), /Invalid socket_id/],
      ['info', event({ info: 'bogus' }), /Unsupported info attribute/],
    ];
    for (const [label, body, message] of cases) {
      const r = await post(body);
      assert.equal(r.status, 400, label);
      assert.match(r.body.error, message, label);
    }
  });

  it('400 for bad batches, and delivers nothing from a bad batch', async () => {
    const big = {
      batch: Array.from({ length: 11 }, () => ({ name: 'e', channel: 'c', data: '' })),
    };
    const path = '/apps/app-id/batch_events';
    const tooMany = await signedRequest(s.apiUrl, path, app, { body: JSON.stringify(big) });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.error, /Too many events/);
    const bad = await signedRequest(s.apiUrl, path, app, {
      body: JSON.stringify({
        batch: [
          { name: 'e', channel: 'ok', data: '' },
          { name: 'e', channel: 'b d', data: '' },
        ],
      }),
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^batch\.1: Invalid channel name/);
  });

  it('400 for bad channel queries', async () => {
    const userCount = await signedRequest(s.apiUrl, '/apps/app-id/channels', app, {
      params: { info: 'user_count' },
    });
    assert.equal(userCount.status, 400);
    const notPresence = await signedRequest(s.apiUrl, '/apps/app-id/channels/public/users', app);
    assert.equal(notPresence.status, 400);
    const attr = await signedRequest(s.apiUrl, '/apps/app-id/channels/public', app, {
      params: { info: 'user_count' },
    });
    assert.equal(attr.status, 400);
    const cache = await signedRequest(s.apiUrl, '/apps/app-id/channels/public', app, {
      params: { info: 'cache' },
    });
    assert.equal(cache.status, 400);
  });

  it('413 for event data over the app limit', async () => {
    const r = await post(event({ data: 'x'.repeat(1001) }));
    assert.equal(r.status, 413);
    assert.match(r.body.error, /Event data exceeds 1000 bytes/);
  });

  it('413 for an oversized body before it is buffered, and closes that connection', async () => {
    const declared = await post(event({ data: 'x'.repeat(70 * 1024) }));
    assert.equal(declared.status, 413);
    assert.match(declared.body.error, /Request body exceeds 65536 bytes/);
    // A chunked body with no content-length: refused once the received bytes pass the limit.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${s.apiUrl}/apps/app-id/events`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(16 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 100 && req.write(chunk)) sent++;
        if (sent < 100) req.once('drain', pump);
      };
      pump();
    });
    assert.equal(status, 413);
  });

  it('503 when the adapter times out', async (t) => {
    const adapter = s.server.context.adapter;
    t.mock.method(adapter, 'channels', () => Promise.reject(new AdapterTimeoutError()));
    const r = await signedRequest(s.apiUrl, '/apps/app-id/channels', app);
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { error: 'The cluster did not answer in time' });
  });

  it('keeps the connection alive across requests', async () => {
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    try {
      const reused: boolean[] = [];
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest(`${s.apiUrl}/health`, { agent }, (res) => {
            assert.equal(res.statusCode, 200);
            reused.push(req.reusedSocket);
            res.resume().on('end', resolve);
          });
          req.on('error', reject).end();
        });
      }
      assert.deepEqual(reused, [false, true, true]);
    } finally {
      agent.destroy();
    }
  });
});

describe('HTTP API logs', () => {
  it('logs one line per rejected request with the app id and reason, without secrets', async (t) => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const server = createServer(
      {
        host: '127.0.0.1',
        port: 0,
        apps: [{ id: 'app-id', key: 'app-key', secret: 'app-secret' }],
      },
      { logger: pino({ level: 'info' }, sink) },
    );
    const { port } = await server.start();
    t.after(() => server.stop());
    const r = await signedRequest(`http://127.0.0.1:${port}`, '/apps/app-id/channels', {
      key: 'app-key',
      secret: 'wrong-secret',
    });
    assert.equal(r.status, 401);
    const rejected = lines.filter((l) => String(l['msg']).startsWith('Rejected'));
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!['appId'], 'app-id');
    assert.equal(rejected[0]!['status'], 401);
    assert.equal(rejected[0]!['msg'], 'Rejected: Invalid signature');
    const text = JSON.stringify(lines);
    assert.ok(!text.includes('app-secret') && !text.includes('auth_signature'));
  });
});

describe('--api-port', () => {
  it('serves the API on its own port and only WebSockets on the main one', async (t) => {
    const s = await startServer(t, { apiPort: 0 });
    assert.notEqual(s.apiPort, s.port);
    const app = { key: s.app.key, secret: s.app.secret };
    const api = await signedRequest(s.apiUrl, '/apps/app-id/channels', app);
    assert.equal(api.status, 200);
    const main = await signedRequest(`http://127.0.0.1:${s.port}`, '/apps/app-id/channels', app);
    assert.equal(main.status, 404);
  });
});
