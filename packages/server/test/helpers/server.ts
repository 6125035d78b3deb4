/**
 * Starts a real Herald server on 127.0.0.1 port 0 for a test, and stops it when the test ends.
 */
import type { TestContext } from 'node:test';
import { createServer, type HeraldServer } from '../../src/index.js';
import type { AppConfig, ConfigInput } from '../../src/config/schema.js';

/** The app most tests use. */
export const TEST_APP = Object.freeze({
  id: 'app-id',
  key: 'app-key',
  secret: 'app-secret',
  clientEvents: true,
});

/** A running test server and how to reach it. */
export interface TestServer {
  readonly server: HeraldServer;
  readonly port: number;
  readonly apiPort: number;
  /** `ws://127.0.0.1:{port}` */
  readonly wsUrl: string;
  /** `http://127.0.0.1:{apiPort}` */
  readonly apiUrl: string;
  readonly app: Readonly<Pick<AppConfig, 'id' | 'key' | 'secret'>>;
}

/**
 * Starts a server with `TEST_APP` (or the given apps) and silent logs; stopped after the test.
 * Pass a `TestContext` (`t`) for per-test servers, or call `stop()` yourself in `after`.
 */
export async function startServer(
  t: TestContext | undefined,
  config: ConfigInput = {},
): Promise<TestServer> {
  const server = createServer({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    apps: [TEST_APP],
    ...config,
  });
  const { port, apiPort } = await server.start();
  t?.after(() => server.stop());
  const app = server.config.apps[0]!;
  return {
    server,
    port,
    apiPort,
    wsUrl: `ws://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    app: { id: app.id, key: app.key, secret: app.secret },
  };
}
