import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { authQueryParams, httpStringToSign } from '@herald/sdk/protocol';
import { startServer } from '../helpers/server.js';

describe('graceful stop', () => {
  it('finishes an in-flight API request, then stops', async (t) => {
    const s = await startServer(t);
    const body = JSON.stringify({ name: 'e', channel: 'c', data: 'x'.repeat(2000) });
    const path = '/apps/app-id/events';
    const params = authQueryParams(
      'app-key',
      Math.floor(Date.now() / 1000),
      createHash('md5').update(body).digest('hex'),
    );
    const signature = createHmac('sha256', 'app-secret')
      .update(httpStringToSign('POST', path, params))
      .digest('hex');
    const query = new URLSearchParams({ ...params, auth_signature: signature }).toString();
    // Learn when the server is inside the request (the app lookup precedes the body read).
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const apps = s.server.context.apps;
    const findById = apps.findById.bind(apps);
    t.mock.method(apps, 'findById', (id: string) => {
      entered();
      return findById(id);
    });
    let stopped = false;
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${s.apiUrl}${path}?${query}`,
        { method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 1000));
      // The server is handling the request: stop it, then send the rest of the body.
      void inside.then(() => {
        const stopping = s.server.stop().then(() => (stopped = true));
        assert.equal(stopped, false);
        req.end(body.slice(1000));
        void stopping;
      });
    });
    const { status, text } = await response;
    assert.equal(status, 200);
    assert.equal(text, '{}');
    await s.server.stop();
    assert.equal(stopped, true);
    await assert.rejects(fetch(`${s.apiUrl}/health`));
  });
});
