// One log line per connection error, with the app and the reason, and never a secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from '../../src/index.js';
import { CloseCodes } from '../../src/protocol/close-codes.js';
import { TEST_APP } from '../helpers/server.js';
import { captureLogs } from '../helpers/log-capture.js';
import { RawClient } from './helpers.js';

test('refused and error-closed connections are logged once each with app and reason', async (t) => {
  const logs = captureLogs('info');
  const server = createServer(
    {
      host: '127.0.0.1',
      port: 0,
      apps: [{ ...TEST_APP, requireSignIn: true, signInTimeoutMs: 50 }],
    },
    { logger: logs.logger },
  );
  const { port } = await server.start();
  t.after(() => server.stop());
  const base = `ws://127.0.0.1:${port}`;

  const unknown = await RawClient.connect(`${base}/app/nope?protocol=7`, t);
  assert.equal((await unknown.closed).code, CloseCodes.APP_NOT_FOUND.code);
  const unsigned = await RawClient.connect(`${base}/app/${TEST_APP.key}?protocol=7`, t);
  assert.equal((await unsigned.closed).code, CloseCodes.UNAUTHORIZED.code);
  const normal = await RawClient.connect(`${base}/app/${TEST_APP.key}?protocol=7`, t);
  normal.ws.close(1000);
  await normal.closed;
  await new Promise((r) => setTimeout(r, 50));

  const refused = logs.lines.filter(
    (l) => l['msg'] === `Connection refused: Application does not exist`,
  );
  assert.equal(refused.length, 1);
  assert.equal(refused[0]?.['path'], '/app/nope');
  const errors = logs.lines.filter((l) => l['msg'] === 'Connection closed with an error');
  assert.equal(errors.length, 1, 'a normal close is not logged as an error');
  assert.equal(errors[0]?.['appId'], TEST_APP.id);
  assert.equal(errors[0]?.['code'], CloseCodes.UNAUTHORIZED.code);
  assert.equal(errors[0]?.['reason'], CloseCodes.UNAUTHORIZED.message);
  assert.ok(!logs.text().includes(TEST_APP.secret), 'no secret in the logs');
});
