/**
 * @module
 * "Send an event" from the console goes through the same door a backend uses: a `POST
 * /apps/{id}/events` request signed with the app's secret (strings to sign from
 * `@herald/sdk/protocol`, HMAC and MD5 from node:crypto), sent over loopback HTTP(S) to the very
 * address and port the console request arrived on, so it meets the real HTTP API's checks.
 */
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { authQueryParams, httpStringToSign } from '@herald/sdk/protocol';
import type { App } from '../apps/app-store.js';

/** The trigger body the console sends (the Pusher `/events` body). */
export interface TriggerBody {
  /** Event name. */
  readonly name: string;
  /** Target channels. */
  readonly channels: readonly string[];
  /** Event data, sent verbatim. */
  readonly data: string;
}

/** The HTTP API's answer, passed back to the console page. */
export interface TriggerResult {
  /** HTTP status of the API response (502 when it could not be reached). */
  readonly status: number;
  /** The API's response body, parsed when it is JSON. */
  readonly body: unknown;
}

/** How long the loopback request may take. */
const TRIGGER_TIMEOUT_MS = 10_000;

/** Builds the signed path and query of a trigger, exactly as a Pusher server SDK would. */
export function signTrigger(
  app: Pick<App, 'id' | 'key' | 'secret'>,
  body: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): string {
  const path = `/apps/${encodeURIComponent(app.id)}/events`;
  const bodyMd5 = createHash('md5').update(body).digest('hex');
  const params = authQueryParams(app.key, timestampSeconds, bodyMd5);
  const signature = createHmac('sha256', app.secret)
    .update(httpStringToSign('POST', path, params))
    .digest('hex');
  return `${path}?${new URLSearchParams({ ...params, auth_signature: signature }).toString()}`;
}

/** Where the loopback request goes: the local end of the console's own connection. */
export interface LoopbackTarget {
  /** Local address of the socket (IPv4-mapped addresses unwrapped). */
  readonly host: string;
  /** Local port: the HTTP port the console (and so the HTTP API) is served on. */
  readonly port: number;
  /** The port speaks TLS. */
  readonly tls: boolean;
}

/** The loopback target for a console request that arrived on `socket`. */
export function loopbackTarget(socket: Socket): LoopbackTarget {
  let host = socket.localAddress ?? '127.0.0.1';
  if (host.startsWith('::ffff:')) host = host.slice('::ffff:'.length);
  return {
    host,
    port: socket.localPort ?? 0,
    tls: 'encrypted' in socket && socket.encrypted === true,
  };
}

/** Sends a signed trigger to `target` and returns the API's answer. */
export async function sendSignedTrigger(
  app: Pick<App, 'id' | 'key' | 'secret'>,
  target: LoopbackTarget,
  trigger: TriggerBody,
): Promise<TriggerResult> {
  const body = JSON.stringify(trigger);
  const options: RequestOptions = {
    host: target.host,
    port: target.port,
    method: 'POST',
    path: signTrigger(app, body),
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-pusher-library': 'herald-console',
    },
    agent: false,
    timeout: TRIGGER_TIMEOUT_MS,
    // The request goes to this very process through the socket it was reached on; its certificate
    // may be self-signed or name a public host, so verifying it would prove nothing here.
    ...(target.tls ? { rejectUnauthorized: false } : {}),
  };
  try {
    const { status, text } = await new Promise<{ status: number; text: string }>(
      (resolve, reject) => {
        const req = (target.tls ? httpsRequest : httpRequest)(options, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', reject);
        req.end(body);
      },
    );
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: hand the text back as it is.
    }
    return { status, body: parsed };
  } catch (error) {
    return {
      status: 502,
      body: { error: `The HTTP API could not be reached: ${(error as Error).message}` },
    };
  }
}
