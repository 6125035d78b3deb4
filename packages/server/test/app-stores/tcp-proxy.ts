/**
 * A TCP proxy on 127.0.0.1 that a test can cut (every connection dropped, new ones refused) and
 * restore on the same port: a database outage without touching the database.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops listening. */
  cut(): Promise<void>;
  /** Drops every connection; new ones are accepted but never answered (a hung database). */
  hang(): void;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let hanging = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const makeServer = (): Server =>
    createServer((client) => {
      if (hanging) {
        track(client);
        client.resume();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  let server = makeServer();
  const port = await listen(server, 0);
  let listening = true;
  const cut = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    cut,
    hang() {
      hanging = true;
      for (const socket of sockets) socket.destroy();
    },
    async restore() {
      hanging = false;
      for (const socket of sockets) socket.destroy();
      if (listening) return;
      server = makeServer();
      await listen(server, port);
      listening = true;
    },
    close: cut,
  };
}
