/**
 * @module
 * The composition root: builds the logger, app store, adapter, WebSocket and HTTP sides, wires them
 * to node:http servers, and stops them gracefully. No protocol logic lives here.
 */
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { announceTransitions } from './adapters/announce.js';
import { createAdapter } from './adapters/create.js';
import { createAppStore } from './app-stores/index.js';
import { parseConfig } from './config/parse.js';
import type { Config, ConfigInput } from './config/schema.js';
import { createWebSocketServer } from './connection/websocket-server.js';
import type { ServerContext } from './context.js';
import { ServerEvents } from './events.js';
import { createHttpApi } from './http/api.js';
import { createLogger, type Logger } from './logger.js';
import { startMetricsServer, type MetricsServer } from './metrics/index.js';
import { CloseCodes } from './protocol/close-codes.js';
import { createUserExtensions } from './users/extensions.js';
import { createConsole } from './console/index.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';

/** Where a started server listens. */
export interface ServerAddress {
  /** The host it listens on. */
  readonly host: string;
  /** The WebSocket (and, unless `apiPort`, HTTP API) port. */
  readonly port: number;
  /** The HTTP API port (same as `port` unless configured apart). */
  readonly apiPort: number;
  /** The Prometheus `/metrics` port, when `metricsPort` is configured. */
  readonly metricsPort?: number;
}

/** A Herald server instance. */
export interface HeraldServer {
  /** The validated configuration. */
  readonly config: Config;
  /** Shared services (for tests and embedding). */
  readonly context: ServerContext;
  /** Listens; resolves once every port is bound. */
  start(): Promise<ServerAddress>;
  /** Stops accepting, closes every socket with 4200, finishes in-flight requests. Idempotent. */
  stop(): Promise<void>;
  /** Where it listens (throws before `start`). */
  readonly address: ServerAddress;
}

/** Options that are not configuration. */
export interface CreateServerOptions {
  /** Use this logger instead of creating one at `config.logLevel`. */
  readonly logger?: Logger;
}

function listen(server: HttpServer | HttpsServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    // Keep-alive connections go idle as their in-flight requests finish: close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Creates a server from a configuration object (validated here; see docs/configuration.md).
 *
 * @example
 * const server = createServer({ port: 0, apps: [{ id: '1', key: 'k', secret: 's' }] });
 * const { port } = await server.start();
 */
export function createServer(
  input: ConfigInput | Config = {},
  options: CreateServerOptions = {},
): HeraldServer {
  const config = parseConfig(input);
  const logger = options.logger ?? createLogger(config.logLevel);
  const context: ServerContext = {
    config,
    apps: createAppStore(config, logger),
    adapter: createAdapter(config, logger),
    events: new ServerEvents(),
    logger,
  };
  announceTransitions(context);
  const extensions = createUserExtensions(context); // users: sign-in, cache, subscription_count
  const ws = createWebSocketServer(context, extensions.hooks);
  const api = createHttpApi(context);
  const webhooks = new WebhookDispatcher(context);
  const separateApi = config.apiPort !== undefined;
  const debugConsole = config.console ? createConsole(context) : undefined;
  const handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    if (debugConsole?.handle(req, res)) return;
    api.handle(req, res);
  };

  // With tlsCert/tlsKey every port speaks TLS (https:// and wss://).
  const tls =
    config.tlsCert !== undefined && config.tlsKey !== undefined
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  const serve = (listener: RequestListener): HttpServer | HttpsServer =>
    tls
      ? createHttpsServer({ ...tls, keepAlive: true }, listener)
      : createHttpServer({ keepAlive: true }, listener);

  const main = serve((req, res) => {
    if (separateApi) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    } else handleHttp(req, res);
  });
  main.on('upgrade', (req, socket, head) => ws.handleUpgrade(req, socket, head));
  const apiServer = separateApi ? serve(handleHttp) : undefined;

  let address: ServerAddress | undefined;
  let metrics: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;

  return {
    config,
    context,
    get address(): ServerAddress {
      if (!address) throw new Error('The server is not started');
      return address;
    },
    async start() {
      await context.adapter.init();
      webhooks.start();
      const port = await listen(main, config.host, config.port);
      const apiPort = apiServer ? await listen(apiServer, config.host, config.apiPort ?? 0) : port;
      if (config.metricsPort !== undefined)
        metrics = await startMetricsServer(context, config.metricsPort);
      address = metrics
        ? { host: config.host, port, apiPort, metricsPort: metrics.port }
        : { host: config.host, port, apiPort };
      logger.info({ host: config.host, port, apiPort }, 'Herald listening');
      return address;
    },
    stop() {
      stopping ??= (async () => {
        const closing = [closeServer(main), apiServer ? closeServer(apiServer) : Promise.resolve()];
        debugConsole?.close();
        await ws.close(CloseCodes.RECONNECT.code, 'Server is shutting down');
        extensions.close();
        // Delivers what the closing sockets and earlier events queued (bounded by shutdownTimeoutMs).
        const flushing = webhooks.stop();
        const deadline = setTimeout(() => {
          main.closeAllConnections();
          apiServer?.closeAllConnections();
        }, config.shutdownTimeoutMs).unref();
        await Promise.all([...closing, flushing]);
        clearTimeout(deadline);
        await context.adapter.close();
        await context.apps.close();
        await metrics?.close();
        logger.info('Herald stopped');
      })();
      return stopping;
    },
  };
}
