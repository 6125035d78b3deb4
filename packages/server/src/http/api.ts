/**
 * @module
 * PLACEHOLDER (replaced by the HTTP side of the server core): the signed Pusher HTTP API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';

/** The HTTP side of the server. */
export interface HttpApi {
  /** Handles any HTTP request (API routes, health, 404s). */
  handle(request: IncomingMessage, response: ServerResponse): void;
}

/** Creates the HTTP API. */
export function createHttpApi(_context: ServerContext): HttpApi {
  return {
    handle(_request, response) {
      response
        .writeHead(501, { 'content-type': 'application/json' })
        .end('{"error":"Not implemented"}');
    },
  };
}
