/**
 * @module
 * Small HTTP helpers of the console: JSON answers with safe headers, and bounded JSON bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error the console answers with a status and `{"error": message}`. */
export class ConsoleHttpError extends Error {
  override readonly name = 'ConsoleHttpError';
  constructor(
    /** HTTP status. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Headers on every console answer: no caching, no sniffing, no framing. */
export const COMMON_HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** Sends `body` as JSON. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
}

/** Reads a JSON object body of at most `limit` bytes; throws {@link ConsoleHttpError}. */
export async function readJsonBody(
  request: IncomingMessage,
  limit: number,
): Promise<Record<string, unknown>> {
  const type = request.headers['content-type'] ?? '';
  // A JSON content type cannot be sent cross-site without a CORS preflight: a CSRF guard on top of
  // the SameSite=Strict cookie.
  if (!/^application\/json\b/i.test(type)) {
    request.resume();
    throw new ConsoleHttpError(415, 'Send a JSON body (content-type: application/json)');
  }
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Keep reading (and discarding) so the answer can still be sent on this connection.
      request.off('data', onData);
      request.resume();
      reject(new ConsoleHttpError(413, `Request body is larger than ${limit} bytes`));
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ConsoleHttpError(400, 'Request body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ConsoleHttpError(400, 'Request body must be a JSON object');
  return value as Record<string, unknown>;
}
