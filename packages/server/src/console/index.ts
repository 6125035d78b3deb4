/**
 * @module
 * The debug console (`console: true`): a page at `/console` on the HTTP port, and its JSON/SSE API
 * under `/console/api/`. Sign-in with an app's key and secret (or the console token) gives an
 * HttpOnly, SameSite=Strict session cookie scoped to that one app; every answer is about that app
 * only and never carries a secret.
 *
 * | Route | What |
 * |---|---|
 * | `GET /console/` | the page (index.html, console.js, console.css) |
 * | `POST /console/api/session` | sign in: `{"key","secret"}` → `{"app"}` + cookie; 401 when wrong, 429 after 10 failures a minute |
 * | `GET /console/api/session` | who is signed in (401 when nobody) |
 * | `DELETE /console/api/session` | sign out (ends the session's streams) |
 * | `GET /console/api/state` | connection count and occupied channels |
 * | `GET /console/api/members?channel=` | members of a presence channel |
 * | `GET /console/api/stream` | the live feed (Server-Sent Events) |
 * | `POST /console/api/events` | `{"channels","event","data"}` sent through the signed HTTP API |
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdapterTimeoutError } from '../adapters/adapter.js';
import type { App } from '../apps/app-store.js';
import type { ServerContext } from '../context.js';
import { ConsoleFeed } from './feed.js';
import { COMMON_HEADERS, ConsoleHttpError, readJsonBody, sendJson } from './http.js';
import { loopbackTarget, sendSignedTrigger } from './send.js';
import {
  credentialsMatch,
  SessionStore,
  sessionCookie,
  sessionIdFrom,
  SignInThrottle,
  type ConsoleSession,
} from './session.js';
import { appState, presenceMembers, publicApp } from './state.js';
import { isStaticFile, sendStatic } from './static.js';

/** Most feed streams open at once (all apps). */
const MAX_STREAMS = 100;
/** Largest sign-in body. */
const SIGN_IN_BODY_LIMIT = 8 * 1024;

/** The console's request handler. */
export interface ConsoleHandler {
  /** Handles `/console` and `/console/*`; returns false (and does nothing) for any other path. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Ends every open feed stream and session (server stop). */
  close(): void;
}

/** Options of {@link createConsole} (tests). */
export interface ConsoleOptions {
  /** Most pending feed items per stream (default 1000). */
  readonly streamLimit?: number;
  /** Session store (tests pass one with a fake clock). */
  readonly sessions?: SessionStore;
  /** How often streams get a heartbeat and their session is re-checked (default 15 s). */
  readonly heartbeatMs?: number;
  /** Failed sign-in limiter (tests pass one with a fake clock). */
  readonly throttle?: SignInThrottle;
}

/** True when the browser reached the console over HTTPS (directly or through a proxy). */
function isHttps(request: IncomingMessage): boolean {
  return (
    ('encrypted' in request.socket && request.socket.encrypted === true) ||
    request.headers['x-forwarded-proto'] === 'https'
  );
}

