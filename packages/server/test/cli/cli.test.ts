import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runCli, type CliIo } from '../../src/cli/run.js';
import { cliOptions } from '../../src/config/options.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8'));

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    cwd: packageRoot,
  };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

describe('herald CLI (in-process)', () => {
  it('--version prints the package version', async () => {
    const t = io();
    assert.deepEqual(await runCli(['--version'], t.io), { exitCode: 0 });
    assert.equal(t.out(), `${version}\n`);
  });

  it('--help lists every flag with its environment variable', async () => {
    const t = io();
    assert.deepEqual(await runCli(['--help'], t.io), { exitCode: 0 });
    for (const option of cliOptions()) {
      assert.ok(t.out().includes(`--${option.flag}`), option.flag);
      if (option.env) assert.ok(t.out().includes(option.env), option.env);
    }
    assert.ok(t.out().includes('PUSHER_APP_KEY'));
  });

  it('--print-config prints the effective config with secrets masked', async () => {
    const t = io({ PUSHER_APP_SECRET: 'very-secret-value', HERALD_PORT: '7100' });
    assert.deepEqual(await runCli(['start', '--print-config', '--api-port', '7101'], t.io), {
      exitCode: 0,
    });
    const printed = JSON.parse(t.out());
    assert.equal(printed.port, 7100);
    assert.equal(printed.apiPort, 7101);
    assert.equal(printed.apps[0].secret, '********');
    assert.ok(!t.out().includes('very-secret-value'));
  });

  it('exits 2 with the path of a bad value, an unknown flag or command', async () => {
    const bad = io({ HERALD_PORT: 'not-a-port' });
    assert.deepEqual(await runCli(['start'], bad.io), { exitCode: 2 });
    assert.match(bad.err(), /port \(from HERALD_PORT\)/);
    const flag = io();
    assert.deepEqual(await runCli(['start', '--prot', '1'], flag.io), { exitCode: 2 });
    assert.match(flag.err(), /--prot/);
    const command = io();
    assert.deepEqual(await runCli(['launch'], command.io), { exitCode: 2 });
    assert.match(command.err(), /unknown command "launch"/);
  });

  it('starts a server, prints the dev credentials and a pusher-js snippet', async () => {
    const t = io();
    const result = await runCli(
      ['start', '--host', '127.0.0.1', '--port', '0', '--log-level', 'silent'],
      t.io,
    );
    assert.ok('server' in result);
    try {
      const { port } = result.server.address;
      assert.match(t.out(), /id: app-id {2}key: app-key {2}secret: app-secret/);
      assert.ok(t.out().includes(`new Pusher("app-key"`));
      assert.ok(t.out().includes(`wsPort: ${port}`));
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
    } finally {
      await result.server.stop();
    }
  });

  it('masks a secret the user chose in the banner', async () => {
    const t = io({ PUSHER_APP_SECRET: 'my-own-secret' });
    const result = await runCli(
      ['start', '--host', '127.0.0.1', '--port', '0', '--log-level', 'silent'],
      t.io,
    );
    assert.ok('server' in result);
    await result.server.stop();
    assert.ok(!t.out().includes('my-own-secret'));
  });
});

/** Spawns the CLI from its TypeScript sources (no build needed) and collects its output. */
function spawnCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', `${packageRoot}src/cli/main.ts`, ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

describe('herald CLI (spawned process)', () => {
  it('exits with code 2 on a bad configuration', async () => {
    const run = spawnCli(['start', '--port', 'x']);
    assert.equal(await run.exit, 2);
    assert.match(run.stderr(), /port \(from --port\)/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`stops gracefully on ${signal} and exits 0`, async () => {
      const run = spawnCli(['start', '--host', '127.0.0.1', '--port', '0']);
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => {
            if (run.stdout().includes('Connect with pusher-js')) resolve();
          };
          run.child.stdout.on('data', check);
          void run.exit.then(() => reject(new Error(`exited early: ${run.stderr()}`)));
        });
        const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout())?.[1]);
        assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
        run.child.kill(signal);
        assert.equal(await run.exit, 0);
        assert.match(run.stdout(), /"msg":"Herald stopped"/);
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });

  it(
    'the built bin prints its version',
    { skip: !existsSync(`${packageRoot}dist/cli/main.js`) && 'not built' },
    async () => {
      const child = spawn(process.execPath, [`${packageRoot}bin/herald.js`, '--version']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      assert.equal(code, 0);
      assert.equal(out, `${version}\n`);
    },
  );
});
