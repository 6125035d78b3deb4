import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import WebSocket from 'ws';
import Pusher from 'pusher';
import { startServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
);
const ca = readFileSync(cert);

describe('TLS', () => {
  it('serves the HTTP API over https:// (and not plain http)', async (t) => {
    const s = await startServer(t, { tlsCert: cert, tlsKey: key });
    const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request(`https://127.0.0.1:${s.port}/health`, { ca }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    assert.deepEqual(health, { status: 200, body: '{"status":"ok"}' });
    await assert.rejects(fetch(`http://127.0.0.1:${s.port}/health`));
  });

  it('accepts signed API calls from the pusher SDK over TLS', async (t) => {
    const s = await startServer(t, { tlsCert: cert, tlsKey: key });
    const pusher = new Pusher({
      appId: s.app.id,
      key: s.app.key,
      secret: s.app.secret,
      host: '127.0.0.1',
      port: String(s.port),
      useTLS: true,
      agent: new Agent({ ca }),
    });
    const response = await pusher.trigger('tls-channel', 'e', 'x');
    assert.equal(response.status, 200);
  });

  it('accepts WebSocket upgrades over wss://', async (t) => {
    const s = await startServer(t, { tlsCert: cert, tlsKey: key });
    const ws = new WebSocket(`wss://127.0.0.1:${s.port}/app/${s.app.key}?protocol=7`, { ca });
    // The TLS handshake succeeded once the upgrade gets any HTTP answer or opens.
    const outcome = await new Promise<string>((resolve, reject) => {
      ws.on('message', (data: Buffer) => resolve(JSON.parse(data.toString()).event));
      ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.on('error', reject);
    });
    ws.terminate();
    assert.ok(
      outcome === 'pusher:connection_established' || outcome === 'http 501',
      `unexpected outcome ${outcome}`,
    );
  });
});
