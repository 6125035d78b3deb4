// Request transport: timeout (AbortError), a Node agent, an httpProxy through a real forward proxy,
// network failures, and the version header.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Agent, request as httpRequest, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import Pusher, { RequestError, VERSION } from '@herald/sdk';
import { startFakePusher, type FakePusher } from './helpers/fake-pusher.js';

let fake: FakePusher;
before(async () => {
  fake = await startFakePusher();
});
after(() => fake.close());

const creds = () => ({
  appId: fake.appId,
  key: fake.key,
  secret: fake.secret,
  host: fake.host,
  port: fake.port,
});

/** A minimal forward proxy (absolute-form GET/POST and CONNECT) that counts what it relays. */
async function startProxy(): Promise<{ url: string; relayed: string[]; close(): Promise<void> }> {
  const relayed: string[] = [];
  const server: Server = createServer((req, res) => {
    relayed.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  // CONNECT tunnels leave the HTTP server's bookkeeping: track sockets to close them at the end.
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  server.on('connect', (req, client: Socket) => {
    relayed.push(`CONNECT ${req.url}`);
    sockets.add(client);
    const [host, port] = req.url!.split(':');
    const up = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    relayed,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('transport', () => {
  it('sends the library header with the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(VERSION, pkg.version);
    await new Pusher(creds()).trigger('a', 'b', 'c');
    assert.equal(fake.requests.at(-1)!.headers['x-pusher-library'], `herald-sdk ${VERSION}`);
  });

  it('aborts after `timeout` ms with a RequestError wrapping an AbortError', async () => {
    const hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    try {
      const p = new Pusher({
        appId: '1',
        key: 'k',
        secret: 's',
        host: '127.0.0.1',
        port,
        timeout: 50,
      });
      await assert.rejects(p.get({ path: '/channels' }), (err: unknown) => {
        assert.ok(err instanceof RequestError);
        assert.equal(err.message, 'Request failed with an error');
        assert.equal((err.error as Error).name, 'AbortError');
        assert.equal(err.status, undefined);
        return true;
      });
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });

  it('wraps a refused connection in a RequestError', async () => {
    const p = new Pusher({ appId: '1', key: 'k', secret: 's', host: '127.0.0.1', port: 1 });
    await assert.rejects(
      p.get({ path: '/channels' }),
      (err: unknown) => err instanceof RequestError && err.error !== undefined,
    );
  });

  it('uses a Node agent when one is given', async () => {
    const agent = new Agent({ keepAlive: true });
    let created = 0;
    const original = agent.createConnection.bind(agent);
    agent.createConnection = (...args: Parameters<typeof original>) => {
      created++;
      return original(...args);
    };
    const p = new Pusher({ ...creds(), agent });
    const res = await p.trigger('a', 'b', { c: 1 });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    await p.get({ path: '/channels' });
    assert.equal(created, 1, 'keep-alive agent reused its connection');
    agent.destroy();
  });

  it('goes through an httpProxy (absolute-form for http targets)', async () => {
    const proxy = await startProxy();
    try {
      const p = new Pusher({ ...creds(), httpProxy: proxy.url });
      const before = fake.requests.length;
      const list = await p.channels();
      assert.deepEqual(list, []);
      await p.trigger('a', 'b', { c: 1 });
      assert.equal(fake.requests.length, before + 2, 'the fake accepted both signed requests');
      assert.equal(proxy.relayed.length, 2);
      assert.match(
        proxy.relayed[0]!,
        new RegExp(`^GET http://127\\.0\\.0\\.1:${fake.port}/apps/${fake.appId}/channels\\?`),
      );
      // An https target is tunnelled with CONNECT (the handshake fails against the plain fake, after the tunnel).
      const tls = new Pusher({ ...creds(), useTLS: true, httpProxy: proxy.url });
      await assert.rejects(tls.get({ path: '/channels' }), RequestError);
      assert.equal(proxy.relayed.at(-1), `CONNECT 127.0.0.1:${fake.port}`);
    } finally {
      await proxy.close();
    }
  });

  it('rejects a non-http proxy URL at construction', () => {
    assert.throws(
      () => new Pusher({ ...creds(), httpProxy: 'socks5://x:1' }),
      /httpProxy must be an absolute http:\/\/ URL/,
    );
  });
});
