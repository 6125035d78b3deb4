/**
 * Builds signed HTTP API requests by hand (for the error cases an SDK cannot express).
 */
import { createHash, createHmac } from 'node:crypto';
import { authQueryParams, httpStringToSign } from '@herald/sdk/protocol';

/** Options of {@link signedRequest}. */
export interface SignedRequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly params?: Record<string, string>;
  readonly key?: string;
  readonly secret?: string;
  readonly timestamp?: number;
  /** Overrides the computed body_md5 (`null` omits it). */
  readonly bodyMd5?: string | null;
  /** Overrides the computed signature. */
  readonly signature?: string;
}

/** Sends a signed request to `baseUrl + path` and returns the response with its parsed JSON body. */
export async function signedRequest(
  baseUrl: string,
  path: string,
  app: { key: string; secret: string },
  options: SignedRequestOptions = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at untyped JSON
): Promise<{ status: number; body: any; headers: Headers }> {
  const method = options.method ?? (options.body !== undefined ? 'POST' : 'GET');
  const md5 =
    options.bodyMd5 === null
      ? undefined
      : (options.bodyMd5 ??
        (options.body ? createHash('md5').update(options.body).digest('hex') : undefined));
  const params: Record<string, string> = {
    ...authQueryParams(
      options.key ?? app.key,
      options.timestamp ?? Math.floor(Date.now() / 1000),
      md5,
    ),
    ...options.params,
  };
  const signature =
    options.signature ??
    createHmac('sha256', options.secret ?? app.secret)
      .update(httpStringToSign(method, path, params))
      .digest('hex');
  const query = Object.entries({ ...params, auth_signature: signature })
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const response = await fetch(`${baseUrl}${path}?${query}`, {
    method,
    ...(options.body !== undefined && {
      body: options.body,
      headers: { 'content-type': 'application/json' },
    }),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at untyped JSON
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, body, headers: response.headers };
}
