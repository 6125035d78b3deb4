/**
 * @module
 * Prometheus metrics on their own port: `startMetricsServer(context, port)` serves `GET /metrics`
 * from a registry fed by the server event bus. The metric definitions are in `definitions.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerContext } from '../context.js';
import { collectMetrics } from './collector.js';
import { createMetrics, type HeraldMetrics } from './definitions.js';

export { createMetrics } from './definitions.js';
export type { HeraldMetrics } from './definitions.js';
export { collectMetrics, recordEvent } from './collector.js';

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The port `/metrics` is served on (the bound one when 0 was asked). */
  readonly port: number;
  /** The metrics being served. */
  readonly metrics: HeraldMetrics;
  /** Stops listening and stops collecting. Idempotent. */
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
}

/**
 * Starts collecting metrics from `context.events` and serves them at `GET /metrics` on
 * `context.config.host`:`port` (0 = any free port).
 *
 * @example
 * const metrics = await startMetricsServer(context, 9100);
 * // curl http://127.0.0.1:9100/metrics
 * await metrics.close();
 */
export async function startMetricsServer(
  context: ServerContext,
  port: number,
): Promise<MetricsServer> {
  const metrics = createMetrics();
  const stopCollecting = collectMetrics(context.events, metrics);
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') return json(res, 404, 'Not found: metrics are at /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(res, 405, 'Method not allowed');
    }
    try {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      context.logger.error({ err: error }, 'Metrics collection failed');
      json(res, 500, 'Metrics collection failed');
    }
  };
  const server = createServer((req, res) => void serve(req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, context.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopCollecting();
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  context.logger.info({ host: context.config.host, port: bound }, 'Metrics listening on /metrics');
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    metrics,
    close() {
      closing ??= new Promise<void>((resolve) => {
        stopCollecting();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
