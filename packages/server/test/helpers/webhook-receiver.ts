/**
 * A real HTTP webhook receiver on 127.0.0.1 for tests: records every request (headers and raw
 * body), can answer the next N requests with a failure status or hang them, and can be closed and
 * reopened on the same port (to test refused connections).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { WebhookBody } from '@herald/sdk/protocol';

/** One request the receiver got. */
export interface ReceivedWebhook {
  readonly method: string;
  readonly url: string;
  /** Lower-case header names, as node:http gives them (what `pusher.webhook()` expects). */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The status the receiver answered. */
  readonly status: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:{port}` plus `path` (default `/webhooks`). */
  url(path?: string): string;
  readonly port: number;
  /** Every request, failed ones included, in arrival order. */
  readonly requests: readonly ReceivedWebhook[];
  /** Requests answered 2xx, parsed. */
  delivered(): WebhookBody[];
  /** Every event of the delivered requests, in order. */
  events(): WebhookBody['events'][number][];
  /** Answers the next `count` requests with `status` (default 500). */
  failNext(count: number, status?: number, headers?: Record<string, string>): void;
  /** Never answers the next `count` requests (until closed). */
  hangNext(count: number): void;
  /** Resolves when `predicate` holds for the receiver (checked after each request). */
  waitFor(predicate: (receiver: WebhookReceiver) => boolean, timeoutMs?: number): Promise<void>;
  /** Stops listening (connections are refused) until `reopen`. */
  close(): Promise<void>;
  /** Listens again on the same port. */
  reopen(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 port 0 (or `port`); closed after the test. */
export async function startWebhookReceiver(
  t: TestContext | undefined,
  port = 0,
): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let hang = 0;
  const waiters = new Set<() => void>();
  let server: Server | undefined;
  let boundPort = port;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      if (hang > 0) {
        hang -= 1;
        requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          rawBody,
          status: 0,
        });
        for (const wake of waiters) wake();
        return; // never answered
      }
      const failure = failures.shift();
      const status = failure?.status ?? 200;
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawBody,
        status,
      });
      res
        .writeHead(status, { 'content-type': 'text/plain', ...failure?.headers })
        .end(status === 200 ? 'ok' : 'fail');
      for (const wake of waiters) wake();
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(handler);
      s.once('error', reject);
      s.listen(boundPort, '127.0.0.1', () => {
        server = s;
        boundPort = (s.address() as AddressInfo).port;
        resolve();
      });
    });

  const receiver: WebhookReceiver = {
    url: (path = '/webhooks') => `http://127.0.0.1:${boundPort}${path}`,
    get port() {
      return boundPort;
    },
    requests,
    delivered: () =>
      requests
        .filter((r) => r.status >= 200 && r.status < 300)
        .map((r) => JSON.parse(r.rawBody) as WebhookBody),
    events: () => receiver.delivered().flatMap((b) => b.events),
    failNext(count, status = 500, headers = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, headers });
    },
    hangNext(count) {
      hang += count;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        if (predicate(receiver)) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `webhook receiver: condition not met in ${timeoutMs} ms (${requests.length} requests)`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (!predicate(receiver)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        const s = server;
        server = undefined;
        if (!s) return resolve();
        s.close(() => resolve());
        s.closeAllConnections();
      }),
    reopen: listen,
  };
  await listen();
  t?.after(() => receiver.close());
  return receiver;
}
