/**
 * The coordinator's side of the load processes: forks them, spreads connections across them and
 * merges their latency histograms. Each child is killed by PID when the pool closes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Histogram } from './latency.js';
import type { LoadCommand, LoadReply } from './load-client.js';

const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

/** Merged statistics of every load process. */
export interface PoolStats {
  readonly received: number;
  readonly histogram: Histogram;
  readonly closeCodes: Record<string, number>;
  readonly open: number;
}

/** A set of load processes. */
export class LoadPool {
  readonly #children: ChildProcess[];

  constructor(processes: number) {
    this.#children = Array.from({ length: processes }, () =>
      fork(CLIENT, [], {
        execArgv: ['--import', 'tsx', '--conditions=source'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  #ask(child: ChildProcess, command: LoadCommand, timeoutMs = 120_000): Promise<LoadReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onReply);
        reject(new Error(`load process ${child.pid} did not answer ${command.type}`));
      }, timeoutMs);
      const onReply = (reply: LoadReply): void => {
        clearTimeout(timer);
        resolve(reply);
      };
      child.once('message', onReply);
      child.send(command);
    });
  }

  /** Opens `count` subscribed connections to `channel`, spread over the processes. */
  async connect(
    url: string,
    count: number,
    channel: string,
    app: { key: string; secret: string },
    concurrency = 50,
  ): Promise<{ opened: number; failed: number }> {
    const share = Math.ceil(count / this.#children.length);
    const replies = await Promise.all(
      this.#children.map((child, i) =>
        this.#ask(child, {
          type: 'connect',
          url,
          count: Math.max(0, Math.min(share, count - i * share)),
          channel,
          key: app.key,
          secret: app.secret,
          concurrency,
        }),
      ),
    );
    let opened = 0;
    let failed = 0;
    for (const reply of replies) {
      if (reply.type === 'connected') {
        opened += reply.opened;
        failed += reply.failed;
      }
    }
    return { opened, failed };
  }

  /** Clears every process's counters. */
  async reset(): Promise<void> {
    await Promise.all(this.#children.map((child) => this.#ask(child, { type: 'reset' })));
  }

  /** Stops reading on `count` connections of the first process (slow consumers). */
  async stall(count: number): Promise<void> {
    const first = this.#children[0];
    if (first) await this.#ask(first, { type: 'stall', count });
  }

  /** Merged counters of every process. */
  async stats(): Promise<PoolStats> {
    const histogram = new Histogram();
    const closeCodes: Record<string, number> = {};
    let received = 0;
    let open = 0;
    for (const child of this.#children) {
      const reply = await this.#ask(child, { type: 'stats' });
      if (reply.type !== 'stats') continue;
      received += reply.received;
      open += reply.open;
      histogram.merge(reply.counts);
      for (const [code, n] of Object.entries(reply.closeCodes)) {
        closeCodes[code] = (closeCodes[code] ?? 0) + n;
      }
    }
    return { received, histogram, closeCodes, open };
  }

  /** Closes every connection and ends the processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, 3000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.send({ type: 'close' } satisfies LoadCommand);
          }),
      ),
    );
  }
}
