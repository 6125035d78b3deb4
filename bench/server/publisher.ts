/**
 * Signed HTTP triggers over keep-alive connections, as a backend using the HTTP API sends them. Counts
 * the TCP connections it needed, to show whether the server honours keep-alive.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { authQueryParams, canonicalQueryString, httpStringToSign } from '@herald/sdk/protocol';
import { nowMs } from './latency.js';

/** Sends triggers to one app on one server. */
export class Publisher {
  readonly #agent: Agent;
  readonly #sockets = new Set<Socket>();
  failures = 0;

  constructor(
    private readonly port: number,
    private readonly app: { id: string; key: string; secret: string },
    maxSockets = 8,
  ) {
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** TCP connections opened so far. */
  get connectionsOpened(): number {
    return this.#sockets.size;
  }

  /** Triggers `event` on `channel` with data carrying the send time (for latency); resolves on 2xx. */
  trigger(channel: string, event = 'bench', padding = ''): Promise<void> {
    const body = JSON.stringify({
      name: event,
      channels: [channel],
      data: `{"t":${nowMs().toFixed(3)}${padding ? `,"p":"${padding}"` : ''}}`,
    });
    const path = `/apps/${this.app.id}/events`;
    const params = authQueryParams(
      this.app.key,
      Math.floor(Date.now() / 1000),
      createHash('md5').update(body).digest('hex'),
    );
    const signature = createHmac('sha256', this.app.secret)
      .update(httpStringToSign('POST', path, params))
      .digest('hex');
    const query = `${canonicalQueryString(params)}&auth_signature=${signature}`;
    return new Promise((resolve) => {
      const req = request(
        {
          agent: this.#agent,
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: `${path}?${query}`,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          if ((res.statusCode ?? 500) >= 300) this.failures++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('socket', (socket) => this.#sockets.add(socket));
      req.on('error', () => {
        this.failures++;
        resolve();
      });
      req.end(body);
    });
  }

  /** Sends `count` triggers with at most `concurrency` in flight. */
  async burst(count: number, channel: string, concurrency = 8): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next++ < count) await this.trigger(channel);
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  /** Sends `perSecond` triggers per second for `seconds`, paced in 10 ms ticks. */
  async paced(perSecond: number, seconds: number, channel: string, padding = ''): Promise<number> {
    const start = performance.now();
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
      while (sent < due) {
        const p = this.trigger(channel, 'bench', padding).finally(() => inFlight.delete(p));
        inFlight.add(p);
        sent++;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inFlight);
    return sent;
  }

  /** A signed GET of the HTTP API (e.g. channel info); resolves with the parsed JSON body. */
  get(path: string, query: Record<string, string> = {}): Promise<unknown> {
    const params = { ...query, ...authQueryParams(this.app.key, Math.floor(Date.now() / 1000)) };
    const signature = createHmac('sha256', this.app.secret)
      .update(httpStringToSign('GET', path, params))
      .digest('hex');
    const url = `http://127.0.0.1:${this.port}${path}?${canonicalQueryString(params)}&auth_signature=${signature}`;
    return fetch(url).then((res) => res.json());
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.#agent.destroy();
  }
}
