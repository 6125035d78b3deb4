/**
 * Client-side helpers for the WebSocket tests: a raw `ws` client that collects frames, a real auth
 * endpoint signing with the official `pusher` SDK, and pusher-js (node build) connected to a test server.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../helpers/server.js';

// pusher-js's node build is CommonJS whose module.exports is the class; its typings say `default`.
/** The pusher-js (node build) client class. */
export const PusherJs = PusherJsModule as unknown as typeof PusherJsModule.default;
/** A pusher-js client. */
export type PusherJsClient = InstanceType<typeof PusherJs>;

/* eslint-disable @typescript-eslint/no-explicit-any -- frames and pusher-js callbacks are untyped JSON */

const cleanups = new WeakMap<TestServer, (() => unknown)[]>();

/**
 * Starts a test server whose clients (made by the helpers below) are disconnected before the server
 * stops: pusher-js retries against a stopping server otherwise.
 */
export async function startWsServer(
  t: TestContext,
  config: Parameters<typeof startServer>[1] = {},
): Promise<TestServer> {
  const server = await startServer(undefined, config);
  const list: (() => unknown)[] = [];
  cleanups.set(server, list);
  t.after(async () => {
    for (const cleanup of list.reverse()) await cleanup();
    await server.server.stop();
  });
  return server;
}

/** Runs `cleanup` before the server made by {@link startWsServer} stops (else after the test). */
export function onCleanup(t: TestContext, server: TestServer, cleanup: () => unknown): void {
  const list = cleanups.get(server);
  if (list) list.push(cleanup);
  else t.after(cleanup);
}

/** A frame as the server sent it (`data` left as on the wire). */
export interface Frame {
  event: string;
  channel?: string;
  data?: any;
  user_id?: string;
}

/** A raw WebSocket client that records every frame and the close. */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  #seen = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const frame = JSON.parse((raw as Buffer).toString()) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => undefined);
  }

  /** Connects to `/app/{key}` (or any `path`) and resolves once the socket is open. */
  static async connect(url: string, t?: TestContext): Promise<RawClient> {
    const ws = new WebSocket(url);
    const client = new RawClient(ws);
    t?.after(() => ws.terminate());
    await once(ws, 'open');
    return client;
  }

  /** Connects to the test app and waits for connection_established; returns the socket id too. */
  static async established(
    server: TestServer,
    t?: TestContext,
    key = server.app.key,
  ): Promise<RawClient & { socketId: string }> {
    const client = await RawClient.connect(
      `${server.wsUrl}/app/${key}?protocol=7&client=js&version=8.6.0`,
      t,
    );
    const frame = await client.next('pusher:connection_established');
    const socketId = JSON.parse(frame.data).socket_id as string;
    return Object.assign(client, { socketId });
  }

  /** Sends a JSON frame. */
  send(event: string, data?: unknown, channel?: string): void {
    this.ws.send(JSON.stringify({ event, data, ...(channel ? { channel } : {}) }));
  }

  /** Resolves with the next frame (after those already consumed by `next`) matching `event`/`match`. */
  next(event: string, match: (f: Frame) => boolean = () => true): Promise<Frame> {
    const test = (f: Frame) => f.event === event && match(f);
    for (let i = this.#seen; i < this.frames.length; i++) {
      const frame = this.frames[i]!;
      if (test(frame)) {
        this.#seen = i + 1;
        return Promise.resolve(frame);
      }
    }
    return new Promise((resolve) => {
      this.#waiters.push({
        match: test,
        resolve: (f) => {
          this.#seen = this.frames.length;
          resolve(f);
        },
      });
    });
  }

  /** Sends a ping and waits for its pong: every frame sent before it has been processed. */
  async roundTrip(): Promise<void> {
    this.send('pusher:ping', {});
    await this.next('pusher:pong');
  }
}

/** A fixed base64 32-byte master key for encrypted-channel tests (the server never sees plaintext). */
export const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** The official SDK configured for the test server's app. */
export function officialSdk(server: TestServer): Pusher {
  return new Pusher({
    appId: server.app.id,
    key: server.app.key,
    secret: server.app.secret,
    host: '127.0.0.1',
    port: String(server.apiPort),
    encryptionMasterKeyBase64: MASTER_KEY,
  });
}

/**
 * A real auth endpoint (as an app would run): POST form `socket_id`, `channel_name` (and a
 * `user_id` param for presence) answered with the official SDK's `authorizeChannel`.
 */
export async function startAuthEndpoint(t: TestContext, server: TestServer): Promise<string> {
  const sdk = officialSdk(server);
  const http = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const socketId = form.get('socket_id') ?? '';
      if (req.url?.startsWith('/pusher/user-auth')) {
        const id = new URL(req.url, 'http://x').searchParams.get('user') ?? '';
        const auth = sdk.authenticateUser(socketId, { id, user_info: { name: `user ${id}` } });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(auth));
        return;
      }
      const channel = form.get('channel_name') ?? '';
      const userId = form.get('user_id') ?? '';
      try {
        const auth = channel.startsWith('presence-')
          ? sdk.authorizeChannel(socketId, channel, {
              user_id: userId,
              user_info: { name: `user ${userId}` },
            })
          : sdk.authorizeChannel(socketId, channel);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(auth));
      } catch (error) {
        res.writeHead(403).end(String(error));
      }
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  onCleanup(t, server, () => new Promise<void>((resolve) => http.close(() => resolve())));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/pusher/auth`;
}

/** pusher-js options that reach the test server over plain ws. */
export function pusherJsOptions(
  server: TestServer,
  authEndpoint?: string,
  params: Record<string, string> = {},
): ConstructorParameters<typeof PusherJs>[1] {
  return {
    cluster: '',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    ...(authEndpoint
      ? { channelAuthorization: { endpoint: authEndpoint, transport: 'ajax' as const, params } }
      : {}),
  };
}

/** A pusher-js client, connected, disconnected after the test. */
export async function connectPusherJs(
  t: TestContext,
  server: TestServer,
  authEndpoint?: string,
  params?: Record<string, string>,
): Promise<PusherJsClient> {
  const client = new PusherJs(server.app.key, pusherJsOptions(server, authEndpoint, params));
  onCleanup(t, server, () => client.disconnect());
  await new Promise<void>((resolve, reject) => {
    client.connection.bind('connected', () => resolve());
    client.connection.bind('failed', () => reject(new Error('pusher-js failed to connect')));
  });
  return client;
}

/** Something pusher-js lets you bind to (channel, connection, user). */
export interface Bindable {
  bind(event: string, callback: (data: any, metadata?: any) => void): unknown;
  unbind(event: string, callback?: (data: any, metadata?: any) => void): unknown;
}

/** Resolves with the data and metadata of the first emission of `event` on `target`. */
export function nextEventWithMetadata(
  target: Bindable,
  event: string,
): Promise<{ data: any; metadata: any }> {
  return new Promise((resolve) => {
    const callback = (data: any, metadata?: any) => {
      target.unbind(event, callback);
      resolve({ data, metadata });
    };
    target.bind(event, callback);
  });
}

/** Resolves with the data of the first emission of `event` on `target`. */
export async function nextEvent(target: Bindable, event: string): Promise<any> {
  return (await nextEventWithMetadata(target, event)).data;
}
