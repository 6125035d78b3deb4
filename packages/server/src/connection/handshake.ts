/**
 * @module
 * The connection handshake: `/app/{key}?protocol=7&client=..&version=..`. Checks the path, the
 * protocol version, the app (exists, enabled) and its connection quota, in that order. A refusal is
 * a close code from the one table; the caller completes the upgrade, sends `pusher:error` and closes
 * with that code (pusher-js reads either).
 */
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '@herald/sdk/protocol';
import type { Adapter } from '../adapters/adapter.js';
import type { App, AppStore } from '../apps/app-store.js';
import { CloseCodes, type CloseCode } from '../protocol/close-codes.js';

/** The outcome of a handshake check. */
export type HandshakeResult =
  | { readonly ok: true; readonly app: App; readonly protocol: number }
  | { readonly ok: false; readonly refusal: CloseCode };

const APP_PATH = /^\/app\/([^/]+)\/?$/;
const INTEGER = /^\d{1,9}$/;

/** What the path and query say, before any lookup. */
export type ParsedRequest =
  | { readonly ok: true; readonly key: string; readonly protocol: number }
  | { readonly ok: false; readonly refusal: CloseCode };

/** Checks the request target (path and `protocol` query value) without I/O. */
export function parseRequestTarget(target: string | undefined): ParsedRequest {
  let url: URL;
  try {
    url = new URL(target ?? '', 'http://localhost');
  } catch {
    return { ok: false, refusal: CloseCodes.PATH_NOT_FOUND };
  }
  const match = APP_PATH.exec(url.pathname);
  let key: string;
  try {
    key = decodeURIComponent(match?.[1] ?? '');
  } catch {
    key = '';
  }
  if (!key) return { ok: false, refusal: CloseCodes.PATH_NOT_FOUND };
  const protocol = url.searchParams.get('protocol');
  if (protocol === null || protocol === '') {
    return { ok: false, refusal: CloseCodes.NO_PROTOCOL_VERSION };
  }
  if (!INTEGER.test(protocol)) return { ok: false, refusal: CloseCodes.INVALID_VERSION };
  const version = Number(protocol);
  if (version < MIN_PROTOCOL_VERSION || version > PROTOCOL_VERSION) {
    return { ok: false, refusal: CloseCodes.UNSUPPORTED_PROTOCOL };
  }
  return { ok: true, key, protocol: version };
}

/**
 * Runs every handshake check. The quota check counts connections cluster-wide, plus the local ones
 * accepted while the count was in flight (so a local burst cannot overshoot the quota).
 */
export async function checkHandshake(
  target: string | undefined,
  apps: AppStore,
  adapter: Adapter,
): Promise<HandshakeResult> {
  const parsed = parseRequestTarget(target);
  if (!parsed.ok) return parsed;
  const app = await apps.findByKey(parsed.key);
  if (!app) return { ok: false, refusal: CloseCodes.APP_NOT_FOUND };
  if (!app.enabled) return { ok: false, refusal: CloseCodes.APP_DISABLED };
  if (app.maxConnections !== null) {
    const localBefore = adapter.local.connectionCount(app.id);
    const count = await adapter.connectionCount(app.id);
    const acceptedMeanwhile = adapter.local.connectionCount(app.id) - localBefore;
    if (count + Math.max(0, acceptedMeanwhile) >= app.maxConnections) {
      return { ok: false, refusal: CloseCodes.OVER_CONNECTION_QUOTA };
    }
  }
  return { ok: true, app, protocol: parsed.protocol };
}
