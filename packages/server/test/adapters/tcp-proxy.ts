/**
 * A TCP proxy on 127.0.0.1 in front of a real service, for fault injection: `stall()` holds every
 * byte (calls hang), `cut()` drops every connection and refuses new ones (an outage), `restore()`
 * ends both.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A controllable TCP proxy. */
export interface TcpProxy {
  readonly port: number;
  stall(): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `targetHost:targetPort` on a free port. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  let stalled = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const pipe = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!stalled && !cut) to.write(chunk);
      });
    pipe(client, upstream);
    pipe(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    stall() {
      stalled = true;
    },
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
      stalled = false;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
