/**
 * @module
 * The HTTP side of the server: the signed Pusher HTTP API (protocol.md §11) plus `/`, `/health` and
 * `/ready`. Each request is routed, its app looked up (404), its body read with a byte limit (413),
 * its signature checked (401), the app's state checked (403), then handed to a route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdapterTimeoutError } from '../adapters/adapter.js';
import type { ServerContext } from '../context.js';
import { parseQuery, verifySignature } from './auth.js';
import { readBody } from './body.js';
import { HttpError, sendJson } from './errors.js';
import { channelInfo, channelUsers, listChannels } from './routes/channels.js';
import type { RouteHandler } from './routes/common.js';
import { triggerBatch, triggerEvent } from './routes/events.js';
import { terminateUserConnections } from './routes/users.js';

/** The HTTP side of the server. */
export interface HttpApi {
  /** Handles any HTTP request (API routes, health, 404s). */
  handle(request: IncomingMessage, response: ServerResponse): void;
}

interface Route {
  readonly method: 'GET' | 'POST';
  /** Matches the raw path; group 1 is the app id, the named groups are further parameters. */
  readonly pattern: RegExp;
  readonly handler: RouteHandler;
  /** A short name for logs. */
  readonly name: string;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/apps\/([^/]+)\/events$/, handler: triggerEvent, name: 'events' },
  {
    method: 'POST',
    pattern: /^\/apps\/([^/]+)\/batch_events$/,
    handler: triggerBatch,
    name: 'batch_events',
  },
  {
    method: 'GET',
    pattern: /^\/apps\/([^/]+)\/channels$/,
    handler: listChannels,
    name: 'channels',
  },
  {
    method: 'GET',
    pattern: /^\/apps\/([^/]+)\/channels\/(?<channel>[^/]+)$/,
    handler: channelInfo,
    name: 'channel',
  },
  {
    method: 'GET',
    pattern: /^\/apps\/([^/]+)\/channels\/(?<channel>[^/]+)\/users$/,
    handler: channelUsers,
    name: 'channel_users',
  },
  {
    method: 'POST',
    pattern: /^\/apps\/([^/]+)\/users\/(?<userId>[^/]+)\/terminate_connections$/,
    handler: terminateUserConnections,
    name: 'terminate_connections',
  },
];

/** How long `/ready` waits for the app store and the adapter. */
const READY_TIMEOUT_MS = 2000;

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpError(400, `Malformed path segment "${value}"`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AdapterTimeoutError('Readiness check timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A fixed, low-cardinality name for a request path (metrics labels). */
function routeName(path: string): string {
  if (path === '/' || path === '/health') return 'health';
  if (path === '/ready') return 'ready';
  return ROUTES.find((r) => r.pattern.test(path))?.name ?? 'unknown';
}

/** Creates the HTTP API over the shared services. */
export function createHttpApi(context: ServerContext): HttpApi {
  const { config, logger } = context;
  const log = logger.child({ component: 'http' });

  async function ready(): Promise<{ apps: number; servers: number }> {
    const [apps, servers] = await withTimeout(
      Promise.all([context.apps.list(), context.adapter.serverCount()]),
      READY_TIMEOUT_MS,
    );
    if (apps.length === 0) throw new Error('No app loaded');
    return { apps: apps.length, servers };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');

    if (path === '/' || path === '/health') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/ready') {
      try {
        sendJson(response, 200, { status: 'ready', ...(await ready()) });
      } catch (error) {
        sendJson(response, 503, { error: `Not ready: ${(error as Error).message}` });
      }
      return;
    }

    let match: RegExpExecArray | null = null;
    const route = ROUTES.find((r) => (match = r.pattern.exec(path)) !== null);
    if (!route || !match) throw new HttpError(404, `Not found: ${path}`);
    if (route.method !== method) {
      response.setHeader('allow', route.method);
      throw new HttpError(405, `Method ${method} not allowed on ${route.name}`);
    }
    const groups = (match as RegExpExecArray).groups ?? {};
    const appId = decode((match as RegExpExecArray)[1]!);
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(groups)) if (value) params[key] = decode(value);

    const app = await context.apps.findById(appId);
    if (!app) throw new HttpError(404, `Unknown app "${appId}"`);
    const body =
      route.method === 'POST'
        ? await readBody(request, config.maxRequestBodyBytes)
        : Buffer.alloc(0);
    const query = parseQuery(q === -1 ? '' : url.slice(q + 1));
    verifySignature(app, { method: route.method, path, query, body });
    if (!app.enabled) throw new HttpError(403, 'Application is disabled');
    const result = await route.handler({ context, app, query, body, params });
    sendJson(response, 200, result);
  }

  /** Reports the request's route, status and duration on the events bus (metrics) once it is answered. */
  function observe(request: IncomingMessage, response: ServerResponse): void {
    const started = performance.now();
    response.once('finish', () => {
      context.events.emit({
        type: 'http_request',
        route: routeName(request.url?.split('?')[0] ?? '/'),
        method: request.method ?? 'GET',
        status: response.statusCode,
        durationMs: performance.now() - started,
      });
    });
  }

  return {
    handle(request, response) {
      if (context.events.active) observe(request, response);
      handle(request, response).catch((error: unknown) => {
        if (error instanceof HttpError) {
          // One line per rejected request: path (never the query, which holds the signature),
          // app id and reason.
          const path = request.url?.split('?')[0] ?? '/';
          const appId = /^\/apps\/([^/]+)/.exec(path)?.[1];
          log.info(
            { method: request.method, path, appId, status: error.status },
            `Rejected: ${error.message}`,
          );
          // A refused body may be unread: ask the client to drop the connection.
          sendJson(response, error.status, { error: error.message }, error.status === 413);
        } else if (error instanceof AdapterTimeoutError) {
          log.warn({ url: request.url?.split('?')[0] }, error.message);
          sendJson(response, 503, { error: error.message });
        } else {
          log.error({ err: error, url: request.url?.split('?')[0] }, 'HTTP API request failed');
          sendJson(response, 500, { error: 'Internal server error' });
        }
      });
    },
  };
}
