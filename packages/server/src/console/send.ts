/**
 * @module
 * "Send an event" from the console goes through the same door a backend uses: a `POST
 * /apps/{id}/events` request signed with the app's secret (strings to sign from
 * `@herald/sdk/protocol`, HMAC and MD5 from node:crypto), sent over loopback HTTP to the very
 * address and port the console request arrived on, so it meets the real HTTP API's checks.
 */
import { createHash, createHmac } from 'node:crypto';
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

/** The URL origin of the local end of `socket` (the HTTP port the console is served on). */
export function loopbackOrigin(socket: Socket): string {
  let host = socket.localAddress ?? '127.0.0.1';
  if (host.startsWith('::ffff:')) host = host.slice('::ffff:'.length);
  if (host.includes(':')) host = `[${host}]`;
  return `http://${host}:${socket.localPort}`;
}

/** Sends a signed trigger to `origin` and returns the API's answer. */
export async function sendSignedTrigger(
  app: Pick<App, 'id' | 'key' | 'secret'>,
  origin: string,
  trigger: TriggerBody,
): Promise<TriggerResult> {
  const body = JSON.stringify(trigger);
  try {
    const response = await fetch(origin + signTrigger(app, body), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pusher-library': 'herald-console' },
      body,
      signal: AbortSignal.timeout(TRIGGER_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: hand the text back as it is.
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return {
      status: 502,
      body: { error: `The HTTP API could not be reached: ${(error as Error).message}` },
    };
  }
}