/** Creates the console handler. */
export function createConsole(
  context: ServerContext,
  options: ConsoleOptions = {},
): ConsoleHandler {
  const sessions = options.sessions ?? new SessionStore();
  const throttle = options.throttle ?? new SignInThrottle();
  const feed = new ConsoleFeed(
    context.events,
    options.streamLimit,
    (stream) => sessions.get(stream.sessionId) !== undefined,
    options.heartbeatMs,
  );
  const log = context.logger.child({ component: 'console' });

  /** The session and its app, or a 401. */
  async function signedIn(
    request: IncomingMessage,
  ): Promise<{ session: ConsoleSession; app: App }> {
    const session = sessions.get(sessionIdFrom(request));
    const app = session && (await context.apps.findById(session.appId));
    if (!session || !app) throw new ConsoleHttpError(401, 'Sign in first');
    return { session, app };
  }

  async function signIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const remote = request.socket.remoteAddress ?? '';
    if (throttle.blocked(remote)) {
      request.resume();
      throw new ConsoleHttpError(429, 'Too many failed sign-ins; wait a minute and try again');
    }
    const body = await readJsonBody(request, SIGN_IN_BODY_LIMIT);
    const { key, secret } = body;
    if (typeof key !== 'string' || typeof secret !== 'string' || !key || !secret)
      throw new ConsoleHttpError(400, 'Give "key" and "secret" (or the console token) as strings');
    const app = await context.apps.findByKey(key);
    const ok = credentialsMatch(secret, app?.secret, context.config.consoleToken);
    if (!app || !ok) {
      throttle.fail(remote);
      log.warn({ key: key.slice(0, 100), remote }, 'console sign-in refused');
      throw new ConsoleHttpError(401, 'Wrong app key or secret');
    }
    const session = sessions.create(app.id);
    log.info({ appId: app.id }, 'console signed in');
    sendJson(
      response,
      200,
      { app: publicApp(app) },
      { 'set-cookie': sessionCookie(session, isHttps(request)) },
    );
  }

  function openStream(
    request: IncomingMessage,
    response: ServerResponse,
    session: ConsoleSession,
    app: App,
  ): void {
    if (feed.size >= MAX_STREAMS)
      throw new ConsoleHttpError(503, 'Too many consoles are open; close one and retry');
    response.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // The first line flushes headers at once and tells EventSource how long to wait to reconnect.
    response.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ app: app.id })}\n\n`);
    request.socket.setNoDelay(true);
    const stream = feed.open(app.id, session.id, response);
    response.once('close', () => stream.close());
  }

  async function sendEvent(
    request: IncomingMessage,
    response: ServerResponse,
    app: App,
  ): Promise<void> {
    const body = await readJsonBody(request, app.maxEventDataBytes + SIGN_IN_BODY_LIMIT);
    const { channels, event, data } = body;
    const list = typeof channels === 'string' ? [channels] : channels;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((c): c is string => typeof c === 'string')
    )
      throw new ConsoleHttpError(400, 'Give "channels" as a non-empty list of channel names');
    if (typeof event !== 'string' || !event)
      throw new ConsoleHttpError(400, 'Give an "event" name');
    if (typeof data !== 'string') throw new ConsoleHttpError(400, 'Give "data" as a string');
    // Validation of names, sizes and counts is the HTTP API's job: the console meets its answer.
    const result = await sendSignedTrigger(app, loopbackTarget(request.socket), {
      name: event,
      channels: list,
      data,
    });
    sendJson(response, 200, result);
  }

  async function route(
    request: IncomingMessage,
    response: ServerResponse,
    sub: string,
    query: URLSearchParams,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    if (!sub.startsWith('api/')) {
      if ((method === 'GET' || method === 'HEAD') && isStaticFile(sub))
        return sendStatic(response, sub);
      throw new ConsoleHttpError(404, 'Not found');
    }
    const endpoint = `${method} ${sub.slice('api/'.length)}`;
    switch (endpoint) {
      case 'POST session':
        return signIn(request, response);
      case 'GET session': {
        const { app } = await signedIn(request);
        return sendJson(response, 200, { app: publicApp(app) });
      }
      case 'DELETE session': {
        const id = sessionIdFrom(request);
        if (id !== undefined) {
          sessions.delete(id);
          feed.closeSession(id);
        }
        return sendJson(
          response,
          200,
          {},
          { 'set-cookie': sessionCookie(undefined, isHttps(request)) },
        );
      }
      case 'GET state': {
        const { app } = await signedIn(request);
        return sendJson(response, 200, await appState(context, app));
      }
      case 'GET members': {
        const { app } = await signedIn(request);
        return sendJson(response, 200, await presenceMembers(context, app, query.get('channel')));
      }
      case 'GET stream': {
        const { session, app } = await signedIn(request);
        return openStream(request, response, session, app);
      }
      case 'POST events': {
        const { app } = await signedIn(request);
        return sendEvent(request, response, app);
      }
      default:
        throw new ConsoleHttpError(404, 'Not found');
    }
  }

  function fail(response: ServerResponse, error: unknown): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (error instanceof ConsoleHttpError)
      return sendJson(response, error.status, { error: error.message });
    if (error instanceof AdapterTimeoutError)
      return sendJson(response, 503, { error: error.message });
    log.error({ err: error }, 'console request failed');
    sendJson(response, 500, { error: 'Internal error' });
  }

  return {
    handle(request, response) {
      const url = request.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (path !== '/console' && !path.startsWith('/console/')) return false;
      if (path === '/console') {
        response.writeHead(308, { ...COMMON_HEADERS, location: '/console/' }).end();
        return true;
      }
      const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
      route(request, response, path.slice('/console/'.length), query).catch((error: unknown) =>
        fail(response, error),
      );
      return true;
    },
    close() {
      feed.closeAll();
      sessions.clear();
    },
  };
}
