import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { APP_A, startConsoleServer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-console-tls-'));
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

function post(
  url: string,
  body: unknown,
  cookie = '',
): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  return new Promise((resolve, reject) => {
    request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', cookie } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }),
        );
      },
    )
      .on('error', reject)
      .end(JSON.stringify(body));
  });
}

describe('console over TLS', () => {
  it('sets a Secure cookie and sends events through the https:// API', async (t) => {
    const s = await startConsoleServer(t, { tlsCert: cert, tlsKey: key });
    const base = `https://127.0.0.1:${s.port}`;
    const signIn = await post(`${base}/console/api/session`, {
      key: APP_A.key,
      secret: APP_A.secret,
    });
    assert.equal(signIn.status, 200);
    const setCookie = String((signIn.headers['set-cookie'] as string[])[0]);
    assert.match(setCookie, /; Secure/);
    const cookie = setCookie.split(';')[0]!;
    const sent = await post(
      `${base}/console/api/events`,
      { channels: ['orders'], event: 'order-shipped', data: '{}' },
      cookie,
    );
    assert.equal(sent.status, 200);
    assert.deepEqual(sent.json, { status: 200, body: {} });
  });
});
