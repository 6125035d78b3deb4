// A small Pusher-compatible HTTP API on 127.0.0.1:0 that checks requests the way Pusher does
// (auth_key, auth_timestamp within 600 s, auth_version, body_md5, auth_signature — recomputed here
// with node:crypto, independently of the SDK), records them, and answers with Pusher's bodies.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHash, createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The raw query string (after `?`). */
  query: string;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Channel state the fake reports. */
export interface FakeChannel {
  subscriptionCount: number;
  users: string[];
}

export interface FakePusher {
  url: string;
  host: string;
  port: number;
  appId: string;
  key: string;
  secret: string;
  requests: RecordedRequest[];
  channels: Map<string, FakeChannel>;
  close(): Promise<void>;
}

function hmac(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** Starts the fake. Close it with `close()` (e.g. in `t.after`). */
export async function startFakePusher(
  creds: { appId?: string; key?: string; secret?: string } = {},
): Promise<FakePusher> {
  const appId = creds.appId ?? '1234';
  const key = creds.key ?? 'fake-key';
  const secret = creds.secret ?? 'fake-secret';
  const requests: RecordedRequest[] = [];
  const channels = new Map<string, FakeChannel>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const path = q === -1 ? raw : raw.slice(0, q);
      const query = q === -1 ? '' : raw.slice(q + 1);
      const params = Object.fromEntries(new URLSearchParams(query));
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path,
        query,
        params,
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      const [status, payload] = handle(recorded);
      res.writeHead(status, {
        'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json',
      });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    });
  });

  function authProblem(r: RecordedRequest): string | null {
    const p = r.params;
    if (p['auth_key'] !== key) return 'Unknown auth_key\n';
    const ts = Number(p['auth_timestamp']);
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 600)
      return 'Timestamp expired\n';
    if (p['auth_version'] !== '1.0') return 'Invalid auth_version\n';
    if (r.body.length > 0 && p['body_md5'] !== createHash('md5').update(r.body).digest('hex')) {
      return 'Invalid body_md5\n';
    }
    const signed = Object.keys(p)
      .filter((k) => k !== 'auth_signature')
      .sort()
      .map((k) => `${k}=${p[k]}`)
      .join('&');
    const expected = hmac(secret, `${r.method}\n${r.path}\n${signed}`);
    if (p['auth_signature'] !== expected)
      return `Invalid signature: you should have sent HmacSHA256Hex(${JSON.stringify(`${r.method}\n${r.path}\n${signed}`)}, your_secret_key)\n`;
    return null;
  }

  function attributes(name: string, info: string | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    const ch = channels.get(name);
    for (const attr of (info ?? '').split(',').filter(Boolean)) {
      if (attr === 'user_count' && name.startsWith('presence-'))
        out['user_count'] = ch?.users.length ?? 0;
      if (attr === 'subscription_count') out['subscription_count'] = ch?.subscriptionCount ?? 0;
    }
    return out;
  }

  function handle(r: RecordedRequest): [number, unknown] {
    const prefix = `/apps/${appId}`;
    if (!r.path.startsWith(prefix + '/')) return [404, 'Not found\n'];
    const problem = authProblem(r);
    if (problem) return [401, problem];
    const sub = r.path.slice(prefix.length);
    let body: Record<string, unknown> = {};
    if (r.body) {
      try {
        body = JSON.parse(r.body) as Record<string, unknown>;
      } catch {
        return [400, 'Invalid JSON\n'];
      }
    }
    if (r.method === 'POST' && sub === '/events') {
      const list = body['channels'] as string[] | undefined;
      if (typeof body['name'] !== 'string') return [400, 'Missing required parameter: name\n'];
      if (!Array.isArray(list) || list.length === 0)
        return [400, 'Missing required parameter: channels\n'];
      if (list.length > 100) return [400, 'Too many channels\n'];
      if (typeof body['data'] !== 'string') return [400, 'Missing required parameter: data\n'];
      const info = body['info'] as string | undefined;
      if (!info) return [200, {}];
      return [200, { channels: Object.fromEntries(list.map((c) => [c, attributes(c, info)])) }];
    }
    if (r.method === 'POST' && sub === '/batch_events') {
      const batch = body['batch'] as Array<Record<string, unknown>> | undefined;
      if (!Array.isArray(batch)) return [400, 'Missing required parameter: batch\n'];
      if (batch.length > 10) return [400, `Batch too large (${batch.length} > 10)\n`];
      for (const e of batch) {
        if (typeof e['channel'] !== 'string') return [400, 'Missing required parameter: channel\n'];
        if (typeof e['name'] !== 'string') return [400, 'Missing required parameter: name\n'];
        if (typeof e['data'] !== 'string') return [400, 'Missing required parameter: data\n'];
      }
      if (!batch.some((e) => e['info'])) return [200, {}];
      return [
        200,
        {
          batch: batch.map((e) =>
            attributes(e['channel'] as string, e['info'] as string | undefined),
          ),
        },
      ];
    }
    if (r.method === 'POST' && /^\/users\/[^/]+\/terminate_connections$/.test(sub))
      return [200, {}];
    if (r.method === 'GET' && sub === '/channels') {
      const filter = r.params['filter_by_prefix'] ?? '';
      const info = r.params['info'];
      if (info?.split(',').includes('user_count') && !filter.startsWith('presence-')) {
        return [
          400,
          'user_count may only be requested for presence channels - please supply filter_by_prefix begining with presence-\n',
        ];
      }
      const out: Record<string, unknown> = {};
      for (const [name] of channels)
        if (name.startsWith(filter)) out[name] = attributes(name, info);
      return [200, { channels: out }];
    }
    const usersMatch = /^\/channels\/([^/]+)\/users$/.exec(sub);
    if (r.method === 'GET' && usersMatch) {
      const name = decodeURIComponent(usersMatch[1]!);
      if (!name.startsWith('presence-'))
        return [400, 'Users can only be retrieved for presence channels\n'];
      return [200, { users: (channels.get(name)?.users ?? []).map((id) => ({ id })) }];
    }
    const channelMatch = /^\/channels\/([^/]+)$/.exec(sub);
    if (r.method === 'GET' && channelMatch) {
      const name = decodeURIComponent(channelMatch[1]!);
      const info = r.params['info'];
      if (info?.split(',').includes('user_count') && !name.startsWith('presence-')) {
        return [400, 'Cannot retrieve the user count unless the channel is a presence channel\n'];
      }
      return [200, { occupied: channels.has(name), ...attributes(name, info) }];
    }
    return [404, 'Not found\n'];
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    appId,
    key,
    secret,
    requests,
    channels,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
