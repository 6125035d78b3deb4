/**
 * @module
 * Signed HTTP API requests: the signed query string and sending through `fetch` (or, on Node with
 * an `agent` or `httpProxy`, through the Node transport).
 */
import { RESERVED_QUERY_PARAMS, authQueryParams, httpStringToSign } from './protocol/index.js';
import { hashes } from './internal/crypto.js';
import { ValidationError, RequestError } from './errors.js';
import type { Config } from './config.js';
import type { Token } from './token.js';
import { nodeTransport } from './internal/node-transport.js';
import { VERSION } from './version.js';

/** Query parameters a request may add (any key except the five the signature owns). */
export type Params = { [key: string]: unknown } & {
  [K in (typeof RESERVED_QUERY_PARAMS)[number]]?: never;
};

/** Options of `createSignedQueryString`. */
export interface SignedQueryStringOptions {
  /** HTTP method. */
  method: string;
  /** Full path, `/apps/<id>/...`. */
  path: string;
  /** The exact body string, when there is one. */
  body?: string | undefined;
  /** Extra query parameters. */
  params?: Params | undefined;
}

/** Options of `get`. */
export interface RequestOptions {
  /** Path below `/apps/<appId>`, e.g. `/channels`. */
  path: string;
  /** Extra query parameters. */
  params?: Params | undefined;
}

/** Options of `get` (alias kept for `pusher` compatibility). */
export type GetOptions = RequestOptions;

/** Options of `post`: the body is JSON-encoded (as `pusher` does, even for strings). */
export interface PostOptions extends RequestOptions {
  /** The body; JSON-encoded before sending. */
  body: unknown;
}

const RESERVED = new Set<string>(RESERVED_QUERY_PARAMS);

/**
 * Builds `auth_key=…&auth_timestamp=…&auth_version=1.0[&body_md5=…][&params…]&auth_signature=…`,
 * sorted and unescaped as Pusher signs it.
 */
export function createSignedQueryString(token: Token, request: SignedQueryStringOptions): string {
  const timestamp = (Date.now() / 1000) | 0;
  const params: Record<string, string> = authQueryParams(
    token.key,
    timestamp,
    request.body ? hashes.md5Hex(request.body) : undefined,
  );
  if (request.params) {
    for (const key in request.params) {
      if (RESERVED.has(key)) {
        throw new ValidationError(
          'invalid_params',
          `${key} is a required parameter and cannot be overidden`,
        );
      }
      params[key] = String(request.params[key]);
    }
  }
  const signData = httpStringToSign(request.method, request.path, params);
  const query = signData.slice(signData.lastIndexOf('\n') + 1);
  return `${query}&auth_signature=${token.sign(signData)}`;
}

/** What one HTTP API call needs. */
export interface SendOptions {
  /** `GET` or `POST`. */
  method: 'GET' | 'POST';
  /** Path below `/apps/<appId>`. */
  path: string;
  /** Extra query parameters. */
  params?: Params | undefined;
  /** Body value, JSON-encoded when truthy. */
  body?: unknown;
}

/** The transport contract: a fetch-like function. */
export type Transport = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: string | undefined;
    signal: AbortSignal | undefined;
  },
) => Promise<Response>;

/**
 * Signs and sends a request. Resolves to the `Response` for status < 400; rejects with a
 * {@link RequestError} otherwise (with `status` and `body`), or on network failure / timeout.
 */
export async function send(config: Config, options: SendOptions): Promise<Response> {
  const { url, init } = prepare(config, options);
  const transport: Transport =
    config.agent !== undefined || config.httpProxy !== undefined
      ? (nodeTransport(config.agent, config.httpProxy) ?? fetchTransport)
      : fetchTransport;

  let timer: ReturnType<typeof setTimeout> | undefined;
  if (config.timeout) {
    const controller = new AbortController();
    timer = setTimeout(() => controller.abort(), config.timeout);
    init.signal = controller.signal;
  }
  let res: Response;
  try {
    res = await transport(url, init);
  } catch (err) {
    clearTimeout(timer);
    throw new RequestError('Request failed with an error', url, err);
  }
  clearTimeout(timer);
  if (res.status >= 400) {
    const body = await res.text();
    throw new RequestError(
      `Unexpected status code ${res.status}`,
      url,
      undefined,
      res.status,
      body,
    );
  }
  return res;
}

/** Builds the signed URL and request init (exposed for the benchmark and tests). */
export function prepare(
  config: Config,
  options: SendOptions,
): { url: string; init: Parameters<Transport>[1] } {
  const path = config.prefixPath(options.path);
  const body = options.body ? JSON.stringify(options.body) : undefined;
  const query = createSignedQueryString(config.token, {
    method: options.method,
    path,
    params: options.params,
    body,
  });
  const headers: Record<string, string> = { 'x-pusher-library': `herald-sdk ${VERSION}` };
  if (body) headers['content-type'] = 'application/json';
  return {
    url: `${config.getBaseURL()}${path}?${query}`,
    init: { method: options.method, headers, body, signal: undefined },
  };
}

const fetchTransport: Transport = (url, init) =>
  fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal ?? null,
  });
