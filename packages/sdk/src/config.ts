/**
 * @module
 * Constructor options and their resolution, with `pusher` 5.3.4's defaults (http, api.pusherapp.com,
 * no timeout) and its error messages.
 */
import { ENCRYPTION_MASTER_KEY_BYTES } from './protocol/index.js';
import { STRICT_BASE64, fromBase64, utf8 } from './internal/crypto.js';
import { ValidationError } from './errors.js';
import { Token } from './token.js';

/** Options every constructor form accepts (`pusher`'s `BaseOptions`, plus Herald's extras). */
export interface BaseOptions {
  /** The app id (a number-like string; numbers are accepted as `pusher` does). */
  appId: string | number;
  /** The app key. */
  key: string;
  /** The app secret. */
  secret: string;
  /** Use https (default `false`, as in `pusher`). */
  useTLS?: boolean | undefined;
  /** @deprecated Old name of `useTLS`; setting both throws. */
  encrypted?: boolean | undefined;
  /** Request timeout in milliseconds; the request is aborted (`AbortError`). Default: none. */
  timeout?: number | undefined;
  /**
   * A Node `http.Agent` (e.g. keep-alive or `https-proxy-agent`). When set on Node, requests go
   * through `node:http`/`node:https` with this agent instead of `fetch`.
   */
  agent?: unknown;
  /** Base64 of the 32-byte master key for `private-encrypted-` channels. */
  encryptionMasterKeyBase64?: string | undefined;
  /** @deprecated A raw 32-character master key; use `encryptionMasterKeyBase64`. */
  encryptionMasterKey?: string | undefined;
  /** Cluster name: the host becomes `api-<cluster>.pusher.com` unless `host` is set. */
  cluster?: string | undefined;
  /** API host name (wins over `cluster`). Default `api.pusherapp.com`. */
  host?: string | undefined;
  /** API port; default is the scheme's. */
  port?: string | number | undefined;
  /** Overrides the scheme `useTLS` picks (`http` or `https`). */
  scheme?: string | undefined;
  /**
   * Forward proxy URL (`http://[user:pass@]host:port`), Node only: plain-http API calls are sent
   * through it in absolute form, https calls through a CONNECT tunnel.
   */
  httpProxy?: string | undefined;
}

/** Options with a cluster. */
export interface ClusterOptions extends BaseOptions {
  /** Cluster name, e.g. `eu`. */
  cluster: string;
}

/** Options with an explicit host. */
export interface HostOptions extends BaseOptions {
  /** API host name. */
  host: string;
  /** API port. */
  port?: string | number | undefined;
}

/** Constructor options (`pusher`'s `Options`). */
export type Options = ClusterOptions | HostOptions | BaseOptions;

/** The resolved configuration a {@link Pusher} instance uses (`pusher.config`). */
export class Config {
  /** `http` or `https`. */
  readonly scheme: string;
  /** API host. */
  readonly host: string;
  /** API port, when set. */
  readonly port: string | number | undefined;
  /** The app id. */
  readonly appId: string | number;
  /** Key and secret. */
  readonly token: Token;
  /** Request timeout (ms), when set. */
  readonly timeout: number | undefined;
  /** The Node agent, when set. */
  readonly agent: unknown;
  /** Forward proxy URL, when set. */
  readonly httpProxy: string | undefined;
  /** The decoded 32-byte master key, when set. */
  readonly encryptionMasterKey: Uint8Array | undefined;

