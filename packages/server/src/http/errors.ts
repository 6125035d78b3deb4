/**
 * @module
 * HTTP API failures: one error type carrying the status Pusher uses, written as `{"error": "..."}`.
 */
import type { ServerResponse } from 'node:http';

/** A request the API refuses; `status` is the HTTP status sent (400, 401, 403, 404, 405, 413, 503). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    /** HTTP status code. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Writes `body` as JSON with `status`. `close` asks the client to drop the connection afterwards. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  close = false,
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  };
  if (close) {
    headers['connection'] = 'close';
    response.shouldKeepAlive = false;
  }
  response.writeHead(status, headers).end(text);
}
