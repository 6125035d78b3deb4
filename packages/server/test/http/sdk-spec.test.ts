// The server-library specification's 30 tests (from @herald/sdk's test suite), run with @herald/sdk
// against a real Herald server on 127.0.0.1 port 0.
import { after } from 'node:test';
import { specSuite } from '../../../sdk/test/spec/suite.js';
import { startServer, type TestServer } from '../helpers/server.js';

let s: TestServer | undefined;
after(() => s?.server.stop());

specSuite('server-library spec (Herald server)', async () => {
  s = await startServer(undefined);
  return { baseUrl: s.apiUrl, appId: s.app.id, key: s.app.key, secret: s.app.secret };
});
