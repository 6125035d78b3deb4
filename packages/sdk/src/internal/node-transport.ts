/**
 * @module
 * Node-only transport, used when `agent` or `httpProxy` is configured: `fetch` cannot take a Node
 * agent or a proxy without a dependency, so these requests go through `node:http`/`node:https`,
 * loaded at run time with `process.getBuiltinModule` (no static import; elsewhere this returns
 * `undefined` and the caller falls back to `fetch`).
 */
import type { Transport } from '../request.js';

/* Minimal structural types for the few Node APIs used (the SDK compiles without @types/node). */
interface NodeIncoming {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', cb: (chunk: Uint8Array) => void): NodeIncoming;
  on(event: 'end', cb: () => void): NodeIncoming;
  on(event: 'error', cb: (err: Error) => void): NodeIncoming;
}
interface NodeSocket {
  destroy(): void;
}
interface NodeClientRequest {
  on(event: 'response', cb: (res: NodeIncoming) => void): NodeClientRequest;
  on(event: 'connect', cb: (res: NodeIncoming, socket: NodeSocket) => void): NodeClientRequest;
  on(event: 'error', cb: (err: Error) => void): NodeClientRequest;
  end(body?: string): void;
}
interface NodeHttp {
  request(url: string | URL, options: Record<string, unknown>): NodeClientRequest;
  request(options: Record<string, unknown>): NodeClientRequest;
}
interface NodeTls {
  connect(options: Record<string, unknown>): NodeSocket;
}

function builtin<T>(id: string): T | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function toResponse(res: NodeIncoming, resolve: (r: Response) => void, reject: (e: Error) => void) {
  const chunks: Uint8Array[] = [];
  res.on('data', (c) => chunks.push(c));
  res.on('error', reject);
  res.on('end', () => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else if (v !== undefined) headers.set(k, v);
    }
    let size = 0;
    for (const c of chunks) size += c.length;
    const body = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
    const status = res.statusCode ?? 500;
    resolve(new Response(NULL_BODY_STATUS.has(status) ? null : body, { status, headers }));
  });
}

function proxyAuthHeader(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${btoa(creds)}` };
}

/** A Node transport for `agent`/`httpProxy`, or `undefined` outside Node-compatible runtimes. */
export function nodeTransport(
  agent: unknown,
  httpProxy: string | undefined,
): Transport | undefined {
  const http = builtin<NodeHttp>('node:http');
  const https = builtin<NodeHttp>('node:https');
  const tls = builtin<NodeTls>('node:tls');
  if (!http || !https || !tls) return undefined;

  return (urlString, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(urlString);
      const isHttps = target.protocol === 'https:';
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) {
        headers['content-length'] = String(new TextEncoder().encode(init.body).length);
      }
      const common = { method: init.method, headers, signal: init.signal };
      const onResponse = (res: NodeIncoming) => toResponse(res, resolve, reject);

      if (httpProxy === undefined) {
        const req = (isHttps ? https : http).request(target, { ...common, agent });
        req.on('response', onResponse).on('error', reject);
        req.end(init.body);
        return;
      }
      const proxy = new URL(httpProxy);
      const proxyPort = proxy.port || '80';
      if (!isHttps) {
        // Plain http through a forward proxy: absolute-form request target.
        const req = http.request({
          ...common,
          host: proxy.hostname,
          port: proxyPort,
          path: target.href,
          headers: { ...headers, host: target.host, ...proxyAuthHeader(proxy) },
        });
        req.on('response', onResponse).on('error', reject);
        req.end(init.body);
        return;
      }
      // https through a CONNECT tunnel, TLS end to end with the API host.
      const port = target.port || '443';
      const connect = http.request({
        method: 'CONNECT',
        host: proxy.hostname,
        port: proxyPort,
        path: `${target.hostname}:${port}`,
        headers: { host: `${target.hostname}:${port}`, ...proxyAuthHeader(proxy) },
        signal: init.signal,
      });
      connect.on('error', reject);
      connect.on('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          reject(new Error(`Proxy CONNECT failed with status ${res.statusCode}`));
          return;
        }
        const req = https.request(target, {
          ...common,
          agent: false,
          createConnection: () => tls.connect({ socket, servername: target.hostname }),
        });
        req.on('response', onResponse).on('error', reject);
        req.end(init.body);
      });
      connect.end();
    });
}
