/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke at untyped JSON */
/**
 * Helpers for the console tests: a server with the console on and two apps, sign-in, and an SSE
 * reader over fetch.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { TestContext } from 'node:test';
import type { LocalConnection } from '../../src/adapters/adapter.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { ServerEvents } from '../../src/events.js';
import { startServer, type TestServer } from '../helpers/server.js';

export const APP_A = Object.freeze({
  id: 'app-a',
  key: 'key-a',
  secret: 'secret-a-0123456789',
  name: 'Alpha',
  clientEvents: true,
});
export const APP_B = Object.freeze({ id: 'app-b', key: 'key-b', secret: 'secret-b-9876543210' });
export const CONSOLE_TOKEN = 'console-token-for-tests';

/** Starts a server with the console on, apps A and B, and a console token. */
export function startConsoleServer(t: TestContext, config: ConfigInput = {}): Promise<TestServer> {
  return startServer(t, {
    console: true,
    consoleToken: CONSOLE_TOKEN,
    apps: [APP_A, APP_B],
    ...config,
  });
}

/** Signs in; returns the response, its JSON and the `name=value` cookie to send back. */
export async function signIn(
  base: string,
  key: string,
  secret: string,
): Promise<{ status: number; body: any; cookie: string; setCookie: string | null }> {
  const response = await fetch(`${base}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key, secret }),
  });
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    body: await response.json(),
    cookie: setCookie?.split(';')[0] ?? '',
    setCookie,
  };
}

/** GETs a console API path with the cookie; returns status and JSON. */
export async function getJson(
  base: string,
  path: string,
  cookie: string,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { headers: { cookie } });
  return { status: response.status, body: await response.json() };
}

/** One Server-Sent Event. */
export interface SseMessage {
  readonly event: string;
  readonly data: any;
}

/** Reads an SSE stream (node:http, so closing it closes the socket at once). */
export class SseReader {
  readonly messages: SseMessage[] = [];
  ended = false;
  status = 0;
  #waiters: (() => void)[] = [];
  #request: ClientRequest | undefined;

  /** Opens `url` with `cookie`; resolves once the headers are in. */
  static async open(url: string, cookie: string): Promise<SseReader> {
    const reader = new SseReader();
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      reader.#request = request(url, { headers: { cookie } }, resolve).on('error', reject);
      reader.#request.end();
    });
    reader.status = response.statusCode ?? 0;
    reader.#read(response);
    return reader;
  }

  #read(response: IncomingMessage): void {
    response.setEncoding('utf8');
    let buffer = '';
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) this.messages.push({ event, data: JSON.parse(data.join('\n')) });
      }
      this.#wake();
    });
    const end = () => {
      this.ended = true;
      this.#wake();
    };
    response.on('end', end);
    response.on('close', end);
    response.on('error', end);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits until `predicate` holds for the messages so far (or the stream ends). */
  async until(predicate: (messages: SseMessage[]) => boolean): Promise<void> {
    while (!predicate(this.messages)) {
      if (this.ended) throw new Error('the stream ended first');
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Waits for the stream to end. */
  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Closes the connection. */
  close(): void {
    this.#request?.destroy();
  }
}

/** A connection registered straight in the adapter. */
export function fakeConnection(socketId: string): LocalConnection {
  return { socketId, send() {}, close() {} };
}

/**
 * Counts the bus listeners added from now on and still attached (other parts of the server, such
 * as webhooks, listen from start; the console must only while a stream is open).
 */
export function trackListeners(events: ServerEvents): { readonly count: number } {
  let count = 0;
  const on = events.on.bind(events);
  events.on = (listener) => {
    count += 1;
    const off = on(listener);
    let removed = false;
    return () => {
      if (!removed) count -= 1;
      removed = true;
      off();
    };
  };
  return {
    get count() {
      return count;
    },
  };
}