  /** Resolves and validates options; throws {@link ValidationError} with `pusher`'s messages. */
  constructor(options: Options) {
    const opts = (options ?? {}) as Partial<BaseOptions>;
    requireCredential(opts.appId, 'appId', true);
    requireCredential(opts.key, 'key', false);
    requireCredential(opts.secret, 'secret', false);

    let useTLS = false;
    if (opts.useTLS !== undefined && opts.encrypted !== undefined) {
      throw new ValidationError(
        'invalid_config',
        'Cannot set both `useTLS` and `encrypted` configuration options',
      );
    } else if (opts.useTLS !== undefined) {
      useTLS = opts.useTLS;
    } else if (opts.encrypted !== undefined) {
      console.warn('`encrypted` option is deprecated in favor of `useTLS`');
      useTLS = opts.encrypted;
    }
    this.scheme = opts.scheme || (useTLS ? 'https' : 'http');
    this.port = opts.port;
    this.host = opts.host
      ? opts.host
      : opts.cluster
        ? `api-${opts.cluster}.pusher.com`
        : 'api.pusherapp.com';
    this.appId = opts.appId as string | number;
    this.token = new Token(opts.key as string, opts.secret as string);
    this.timeout = opts.timeout;
    this.agent = opts.agent;
    this.httpProxy = opts.httpProxy;
    if (opts.httpProxy !== undefined) parseProxyUrl(opts.httpProxy);
    this.encryptionMasterKey = masterKey(opts);
  }

  /** `scheme://host[:port]`. */
  getBaseURL(): string {
    const port = this.port ? `:${this.port}` : '';
    return `${this.scheme}://${this.host}${port}`;
  }

  /** `/apps/<appId><subPath>`. */
  prefixPath(subPath: string): string {
    return `/apps/${this.appId}${subPath}`;
  }
}

function requireCredential(value: unknown, name: string, numberAllowed: boolean): void {
  const ok =
    (typeof value === 'string' && value.length > 0) ||
    (numberAllowed && typeof value === 'number' && Number.isFinite(value));
  if (!ok) {
    throw new ValidationError(
      'invalid_config',
      `Missing or invalid \`${name}\`: it must be a non-empty string${numberAllowed ? ' or a number' : ''}`,
    );
  }
}

/** Validates a proxy URL; returns it parsed. */
export function parseProxyUrl(proxy: string): URL {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    throw new ValidationError('invalid_config', 'httpProxy must be an absolute http:// URL');
  }
  if (url.protocol !== 'http:') {
    throw new ValidationError('invalid_config', 'httpProxy must be an absolute http:// URL');
  }
  return url;
}

function masterKey(opts: Partial<BaseOptions>): Uint8Array | undefined {
  let key: Uint8Array | undefined;
  if (opts.encryptionMasterKey !== undefined) {
    if (opts.encryptionMasterKeyBase64 !== undefined) {
      throw new ValidationError(
        'invalid_config',
        'Do not specify both encryptionMasterKey and encryptionMasterKeyBase64. ' +
          'encryptionMasterKey is deprecated, please specify only encryptionMasterKeyBase64.',
      );
    }
    console.warn(
      '`encryptionMasterKey` option is deprecated in favor of `encryptionMasterKeyBase64`',
    );
    if (typeof opts.encryptionMasterKey !== 'string') {
      throw new ValidationError('invalid_config', 'encryptionMasterKey must be a string');
    }
    // Never echo the key: messages end up in logs.
    if (opts.encryptionMasterKey.length !== ENCRYPTION_MASTER_KEY_BYTES) {
      throw new ValidationError(
        'invalid_config',
        `encryptionMasterKey must be 32 bytes long, but the provided key is ${opts.encryptionMasterKey.length} bytes long`,
      );
    }
    key = utf8(opts.encryptionMasterKey);
  }
  if (opts.encryptionMasterKeyBase64 !== undefined) {
    if (typeof opts.encryptionMasterKeyBase64 !== 'string') {
      throw new ValidationError('invalid_config', 'encryptionMasterKeyBase64 must be a string');
    }
    if (!STRICT_BASE64.test(opts.encryptionMasterKeyBase64)) {
      throw new ValidationError('invalid_config', 'encryptionMasterKeyBase64 must be valid base64');
    }
    const decoded = fromBase64(opts.encryptionMasterKeyBase64);
    if (decoded.length !== ENCRYPTION_MASTER_KEY_BYTES) {
      throw new ValidationError(
        'invalid_config',
        `encryptionMasterKeyBase64 must decode to 32 bytes, but the provided key decodes to ${decoded.length} bytes`,
      );
    }
    key = decoded;
  }
  return key;
}
