/**
 * The servers under test: Herald (its CLI, the same contract users run) and soketi (the peer, started by
 * ../shared/peers/soketi). Each runs in its own process on 127.0.0.1 so its CPU and RSS can be read.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Credentials of the one app every target serves. */
export const BENCH_APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const;

/** Presence channels of up to this many members are measured (Pusher's default limit is 100). */
export const BENCH_MAX_PRESENCE_MEMBERS = 1000;

/** A started server. */
export interface Target {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHttp(port: number, child: ChildProcess | undefined): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing answered on 127.0.0.1:${port} within 15 s`);
}

function stopPid(pid: number, child?: ChildProcess): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      done();
    }, 5000);
    const finish = (): void => {
      clearTimeout(timer);
      done();
    };
    if (child) child.once('exit', finish);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      finish();
      return;
    }
    if (!child) {
      const poll = setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(poll);
          finish();
        }
      }, 50);
    }
  });
}

/** Starts Herald through its CLI (built: `npm run build`). */
export async function startHerald(): Promise<Target> {
  const cli = join(root, 'packages/server/dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const port = await freePort();
  // The same app settings as soketi's start.sh: client events on, Pusher's 10 KB event limit.
  const config = join(mkdtempSync(join(tmpdir(), 'herald-bench-')), 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [{ ...BENCH_APP, clientEvents: true, maxPresenceMembers: BENCH_MAX_PRESENCE_MEMBERS }],
    }),
  );
  const child = spawn(
    process.execPath,
    [cli, 'start', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HERALD_CONFIG: config } },
  );
  await waitForHttp(port, child);
  return { name: 'herald', pid: child.pid ?? 0, port, stop: () => stopPid(child.pid ?? 0, child) };
}

/** Starts soketi 1.6.1 with ../shared/peers/soketi (installs it on first use). */
export async function startSoketi(): Promise<Target> {
  const peers = resolve(root, '../shared/peers/soketi');
  if (!existsSync(peers)) throw new Error(`${peers} is missing`);
  execFileSync('bash', [join(peers, 'install.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await freePort();
  const out = execFileSync('bash', [join(peers, 'start.sh')], {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      SOKETI_PRESENCE_MAX_MEMBERS: String(BENCH_MAX_PRESENCE_MEMBERS),
    },
    encoding: 'utf8',
  });
  const pid = Number(out.trim().split('\n').pop());
  await waitForHttp(port, undefined);
  return { name: 'soketi', pid, port, stop: () => stopPid(pid) };
}

/** Target starters by name. */
export const TARGETS: Readonly<Record<string, () => Promise<Target>>> = {
  herald: startHerald,
  soketi: startSoketi,
};
